export const PRIORITY_LABELS: Record<string, string> = { low: 'Thấp', normal: 'Bình thường', high: 'Cao' }
export const STATUS_LABELS: Record<string, string> = {
  assigned: 'Mới giao',
  in_progress: 'Đang làm',
  reported: 'Chờ duyệt',
  done: 'Hoàn thành',
  returned: 'Bị trả lại',
}
export const FILTER_LABELS: Record<string, string> = { open: 'Chưa xong', overdue: 'Quá hạn', reported: 'Chờ duyệt', done: 'Hoàn thành', all: 'Tất cả' }
export const VIEW_LABELS: Record<string, string> = { mine: 'Việc của tôi', assigned: 'Việc tôi giao', org: 'Việc trong tổ chức' }
