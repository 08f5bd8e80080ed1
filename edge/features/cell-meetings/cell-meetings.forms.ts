import * as z from 'zod'
import { field, isRealDate, today } from '../../kernel/http/validation.ts'

const optionalMember = (label: string) => z.preprocess((v) => (v === '' ? undefined : v), z.string().uuid(`${label}: không hợp lệ.`).optional())

function shiftDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** Schedule or edit a meeting. Date and time are Vietnam time (UTC+7, no daylight saving). */
export const meetingForm = z
  .object({
    org_id: field.uuid('Chi bộ'),
    kind: z.enum(['regular', 'thematic'], { error: 'Chọn loại sinh hoạt.' }),
    title: field.text('Tiêu đề', 200),
    date: z
      .string({ error: 'Ngày họp: bắt buộc nhập.' })
      .trim()
      .min(1, 'Ngày họp: bắt buộc nhập.')
      .refine(isRealDate, 'Ngày họp: ngày không hợp lệ.')
      .refine((d) => d >= shiftDays(today(), -366) && d <= shiftDays(today(), 366), 'Ngày họp: trong vòng một năm trước hoặc sau hôm nay.'),
    time: z
      .string({ error: 'Giờ họp: bắt buộc nhập.' })
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Giờ họp: nhập dạng giờ:phút, ví dụ 19:30.'),
    place: field.optionalText('Địa điểm', 300),
    chair_id: optionalMember('Chủ trì'),
    note_taker_id: optionalMember('Thư ký'),
    agenda: field.optionalLongText('Chương trình', 10_000),
    recorded_late: field.checkbox(),
  })
  .transform(({ date, time, ...rest }) => ({ ...rest, starts_at: `${date}T${time}:00+07:00` }))

export type MeetingInput = z.infer<typeof meetingForm>

/** A cancellation says why: the members are told. */
export const cancelForm = z.object({ reason: field.text('Lý do hủy', 500) })

export const messages = {
  cancelReason: 'Hủy buổi sinh hoạt: hãy ghi lý do (đảng viên của chi bộ sẽ được báo kèm lý do).',
  saved: 'Đã lưu lịch sinh hoạt.',
  cancelled: 'Đã hủy buổi sinh hoạt. Đảng viên của chi bộ đã được báo.',
  notInCell: 'Chủ trì và thư ký phải là đảng viên của chi bộ.',
  orgOutOfScope: 'Chi bộ không thuộc phạm vi bạn quản lý.',
  minutesLocked: 'Biên bản đã được duyệt: không đổi được chủ trì, thư ký và thời gian họp.',
  secondRegular: 'Lưu ý: chi bộ đã có một buổi sinh hoạt thường kỳ khác trong tháng này. Nếu trùng, hãy hủy một buổi.',
  inThePast: 'Ngày giờ họp đã qua. Nếu đây là buổi sinh hoạt đã diễn ra, đánh dấu «Ghi lại cuộc họp đã diễn ra».',
}

/** The usual evening meeting: today while 19:30 is still ahead (Vietnam time), tomorrow once it has passed (a past start needs confirming). */
export function defaultMeetingDate(now = new Date()): string {
  const vietnam = new Date(now.getTime() + 7 * 3600_000).toISOString()
  return vietnam.slice(11, 16) < '19:30' ? vietnam.slice(0, 10) : shiftDays(vietnam.slice(0, 10), 1)
}

export function defaultTitle(kind: 'regular' | 'thematic', date = today()): string {
  const [y, m] = date.split('-')
  return kind === 'regular' ? `Sinh hoạt chi bộ thường kỳ tháng ${Number(m)}/${y}` : `Sinh hoạt chuyên đề tháng ${Number(m)}/${y}`
}

const DEFAULT_TITLE = /^(Sinh hoạt chi bộ thường kỳ|Sinh hoạt chuyên đề) tháng \d{1,2}\/\d{4}$/

/**
 * The title as saved: one left empty, or still a default the form filled in for another kind or
 * month, follows the kind and date chosen (the page filled it before they were changed); a title
 * the secretary wrote is kept.
 */
export function titleFor(values: { title?: unknown; kind?: unknown; date?: unknown }): unknown {
  const title = typeof values.title === 'string' ? values.title.trim() : values.title
  const kind = values.kind === 'thematic' ? 'thematic' : values.kind === 'regular' ? 'regular' : undefined
  const date = typeof values.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(values.date) ? values.date : undefined
  if (!kind || !date || (title !== '' && !(typeof title === 'string' && DEFAULT_TITLE.test(title)))) return values.title
  return defaultTitle(kind, date)
}

/** One member's attendance, as the secretary records it. */
export const attendanceForm = z
  .object({
    member_id: field.uuid('Đảng viên'),
    status: z.enum(['present', 'absent_excused', 'absent_unexcused'], { error: 'Chọn tình trạng dự họp.' }),
    reason: field.optionalText('Lý do vắng', 500),
    by_proxy: field.checkbox(),
  })
  .refine((v) => v.status !== 'absent_excused' || !!v.reason, { path: ['reason'], message: 'Vắng có lý do: ghi lý do.' })
  .transform((v) => ({ ...v, reason: v.status === 'absent_excused' ? v.reason : undefined, by_proxy: v.status === 'present' && v.by_proxy }))

export const attendanceMessages = {
  checkedIn: 'Đã điểm danh: có mặt.',
  recorded: 'Đã ghi điểm danh.',
  notInCell: 'Đảng viên này không thuộc chi bộ.',
  tooEarly: 'Chưa đến giờ điểm danh: điểm danh mở từ một giờ trước giờ họp.',
  tooLate: 'Đã hết giờ tự điểm danh (hết ngày họp). Bí thư chi bộ ghi điểm danh giúp bạn.',
  locked: 'Biên bản đã được duyệt: điểm danh không thay đổi được nữa.',
}

/** The Vietnamese message for a time rule the database refused (errcode 55000), by its text. */
export function attendanceRefusal(error: unknown): string | undefined {
  const e = error as { code?: string; message?: string }
  if (e.code !== '55000') return undefined
  if (/opens an hour/.test(e.message ?? '')) return attendanceMessages.tooEarly
  if (/minutes are approved/.test(e.message ?? '')) return attendanceMessages.locked
  return attendanceMessages.tooLate
}
