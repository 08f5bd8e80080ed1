import * as z from 'zod'

const base64url = (min: number, max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+=*$/)
    .min(min)
    .max(max)

/** A browser's PushSubscription.toJSON(). */
export const deviceForm = z.object({
  endpoint: z.string().url().startsWith('https://').max(2000),
  keys: z.object({ p256dh: base64url(80, 100), auth: base64url(16, 30) }),
})

export const removeForm = z.object({ endpoint: z.string().url().max(2000) })

export const messages = {
  readAll: 'Đã đánh dấu tất cả là đã đọc.',
  badDevice: 'Đăng ký thông báo không hợp lệ.',
  refusedDevice: 'Địa chỉ nhận thông báo không được chấp nhận: chỉ nhận dịch vụ thông báo đẩy của trình duyệt, qua https, trên Internet.',
  unresolvedDevice: 'Không tìm thấy máy chủ nhận thông báo của trình duyệt này. Hãy thử lại sau ít phút.',
  deviceTaken: 'Trình duyệt này đang nhận thông báo cho một tài khoản khác. Bấm “Tắt trên máy này” rồi bật lại để nhận thông báo cho tài khoản của bạn.',
}
