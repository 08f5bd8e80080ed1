/** The bands in the users' words (Quy định 366), best first; "pending" is what has no decision yet. */
export const BAND_LABELS: Record<string, string> = {
  excellent: 'Hoàn thành xuất sắc nhiệm vụ',
  good: 'Hoàn thành tốt nhiệm vụ',
  complete: 'Hoàn thành nhiệm vụ',
  not_complete: 'Không hoàn thành nhiệm vụ',
  pending: 'Chưa xếp loại',
}

export const BAND_ORDER = ['excellent', 'good', 'complete', 'not_complete'] as const

/** Where an organization's report stands, for the list and the form. */
export const STEP_LABELS: Record<string, string> = {
  none: 'Chưa có báo cáo',
  self_assessment: 'Đang viết báo cáo',
  committee_decision: 'Chờ cấp ủy cấp trên quyết định',
  decided: 'Đã quyết định',
}

export type Counts = Record<string, number>
