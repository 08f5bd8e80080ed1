import { foldAccents } from '../../kernel/http/text.ts'
import { isRealDate, normalizePhone, parseForm, toIsoDate, today } from '../../kernel/http/validation.ts'
import { excelSerialToIso } from '../../kernel/files/xlsx.ts'
import { dataRows, excelNumberText, isTotalRow, locateHeader, type Sheet } from '../../kernel/files/spreadsheet.ts'
import type { Reading } from '../../kernel/files/spreadsheet.ts'
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
  'chi bo sinh hoat': 'org_name',
  'noi sinh hoat': 'org_name',
  // the cell's committees in columns of their own, as offices export them: residential cell names repeat in every ward
  'dang bo co so': 'org_parent',
  'dang uy co so': 'org_parent',
  'dang bo': 'org_parent',
  'truc thuoc': 'org_parent',
  'thuoc dang bo': 'org_parent',
  'dang bo xa phuong': 'org_commune',
  'dang bo xa': 'org_commune',
  'dang bo phuong': 'org_commune',
  'dang uy xa phuong': 'org_commune',
  'dang bo xa phuong dac khu': 'org_commune',
  'dang bo cap xa': 'org_commune',
  'xa phuong': 'org_commune',
  'phuong xa': 'org_commune',
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
  /** already stored (the file, or this row of it, was imported before): skipped, not an error */
  known?: boolean
}

export interface SheetCheck {
  fileErrors: string[]
  ignoredColumns: string[]
  rows: SheetRow[]
  reading: Reading
}

/** What each field is called on the report of how a file was read. */
const FIELD_LABELS: Record<string, string> = {
  full_name: 'Họ và tên',
  other_names: 'Tên gọi khác',
  birth_date: 'Ngày sinh',
  gender: 'Giới tính',
  ethnicity: 'Dân tộc',
  religion: 'Tôn giáo',
  hometown: 'Quê quán',
  birthplace: 'Nơi sinh',
  permanent_address: 'Nơi thường trú',
  current_address: 'Nơi ở hiện nay',
  phone: 'Số điện thoại',
  email: 'Email',
  citizen_id: 'Số CCCD',
  card_number: 'Số thẻ đảng viên',
  admitted_on: 'Ngày vào Đảng',
  official_on: 'Ngày chính thức',
  education: 'Trình độ học vấn',
  theory_level: 'Lý luận chính trị',
  occupation: 'Nghề nghiệp',
  position: 'Chức vụ',
  rewards: 'Khen thưởng',
  discipline: 'Kỷ luật',
  org_path: 'Mã tổ chức (nơi sinh hoạt)',
  org_name: 'Chi bộ (nơi sinh hoạt)',
  org_parent: 'Đảng bộ cơ sở của chi bộ',
  org_commune: 'Đảng bộ xã/phường của chi bộ',
  registered: 'Đã đăng ký tài khoản',
}

/** Counts of what reading a column changed, said on the report (Excel's numbers and dates, zeros put back). */
class ColumnNotes {
  private counts = new Map<string, Map<string, number>>()
  add(field: string, what: string) {
    const notes = this.counts.get(field) ?? new Map<string, number>()
    notes.set(what, (notes.get(what) ?? 0) + 1)
    this.counts.set(field, notes)
  }
  of(field: string): string[] {
    return [...(this.counts.get(field) ?? [])].map(([what, n]) => `${n} ${what}`)
  }
}

const DIGITS_ONLY = /^\d+$/

/** A cell as the office typed it: Excel's numbers back to text, lost leading zeros restored where the field's length is known, Excel dates to dates. */
function readCell(field: string, cell: string, fromExcel: boolean, notes: ColumnNotes): string {
  let value = cell.normalize('NFC').trim()
  if (!value) return value
  if (fromExcel && (field === 'phone' || field === 'citizen_id' || field === 'card_number')) value = excelNumberText(value)
  if (field === 'phone') {
    const phone = normalizePhone(value)
    if (DIGITS_ONLY.test(value) && phone !== value) notes.add(field, 'số thêm lại số 0 ở đầu (Excel lưu số điện thoại dạng số)')
    return phone
  }
  // a citizen number is 12 digits and begins with 0 (the province's code): a number that lost its zeros gets them back
  if (field === 'citizen_id' && /^\d{10,11}$/.test(value)) {
    notes.add(field, 'số thêm lại số 0 ở đầu (Excel lưu dạng số)')
    return value.padStart(12, '0')
  }
  if (DATE_FIELDS.has(field)) {
    if (fromExcel && /^\d{4,5}(\.\d+)?$/.test(value)) {
      notes.add(field, 'ngày lưu dạng ngày của Excel')
      return excelSerialToIso(value)
    }
    if (isRealDate(value) && !/^\d{4}-\d{2}-\d{2}$/.test(value)) notes.add(field, 'ngày ghi dạng ngày/tháng/năm')
  }
  return value
}

/** A header row names at least the member's name (title rows above it do not). */
const isMemberHeader = (row: string[]) => row.some((h) => HEADERS[headerKey(h)] === 'full_name')

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

/**
 * Finds the header (below a title block, in the sheet that has one or the one the user chose), maps
 * its columns, reads each row as typed, validates it with the form's rules, and marks duplicates
 * inside the file. Line numbers are the rows as the office sees them in Excel.
 */
export function checkSheet(sheets: Sheet[], fromExcel: boolean, options: { sheet?: string; importedAt?: string } = {}): SheetCheck {
  const importedAt = options.importedAt ?? new Date().toISOString()
  const located = locateHeader(sheets, isMemberHeader, options.sheet)
  const header = located.sheet.rows[located.headerIndex] ?? []
  const columns = header.map((h) => HEADERS[headerKey(h)])
  const birthColumn = columns.indexOf('birth_date')
  // a total row has no birth date: a member's row always has one
  const listed = dataRows(located)
  const totals = listed.filter((r) => isTotalRow(r.cells) && !r.cells[birthColumn]?.trim())
  const body = listed.filter((r) => !totals.includes(r))
  const ignoredColumns = header.filter((h, i) => h.trim() && !columns[i])
  const notes = new ColumnNotes()
  const reading = (): Reading => ({
    sheet: located.sheet.name,
    otherSheets: located.otherSheets,
    headerLine: located.headerIndex + 1,
    skipped: located.skipped,
    totals: totals.map((r) => ({ line: r.line, text: r.cells.filter((c) => c.trim()).join(' · ') })),
    columns: header.flatMap((h, i) =>
      h.trim() ? [{ header: h.trim(), use: columns[i] ? FIELD_LABELS[columns[i]] : '', notes: columns[i] ? notes.of(columns[i]) : [] }] : [],
    ),
  })
  const fileErrors: string[] = []
  if (!columns.includes('full_name')) fileErrors.push('Thiếu cột "Họ và tên" ở dòng tiêu đề.')
  if (!columns.includes('birth_date')) fileErrors.push('Thiếu cột "Ngày sinh" ở dòng tiêu đề.')
  if (body.length === 0) fileErrors.push('Tệp không có dòng dữ liệu nào.')
  if (body.length > MAX_ROWS) fileErrors.push(`Tệp có ${body.length} dòng; mỗi lần nhập tối đa ${MAX_ROWS} dòng.`)
  if (fileErrors.length) return { fileErrors, ignoredColumns, rows: [], reading: reading() }

  const seen = new Map<string, number>()
  const phones = new Map<string, number>()
  const rows = body.map(({ line, cells }): SheetRow => {
    const raw: Record<string, string> = {}
    columns.forEach((field, i) => {
      if (field && raw[field] === undefined) raw[field] = readCell(field, cells[i] ?? '', fromExcel, notes)
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
          org_parent: raw.org_parent || undefined,
          org_commune: raw.org_commune || undefined,
          registered_at: 'at' in registered ? registered.at : undefined,
        }
      : raw
    for (const key of duplicateKeys(values)) {
      const first = seen.get(key)
      if (first) errors.push(`Trùng với dòng ${first} trong tệp (${describeKey(key)}).`)
      else seen.set(key, line)
    }
    const rowNotes: string[] = []
    const phone = typeof values.phone === 'string' ? values.phone : undefined
    if (phone) {
      const first = phones.get(phone)
      if (first) rowNotes.push(sharedPhoneNote(`dòng ${first}`))
      else phones.set(phone, line)
    }
    return { line, values, errors, notes: rowNotes }
  })
  return { fileErrors, ignoredColumns, rows, reading: reading() }
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
  /** names and codes of the organizations above it, nearest first (parent, grandparent, great-grandparent) */
  ancestors?: { name: string; code: string | null }[]
}

/** Where a row says its member belongs: a code, a name (or "cấp trên › tên"), and the committees above in columns of their own. */
export interface Placement {
  code?: string
  name?: string
  parent?: string
  commune?: string
}

const fold = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi')

/**
 * A committee's name without its kind words, as offices shorten it: "Đảng ủy phường Lê Chân",
 * "Đảng bộ phường Lê Chân", "Phường Lê Chân" and "P. Lê Chân" are all "le chan".
 */
function core(text: string): string {
  return headerKey(text)
    .replace(/^(?:(?:dang bo|dang uy|chi bo)\s+)?(?:co so\s+)?(?:(?:phuong|xa|thi tran|dac khu|tinh|thanh pho|tp|p|x)\s+)?/, '')
    .trim()
}

/** Whether an organization above the cell is the one a column names: by its code, its exact name, or its name without kind words. */
function namesAncestor(ancestor: { name: string; code: string | null }, given: string, loose: boolean): boolean {
  if (ancestor.code && fold(ancestor.code) === fold(given)) return true
  return loose ? core(ancestor.name) !== '' && core(ancestor.name) === core(given) : fold(ancestor.name) === fold(given)
}

/** The given committees (nearest first) appear, in that order, among the organization's ancestors. */
function hasAncestors(org: PlaceableOrg, given: string[], loose: boolean): boolean {
  const above = org.ancestors ?? (org.parent_name ? [{ name: org.parent_name, code: null }] : [])
  let at = 0
  for (const name of given) {
    while (at < above.length && !namesAncestor(above[at], name, loose)) at++
    if (at === above.length) return false
    at++
  }
  return true
}

const where = (o: PlaceableOrg) =>
  [
    ...(o.ancestors ?? [])
      .slice(0, 2)
      .reverse()
      .map((a) => a.name),
    o.name,
  ].join(' › ')

/**
 * Finds the organization a row names: its code; "Chi bộ khu phố 1" alone when the name is unique in
 * the importer's scope; "Đảng bộ phường Minh Khai › Chi bộ khu phố 1" (› or >) in one cell; or the
 * cell with its grassroots committee (and the ward/commune committee) in columns of their own, as
 * offices export their lists, since residential cell names repeat in every ward. A committee is
 * matched by code or exact name first, then by its name without kind words. An empty cell column
 * with a committee given names that committee (a member of a grassroots cell). Indexed once per
 * file: a city's 10,000 rows against its 700 organizations are 10,000 lookups.
 */
export function organizationFinder(orgs: PlaceableOrg[]): (named: Placement) => { id: string } | { error: string } {
  const byCode = new Map<string, PlaceableOrg>()
  const byName = new Map<string, PlaceableOrg[]>()
  for (const o of orgs) {
    if (o.short_code) byCode.set(fold(o.short_code), o)
    byName.set(fold(o.name), [...(byName.get(fold(o.name)) ?? []), o])
  }
  return (named) => {
    const code = named.code ?? named.name
    const coded = code ? byCode.get(fold(code)) : undefined
    if (coded) return { id: coded.id }
    if (named.code && !named.name) return { error: `Mã tổ chức "${named.code}" không có hoặc ngoài phạm vi bạn quản lý.` }
    const columns = [named.commune, named.parent].filter((v): v is string => !!v)
    const inCell = (named.name ?? '').split(/\s*[›>]\s*/).filter(Boolean)
    const chain = [...columns, ...inCell]
    const target = chain.at(-1)
    if (!target) return { error: 'Chưa chọn chi bộ nhận.' }
    const above = chain.slice(0, -1).reverse()
    const candidates = byName.get(fold(target)) ?? []
    let found = candidates.filter((o) => hasAncestors(o, above, false))
    if (!found.length) found = candidates.filter((o) => hasAncestors(o, above, true))
    const asWritten = chain.join(' › ')
    if (found.length === 1) return { id: found[0].id }
    if (!found.length) {
      return candidates.length && above.length
        ? { error: `Không tìm thấy "${target}" thuộc "${above.join(' › ')}" trong phạm vi bạn quản lý.` }
        : { error: `Không tìm thấy tổ chức "${asWritten}" trong phạm vi bạn quản lý.` }
    }
    const listed = found.slice(0, 5).map(where).join('; ')
    return {
      error: `Tên "${asWritten}" có ở nhiều nơi (${listed}${found.length > 5 ? '; …' : ''}): thêm cột “Đảng bộ cơ sở” (và “Đảng bộ xã/phường”), hoặc ghi "cấp trên › tên".`,
    }
  }
}
