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

export const STATUS_LABELS: Record<string, string> = { probationary: 'Dự bị', official: 'Chính thức' }
export const GENDER_LABELS: Record<string, string> = { male: 'Nam', female: 'Nữ' }

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const [y, m, d] = iso.slice(0, 10).split('-')
  return `${d}/${m}/${y}`
}
