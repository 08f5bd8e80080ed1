export const KIND_LABELS: Record<string, string> = { permanent: 'Chính thức', temporary: 'Tạm thời' }
export const STATUS_LABELS: Record<string, string> = {
  requested: 'Chờ chi bộ xác nhận',
  confirmed: 'Chờ cấp giấy giới thiệu',
  issued: 'Chờ bên nhận tiếp nhận',
  accepted: 'Đã tiếp nhận',
  refused: 'Không chấp nhận',
}
/** The permanent letter waiting for acceptance is "in transit": named so in every list. */
export const statusLabel = (t: { kind: string; status: string; to_org_id?: string | null }) =>
  t.kind === 'permanent' && t.status === 'issued' ? 'Đang chuyển (chờ tiếp nhận)' : (STATUS_LABELS[t.status] ?? t.status)
export const TAB_LABELS: Record<string, string> = {
  pending: 'Đang xử lý',
  transit: 'Đang chuyển',
  overdue: 'Quá hạn tiếp nhận',
  in: 'Chuyển đến',
  out: 'Chuyển đi',
  temporary: 'Sinh hoạt tạm thời',
  all: 'Tất cả',
}
export const STEP_LABELS: Record<string, string> = {
  requested: 'Đề nghị',
  confirmed: 'Chi bộ xác nhận',
  issued: 'Cấp giấy giới thiệu',
  accepted: 'Tiếp nhận',
  refused: 'Từ chối',
  returned: 'Trả lại',
}
