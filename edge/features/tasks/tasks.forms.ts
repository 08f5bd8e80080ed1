import * as z from 'zod'
import { field, isRealDate, toIsoDate, today } from '../../kernel/http/validation.ts'
import { UPLOAD_MESSAGES } from '../../../views/components/labels.ts'

const ids = (label: string) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(field.uuid(label)).max(2000, `${label}: quá nhiều.`))

const dueDate = z
  .string({ error: 'Hạn hoàn thành: bắt buộc nhập.' })
  .trim()
  .min(1, 'Hạn hoàn thành: bắt buộc nhập.')
  .refine(isRealDate, 'Hạn hoàn thành: ngày không hợp lệ (dd/mm/yyyy).')
  .transform(toIsoDate)

/** What a task asks, by when, how urgently: set when assigning, changeable later by the assigner. */
export const taskEditForm = z.object({
  title: field.text('Tên công việc', 200),
  description: field.optionalLongText('Nội dung', 10_000),
  due_on: dueDate,
  priority: z.enum(['low', 'normal', 'high'], { error: 'Mức độ ưu tiên không hợp lệ.' }).default('normal'),
})

/** Assigning: the above (a new task is not due in the past), from an organization, to members and/or organizations. */
export const taskForm = taskEditForm
  .extend({
    org_id: field.uuid('Tổ chức giao việc'),
    due_on: dueDate.refine((d) => d >= today(), 'Hạn hoàn thành: không được trước hôm nay.'),
    member_ids: ids('Đảng viên'),
    org_ids: ids('Tổ chức'),
    every_member: field.checkbox(),
  })
  .refine((v) => v.member_ids.length + v.org_ids.length > 0, { message: 'Hãy chọn ít nhất một đảng viên hoặc một tổ chức nhận việc.', path: ['assignees'] })

export type TaskInput = z.infer<typeof taskForm>

export const reportForm = z.object({
  progress: z.coerce
    .number({ error: 'Tiến độ: nhập số từ 0 đến 100.' })
    .int('Tiến độ: nhập số nguyên.')
    .min(0, 'Tiến độ: từ 0 đến 100.')
    .max(100, 'Tiến độ: từ 0 đến 100.'),
  report: field.optionalLongText('Báo cáo', 5000),
  finished: field.checkbox(),
})

export const reviewForm = z.object({
  decision: z.enum(['accept', 'return'], { error: 'Hãy chọn chấp nhận hoặc trả lại.' }),
  note: field.optionalLongText('Nhận xét', 2000),
})

export const messages = {
  created: (n: number) => `Đã giao việc cho ${n} người/tổ chức. Họ đã nhận được thông báo.`,
  reported: 'Đã gửi báo cáo tiến độ.',
  saved: 'Đã lưu thay đổi. Người nhận việc thấy nội dung mới.',
  finished: 'Đã báo cáo hoàn thành. Người giao việc sẽ xem và chấp nhận.',
  accepted: 'Đã chấp nhận kết quả.',
  returned: 'Đã trả lại để làm tiếp.',
  returnNeedsNote: 'Trả lại: hãy ghi lý do để người nhận biết cần làm gì thêm.',
  notReported: 'Việc này chưa được báo cáo hoàn thành, hoặc đã được xem xét.',
  closed: 'Việc đã hoàn thành, không báo cáo thêm được.',
  outOfScope: 'Chỉ giao việc trong phạm vi tổ chức bạn quản lý.',
  upload: UPLOAD_MESSAGES,
  tooManyFiles: 'Đính kèm tối đa 5 tệp mỗi lần.',
  chooseFilesAgain: 'Hãy chọn lại tệp đính kèm.',
}
