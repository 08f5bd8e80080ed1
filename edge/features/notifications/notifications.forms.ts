import { z } from 'zod'

const base64url = (min: number, max: number) => z.string().regex(/^[A-Za-z0-9_-]+=*$/).min(min).max(max)

/** A browser's PushSubscription.toJSON(). */
export const deviceForm = z.object({
  endpoint: z.string().url().startsWith('https://').max(2000),
  keys: z.object({ p256dh: base64url(80, 100), auth: base64url(16, 30) }),
})

export const removeForm = z.object({ endpoint: z.string().url().max(2000) })

export const messages = {
  readAll: 'Đã đánh dấu tất cả là đã đọc.',
  badDevice: 'Đăng ký thông báo không hợp lệ.',
}
