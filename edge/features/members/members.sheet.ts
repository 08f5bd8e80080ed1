import { foldAccents } from '../../kernel/http/text.ts'
import { isRealDate, parseForm, toIsoDate, today } from '../../kernel/http/validation.ts'
import { excelSerialToIso } from '../../kernel/files/xlsx.ts'
import { memberFields } from './members.forms.ts'

/** Spreadsheet headers (accent- and case-insensitive) → profile fields. */
const HEADERS: Record<string, string> = {
  'ho va ten': 'full_name',
  'ho ten': 'full_name',
  ten: 'full_name',
  'ten goi khac': 'other_names',
  'ngay sinh': 'birth_date',
  'gioi tinh': 'gender',
  'dan toc': 'ethnicity',
  'ton giao': 'religion',
  'que quan': 'hometown',
  'noi sinh': 'birthplace',
  'noi thuong tru': 'permanent_address',
  'thuong tru': 'permanent_address',
  'noi o hien nay': 'current_address',
  'cho o hien nay': 'current_address',
  'dien thoai': 'phone',
  'so dien thoai': 'phone',
  email: 'email',
  'so cccd': 'citizen_id',
  cccd: 'citizen_id',
  'can cuoc cong dan': 'citizen_id',
  'so can cuoc': 'citizen_id',
  'so the': 'card_number',
  'so the dang vien': 'card_number',
  'the dang vien': 'card_number',
  'ngay vao dang': 'admitted_on',
  'ngay chinh thuc': 'official_on',
  'trinh do hoc van': 'education',
  'hoc van': 'education',
  'ly luan chinh tri': 'theory_level',
  'trinh do ly luan chinh tri': 'theory_level',
  'nghe nghiep': 'occupation',
  'chuc vu': 'position',
  'khen thuong': 'rewards',
  'ky luat': 'discipline',
  'ma to chuc': 'org_path',
  'ma chi bo': 'org_path',
  // the organization as an office's list names it: "Chi bộ khu phố 1", or "Đảng bộ phường Minh Khai › Chi bộ khu phố 1"
  'to chuc dang': 'org_name',
  'to chuc': 'org_name',
  'ten to chuc': 'org_name',
  'chi bo': 'org_name',
  'ten chi bo': 'org_name',
  // registered in the system a committee used before: counted as registered from that date (or the import)
  'da dang ky': 'registered',
  'dang ky': 'registered',
  'da dang ky tai khoan': 'registered',
}

const DATE_FIELDS = new Set(['birth_date', 'admitted_on', 'official_on', 'registered'])
const YES = new Set(['x', 'co', 'roi', 'da dang ky', 'yes', 'true', '1'])
const NO = new Set(['', 'khong', 'chua', 'no', 'false', '0'])

/**
 * "Đã đăng ký" of a migrated row: yes (x, có, rồi…) counts from the import, a date counts from that date,
 * blank or "chưa" is not registered. The instant is stored, so the report's counts need no file.
 */
function registeredAt(value: string, importedAt: string): { at?: string } | { error: string } {
  const word = headerKey(value)
  if (NO.has(word)) return {}
  if (YES.has(word)) return { at: importedAt }
  if (isRealDate(value)) {
    const iso = toIsoDate(value)
    if (iso >= '2000-01-01' && iso <= today()) return { at: `${iso}T00:00:00+07:00` }
  }
  return { error: 'Đã đăng ký: ghi “x” (hoặc ngày đăng ký, dạng dd/mm/yyyy) nếu đã đăng ký ở hệ thống cũ; để trống nếu chưa.' }
}
export const MAX_ROWS = 20_000

export interface SheetRow {
  line: number
  values: Record<string, unknown>
  errors: string[]
  /** worth knowing, not wrong (a phone shared in a family) */
  notes: string[]
}

export interface SheetCheck {
  fileErrors: string[]
  ignoredColumns: string[]
  rows: SheetRow[]
}

function headerKey(text: string): string {
  return foldAccents(text.normalize('NFC'))
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function genderOf(value: string): string | undefined {
  const v = headerKey(value)
  if (v === 'nam' || v === 'male') return 'male'
  if (v === 'nu' || v === 'female') return 'female'
  return value === '' ? undefined : 'invalid'
}

/** A phone several members share (a family's): allowed, but only one of them can sign in with it. */
export function sharedPhoneNote(withWhom: string): string {
  return `Dùng chung số điện thoại với ${withWhom} (máy dùng chung): chỉ một người đăng nhập được bằng số này, người còn lại đăng nhập bằng số thẻ đảng viên.`
}

/** Maps headers, validates each row with the same rules as the form, and marks duplicates inside the file. */
export function checkSheet(table: string[][], fromExcel: boolean, importedAt = new Date().toISOString()): SheetCheck {
  const [header = [], ...body] = table
  const columns = header.map((h) => HEADERS[headerKey(h)])
  const ignoredColumns = header.filter((h, i) => h.trim() && !columns[i])
  const fileErrors: string[] = []
  if (!columns.includes('full_name')) fileErrors.push('Thiếu cột "Họ và tên" ở dòng tiêu đề.')
  if (!columns.includes('birth_date')) fileErrors.push('Thiếu cột "Ngày sinh" ở dòng tiêu đề.')
  if (body.length === 0) fileErrors.push('Tệp không có dòng dữ liệu nào.')
  if (body.length > MAX_ROWS) fileErrors.push(`Tệp có ${body.length} dòng; mỗi lần nhập tối đa ${MAX_ROWS} dòng.`)
  if (fileErrors.length) return { fileErrors, ignoredColumns, rows: [] }

  const seen = new Map<string, number>()
  const phones = new Map<string, number>()
  const rows = body.map((cells, index): SheetRow => {
    const line = index + 2
    const raw: Record<string, string> = {}
    columns.forEach((field, i) => {
      if (!field) return
      let value = (cells[i] ?? '').normalize('NFC').trim()
      if (fromExcel && DATE_FIELDS.has(field)) value = excelSerialToIso(value)
      raw[field] = value
    })
    const errors: string[] = []
    const gender = genderOf(raw.gender ?? '')
    if (gender === 'invalid') errors.push('Giới tính: ghi "Nam" hoặc "Nữ".')
    if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim())) errors.push('Dòng có nhiều ô hơn dòng tiêu đề.')
    const parsed = parseForm(memberFields, { ...raw, gender: gender === 'invalid' ? undefined : gender })
    if (!parsed.ok) errors.push(...Object.values(parsed.errors))
    const registered = registeredAt(raw.registered ?? '', importedAt)
    if ('error' in registered) errors.push(registered.error)
    const values: Record<string, unknown> = parsed.ok
      ? {
          ...parsed.value,
          org_path: raw.org_path || undefined,
          org_name: raw.org_name || undefined,
          registered_at: 'at' in registered ? registered.at : undefined,
        }
      : raw
    for (const key of duplicateKeys(values)) {
      const first = seen.get(key)
      if (first) errors.push(`Trùng với dòng ${first} trong tệp (${describeKey(key)}).`)
      else seen.set(key, line)
    }
    const notes: string[] = []
    const phone = typeof values.phone === 'string' ? values.phone : undefined
    if (phone) {
      const first = phones.get(phone)
      if (first) notes.push(sharedPhoneNote(`dòng ${first}`))
      else phones.set(phone, line)
    }
    return { line, values, errors, notes }
  })
  return { fileErrors, ignoredColumns, rows }
}

export function nameBirthKey(fullName: string, birthDate: string): string {
  return `${foldAccents(fullName).toLowerCase()}|${birthDate}`
}

export function duplicateKeys(v: Record<string, unknown>): string[] {
  const keys: string[] = []
  if (v.card_number) keys.push(`card_number:${v.card_number}`)
  if (v.citizen_id) keys.push(`citizen_id:${v.citizen_id}`)
  if (v.full_name && v.birth_date) keys.push(`name_birth:${nameBirthKey(String(v.full_name), String(v.birth_date))}`)
  return keys
}

export function describeKey(key: string): string {
  if (key.startsWith('card_number:')) return `số thẻ ${key.slice(12)}`
  if (key.startsWith('citizen_id:')) return `số CCCD ${key.slice(11)}`
  return 'cùng họ tên và ngày sinh'
}

export interface PlaceableOrg {
  id: string
  name: string
  parent_name: string | null
  /** the committee's own code for it (organizations.short_code), if it has one */
  short_code?: string | null
}

const fold = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi')

/**
 * Finds the organization a row names: its code, "Chi bộ khu phố 1", or "Đảng bộ phường Minh Khai › Chi bộ khu phố 1" (› or >) when the
 * name alone is used in several places. Only organizations the importer may fill are looked at. Indexed once per file: a city's
 * 10,000 rows against its 700 organizations are 10,000 lookups, not 7 million comparisons.
 */
export function organizationFinder(orgs: PlaceableOrg[]): (named: string) => { id: string } | { error: string } {
  const byCode = new Map<string, PlaceableOrg>()
  const byName = new Map<string, PlaceableOrg[]>()
  for (const o of orgs) {
    if (o.short_code) byCode.set(fold(o.short_code), o)
    byName.set(fold(o.name), [...(byName.get(fold(o.name)) ?? []), o])
  }
  return (named) => {
    const coded = byCode.get(fold(named))
    if (coded) return { id: coded.id }
    const parts = named.split(/\s*[›>]\s*/).filter(Boolean)
    const parent = parts.length > 1 ? fold(parts.at(-2)!) : undefined
    const found = (byName.get(fold(parts.at(-1) ?? '')) ?? []).filter((o) => !parent || fold(o.parent_name ?? '') === parent)
    if (found.length === 1) return { id: found[0].id }
    if (!found.length) return { error: `Không tìm thấy tổ chức "${named}" trong phạm vi bạn quản lý.` }
    const where = found
      .slice(0, 5)
      .map((o) => `${o.parent_name ?? ''} › ${o.name}`)
      .join('; ')
    return { error: `Tên "${named}" có ở nhiều nơi (${where}): ghi "cấp trên › tên" để chọn đúng.` }
  }
}
