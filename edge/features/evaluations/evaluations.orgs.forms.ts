import * as z from 'zod'
import { field } from '../../kernel/http/validation.ts'
import { BANDS } from './evaluations.orgs.queries.ts'

const band = (label: string) => z.enum(BANDS, { error: `${label}: hãy chọn một mức xếp loại.` })

/** The collective report: saved as a draft with anything in it; sent only with its band and its text. */
export const reportForm = z
  .object({
    self_band: field.optionalEnum('Mức tự xếp loại', BANDS),
    self_report: field.optionalLongText('Báo cáo kiểm điểm tập thể', 20_000),
    send: field.checkbox(),
  })
  .superRefine((v, ctx) => {
    if (!v.send) return
    if (!v.self_band) ctx.addIssue({ code: 'custom', path: ['self_band'], message: 'Mức tự xếp loại: hãy chọn trước khi gửi.' })
    if (!v.self_report) ctx.addIssue({ code: 'custom', path: ['self_report'], message: 'Báo cáo kiểm điểm tập thể: hãy viết trước khi gửi.' })
  })

export const decisionForm = z.object({
  decision_band: band('Mức xếp loại'),
  decision_note: field.optionalLongText('Ghi chú', 5000),
})

export const returnForm = z.object({
  return_reason: field.text('Lý do trả lại', 2000),
})

export const messages = {
  saved: 'Đã lưu bản nháp báo cáo.',
  sent: 'Đã gửi báo cáo lên cấp ủy cấp trên.',
  decided: 'Đã lưu quyết định xếp loại tổ chức.',
  returned: 'Đã trả lại báo cáo, kèm lý do.',
  notOpen: 'Bước này không còn mở: có thể báo cáo đã được gửi, đã được quyết định hoặc kỳ đánh giá đã đóng. Hãy tải lại trang.',
  notYours: 'Bạn không có quyền thực hiện bước này.',
}
