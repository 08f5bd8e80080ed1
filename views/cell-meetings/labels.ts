export { formatWhen } from '../components/labels.ts'
export const KIND_LABELS: Record<string, string> = { regular: 'Thường kỳ', thematic: 'Chuyên đề' }
export const STATUS_LABELS: Record<string, string> = { scheduled: 'Đã lên lịch', cancelled: 'Đã hủy' }

/** Date and time fields of a form, in Vietnam time. */
export function vietnamDateTime(at: Date | string): { date: string; time: string } {
  const iso = new Date(new Date(at).getTime() + 7 * 3600_000).toISOString()
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) }
}
