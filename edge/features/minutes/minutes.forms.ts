import * as z from 'zod'
import { field } from '../../kernel/http/validation.ts'

const revision = z.coerce.number({ error: 'Phiên bản biên bản không hợp lệ.' }).int().min(1)

export const editForm = z.object({
  body: field.optionalLongText('Nội dung biên bản', 50_000).refine((v) => !!v, 'Nội dung biên bản: không được để trống.'),
  revision,
})
export const approveForm = z.object({ revision })

export const messages = {
  started: 'Đã lập dự thảo biên bản từ dữ liệu buổi sinh hoạt. Thư ký xem lại và sửa trước khi chủ trì duyệt.',
  saved: 'Đã lưu biên bản.',
  approved: 'Đã duyệt biên bản. Biên bản đã khóa, không sửa được nữa.',
  alreadyStarted: 'Biên bản đã được lập trước đó.',
  notStarted: 'Chưa đến giờ họp: biên bản được lập và duyệt từ khi buổi sinh hoạt bắt đầu.',
  stale: 'Biên bản vừa được người khác sửa hoặc đã duyệt. Nội dung bạn viết vẫn còn dưới đây; hãy so với bản mới rồi lưu lại.',
  staleApprove: 'Biên bản vừa được sửa sau khi bạn mở trang. Hãy đọc lại bản mới rồi duyệt.',
}
