/** Vietnamese labels of the glossary's code values, shared by every view. */
export const ROLE_LABELS: Record<string, string> = {
  secretary: 'Bí thư',
  deputy_secretary: 'Phó Bí thư',
  committee_member: 'Cấp ủy viên',
  staff: 'Cán bộ văn phòng/ban tổ chức',
}

export const ORG_KIND_LABELS: Record<string, string> = {
  province_committee: 'Đảng bộ tỉnh/thành phố',
  commune_committee: 'Đảng bộ xã/phường/đặc khu',
  grassroots_committee: 'Đảng bộ cơ sở',
  grassroots_cell: 'Chi bộ cơ sở',
  sub_committee: 'Đảng ủy bộ phận',
  cell: 'Chi bộ',
  party_group: 'Tổ đảng',
}

/** What went wrong with an uploaded file (kernel/files/upload.ts), in the users' words. */
export const UPLOAD_MESSAGES = {
  missing: 'Hãy chọn một tệp để tải lên.',
  too_big: 'Tệp lớn hơn 10 MB. Hãy nén hoặc chia nhỏ tệp rồi tải lại.',
  empty: 'Tệp rỗng. Hãy chọn lại tệp.',
  bad_type: 'Chỉ nhận tệp PDF, Word (.docx) hoặc ảnh (PNG, JPEG, WebP). Tệp .doc cũ: hãy lưu lại thành .docx hoặc PDF.',
} as const

export const STATUS_LABELS: Record<string, string> = { probationary: 'Dự bị', official: 'Chính thức' }
export const GENDER_LABELS: Record<string, string> = { male: 'Nam', female: 'Nữ' }

/**
 * An organization as people tell it apart: names repeat ("Chi bộ khu phố 1" in every ward), so its
 * committee and the committee's own code go with it. The internal path is never shown.
 */
export function orgLabel(o: { name: string; parent_name?: string | null; short_code?: string | null }): string {
  return [o.name, o.parent_name, o.short_code && `mã ${o.short_code}`].filter(Boolean).join(' — ')
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const [y, m, d] = iso.slice(0, 10).split('-')
  return `${d}/${m}/${y}`
}

/** "19:30, Thứ Năm 27/11/2026" in Vietnam time. */
export function formatWhen(at: Date | string): string {
  const d = new Date(new Date(at).getTime() + 7 * 3600_000)
  const days = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy']
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}, ${days[d.getUTCDay()]} ${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
}
