import * as z from 'zod'
import { field, isRealDate, toIsoDate } from '../../kernel/http/validation.ts'

const time = (label: string) => z.string({ error: `${label}: bắt buộc nhập.` }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${label}: giờ không hợp lệ (hh:mm).`)

export const eventForm = z
  .object({
    org_id: field.uuid('Đối tượng'),
    title: field.text('Tên sự kiện', 200),
    date: z.string({ error: 'Ngày: bắt buộc nhập.' }).trim().refine(isRealDate, 'Ngày: không hợp lệ (dd/mm/yyyy).').transform(toIsoDate),
    start: time('Giờ bắt đầu'),
    end: time('Giờ kết thúc'),
    place: field.optionalText('Địa điểm', 300),
    description: field.optionalLongText('Nội dung', 5000),
  })
  .refine((v) => v.end >= v.start, { message: 'Giờ kết thúc: phải sau giờ bắt đầu.', path: ['end'] })
  .transform(({ date, start, end, ...rest }) => ({ ...rest, starts_at: `${date}T${start}:00+07:00`, ends_at: `${date}T${end}:00+07:00` }))

export type EventInput = z.infer<typeof eventForm>

/** A public holiday the root committee adds: any day (next year's Tết is entered ahead), and its name. */
export const holidayForm = z.object({
  day: z.string({ error: 'Ngày: bắt buộc nhập.' }).trim().refine(isRealDate, 'Ngày: không hợp lệ (dd/mm/yyyy).').transform(toIsoDate),
  name: field.text('Tên ngày nghỉ', 200),
})

export const messages = {
  created: 'Đã thêm sự kiện vào lịch.',
  saved: 'Đã lưu thay đổi.',
  deleted: 'Đã xóa sự kiện.',
  feedCreated: 'Đã tạo địa chỉ lịch riêng. Chép địa chỉ dưới đây vào ứng dụng lịch trên điện thoại. Địa chỉ chỉ hiện một lần.',
  feedRevoked: 'Đã thu hồi địa chỉ lịch cũ. Các ứng dụng đang dùng nó sẽ không cập nhật nữa.',
  outOfScope: 'Chỉ thêm sự kiện cho tổ chức bạn quản lý.',
  holidayAdded: 'Đã thêm ngày nghỉ lễ. Các thời hạn tính theo ngày làm việc từ nay bỏ qua ngày này.',
  holidayRemoved: 'Đã bỏ ngày nghỉ lễ.',
  holidayTaken: 'Ngày này đã có trong danh sách ngày nghỉ lễ.',
}
