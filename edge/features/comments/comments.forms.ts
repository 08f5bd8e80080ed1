import * as z from 'zod'
import { field } from '../../kernel/http/validation.ts'

export const commentForm = z.object({ body: field.optionalLongText('Ý kiến', 2000).refine((v) => !!v, 'Ý kiến: hãy viết nội dung.') })
export const hideForm = z.object({ reason: field.text('Lý do ẩn', 500) })

export const RATE_LIMIT_PER_MINUTE = 10

export const messages = {
  posted: 'Đã gửi ý kiến.',
  slowDown: 'Bạn đã gửi hơn 10 ý kiến trong một phút. Vui lòng đợi một chút rồi gửi tiếp.',
  taken: 'Đã đánh dấu: tiếp thu vào nghị quyết.',
  untaken: 'Đã bỏ đánh dấu tiếp thu.',
  minutesLocked: 'Biên bản đã được duyệt và khóa: đánh dấu tiếp thu các ý kiến giữ như biên bản ghi.',
  hidden: 'Đã ẩn ý kiến.',
  closed: 'Biên bản đã được duyệt: buổi sinh hoạt không nhận thêm ý kiến.',
}
