import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './context.ts'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Two layers: the request must come from our own origin (Origin or Sec-Fetch-Site), and
 * a signed-in request must carry the session's token (form field _csrf, or the
 * X-CSRF-Token header that htmx sends from <body hx-headers:inherited>).
 */
export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE.has(c.req.method)) return next()
  const origin = c.req.header('Origin')
  const site = c.req.header('Sec-Fetch-Site')
  const own = new URL(c.req.url).origin
  if ((origin && origin !== own) || (site && site !== 'same-origin' && site !== 'none')) {
    return c.text('Yêu cầu bị từ chối: không đến từ trang của ứng dụng.', 403)
  }
  const session = c.get('session')
  if (session) {
    let token = c.req.header('X-CSRF-Token')
    if (!token) {
      const type = c.req.header('Content-Type') ?? ''
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
        token = typeof body._csrf === 'string' ? body._csrf : undefined
      }
    }
    if (!token || token !== c.get('csrf')) {
      return c.text('Phiên làm việc của biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại.', 403)
    }
  }
  await next()
}
