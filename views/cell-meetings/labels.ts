export { formatWhen } from '../components/labels.ts'
export const KIND_LABELS: Record<string, string> = { regular: 'Thường kỳ', thematic: 'Chuyên đề' }
export const STATUS_LABELS: Record<string, string> = { scheduled: 'Đã lên lịch', cancelled: 'Đã hủy' }

/** Where a meeting stands: cancelled, ahead, under way (its day, Vietnam time), or held (its day is over, or its minutes approved). */
export function meetingPhase(m: { status: string; starts_at: Date | string; minutes_approved?: boolean }, now: Date | string = new Date()): string {
  if (m.status === 'cancelled') return STATUS_LABELS.cancelled
  const at = new Date(now).getTime()
  const starts = new Date(m.starts_at).getTime()
  if (at < starts) return STATUS_LABELS.scheduled
  return vietnamDateTime(now).date === vietnamDateTime(m.starts_at).date && !m.minutes_approved ? 'Đang diễn ra' : 'Đã diễn ra'
}

/** Date and time fields of a form, in Vietnam time. */
export function vietnamDateTime(at: Date | string): { date: string; time: string } {
  const iso = new Date(new Date(at).getTime() + 7 * 3600_000).toISOString()
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) }
}
