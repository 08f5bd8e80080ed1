import * as z from 'zod'
import { field } from '../../kernel/http/validation.ts'
import { UPLOAD_MESSAGES } from '../../../views/components/labels.ts'

export const resolutionForm = z.object({
  kind: z.enum(['draft_resolution', 'final_resolution'], { error: 'Loại nghị quyết không hợp lệ.' }),
  title: field.text('Tên nghị quyết', 200),
  body: field.optionalLongText('Nội dung nghị quyết', 100_000).refine((v) => !!v, 'Nội dung nghị quyết: không được để trống.'),
})

export const uploadTitle = z.object({ title: field.optionalText('Tên tài liệu', 200) })

export const messages = {
  uploaded: 'Đã tải tài liệu lên. Tài liệu chỉ hiện với đảng viên sau khi phát hành.',
  saved: 'Đã lưu nghị quyết.',
  published: (n: number) => `Đã phát hành ${n} tài liệu và gửi thông báo tới đảng viên của chi bộ.`,
  publishedFinal: 'Đã ban hành nghị quyết và gửi thông báo tới đảng viên của chi bộ.',
  nothingToPublish: 'Không có tài liệu nào chờ phát hành.',
  late: 'Tài liệu được phát hành khi còn chưa đầy 1 ngày trước buổi sinh hoạt: đảng viên có thể không kịp đọc.',
  soon: 'Buổi sinh hoạt diễn ra trong chưa đầy 1 ngày nữa: hãy phát hành tài liệu ngay để đảng viên kịp đọc.',
  removed: 'Đã xóa tài liệu chưa phát hành.',
  upload: UPLOAD_MESSAGES,
  meetingClosed: 'Buổi sinh hoạt đã hủy: không thêm tài liệu được nữa.',
}
