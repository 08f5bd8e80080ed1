export const KIND_LABELS: Record<string, string> = { regular: 'Thường kỳ', thematic: 'Chuyên đề' }
export const STATUS_LABELS: Record<string, string> = { scheduled: 'Đã lên lịch', cancelled: 'Đã hủy' }

/** "19:30, Thứ Năm 27/11/2026" in Vietnam time. */
export function formatWhen(at: Date | string): string {
  const d = new Date(new Date(at).getTime() + 7 * 3600_000)
  const days = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy']
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}, ${days[d.getUTCDay()]} ${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
}

/** Date and time fields of a form, in Vietnam time. */
export function vietnamDateTime(at: Date | string): { date: string; time: string } {
  const iso = new Date(new Date(at).getTime() + 7 * 3600_000).toISOString()
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) }
}
