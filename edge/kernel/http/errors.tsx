import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { Layout } from '../../../views/layout/Layout.tsx'
import type { AppEnv } from './context.ts'

/** Thrown by handlers for an id that does not exist or is out of scope: both answer 404 (with why, when the user may know it). */
export function notFound(message?: string): never {
  throw new HTTPException(404, message ? { message } : undefined)
}

const MESSAGES: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ.',
  403: 'Bạn không có quyền thực hiện thao tác này.',
  404: 'Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.',
  413: 'Tệp hoặc dữ liệu gửi lên quá lớn.',
  429: 'Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.',
  500: 'Đã có lỗi ở máy chủ. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại.',
}

export function errorPage(c: Context<AppEnv>, status: number, message?: string) {
  const text = message ?? MESSAGES[status] ?? MESSAGES[500]
  const session = c.get('session')
  const viewer = session ? { name: session.name, csrf: c.get('csrf'), manages: !!session.mgr } : null
  if (c.req.header('HX-Request') === 'true') {
    return c.html(
      <div class="alert" role="alert">
        {text}
      </div>,
      status as 400,
    )
  }
  return c.html(
    <Layout title={`Lỗi ${status}`} viewer={viewer}>
      <h1>{status === 404 ? 'Không tìm thấy' : 'Không thực hiện được'}</h1>
      <p class="alert" role="alert">
        {text}
      </p>
      <p>
        <a href="/">Về trang chủ</a>
      </p>
    </Layout>,
    status as 400,
  )
}

export function handleError(err: Error, c: Context<AppEnv>) {
  if (err instanceof HTTPException) return errorPage(c, err.status, err.message || undefined)
  const pgCode = (err as { code?: string }).code
  // Postgres said no (RLS, check or unique constraint the form did not foresee): a 4xx, not a crash.
  if (pgCode === '42501') return errorPage(c, 404)
  // 22021: a NUL byte or invalid UTF-8 in a text field
  if (['22P02', '22007', '22008', '23514', '22001', '22021', '22P05'].includes(pgCode ?? '')) return errorPage(c, 400)
  // a body that claims to be a form but cannot be read as one
  if (err instanceof TypeError && /parse body/i.test(err.message)) return errorPage(c, 400)
  // the message and stack only: a driver's error object can carry the query's parameters (password hashes, CCCD)
  console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path}: ${pgCode ? `[${pgCode}] ` : ''}${err.stack ?? err.message}`)
  return errorPage(c, 500)
}
