import { getCookie, setCookie, deleteCookie } from 'hono/cookie'
import type { MiddlewareHandler } from 'hono'
import type { AppContext, AppEnv } from '../http/context.ts'
import { isHtmx, redirectTo } from '../http/htmx.ts'
import type { SessionClaims } from './token.ts'

export const SESSION_COOKIE = 'sotay_session'
const SESSION_SECONDS = 12 * 3600

function secureCookie(c: AppContext): boolean {
  const mode = c.get('config').COOKIE_SECURE
  return mode === 'on' || (mode === 'auto' && new URL(c.req.url).protocol === 'https:')
}

export async function startSession(c: AppContext, user: { id: string; name: string; mustChangePassword: boolean }) {
  const now = Math.floor(Date.now() / 1000)
  const claims: SessionClaims = {
    sub: user.id,
    role: 'authenticated',
    iat: now,
    exp: now + SESSION_SECONDS,
    sid: crypto.randomUUID(),
    name: user.name,
    ...(user.mustChangePassword ? { mcp: true } : {}),
  }
  await writeCookie(c, claims)
}

async function writeCookie(c: AppContext, claims: SessionClaims) {
  const token = await c.get('signer').sign(claims)
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookie(c),
    path: '/',
    maxAge: claims.exp - claims.iat,
  })
  c.set('session', claims)
  c.set('csrf', await c.get('signer').csrfToken(claims.sid))
}

/** Same session, new expiry and flags (after a password change, or halfway through its life). */
export async function renewSession(c: AppContext, patch: Partial<Pick<SessionClaims, 'mcp' | 'name'>> = {}) {
  const current = c.get('session')
  if (!current) return
  const now = Math.floor(Date.now() / 1000)
  const next: SessionClaims = { ...current, ...patch, iat: now, exp: now + SESSION_SECONDS }
  if (!next.mcp) delete next.mcp
  await writeCookie(c, next)
}

export function endSession(c: AppContext) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie(c) })
  c.set('session', null)
}

/** Reads and verifies the session cookie on every request; a bad cookie is just "signed out". */
export const readSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('session', null)
  c.set('csrf', '')
  const token = getCookie(c, SESSION_COOKIE)
  const claims = token ? await c.get('signer').verify(token) : null
  if (claims) {
    c.set('session', claims)
    c.set('csrf', await c.get('signer').csrfToken(claims.sid))
    const now = Math.floor(Date.now() / 1000)
    if (claims.exp - now < SESSION_SECONDS / 2) await renewSession(c)
  }
  await next()
}

/** Signed-in users only; a forced password change comes before anything else. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = c.get('session')
  if (!session) {
    const url = new URL(c.req.url)
    const target = `/login?next=${encodeURIComponent(url.pathname + url.search)}`
    if (isHtmx(c)) return redirectTo(c, target)
    if (c.req.method === 'GET') return c.redirect(target, 302)
    return c.text('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.', 401)
  }
  if (session.mcp && !c.req.path.startsWith('/account/password') && c.req.path !== '/logout') {
    return redirectTo(c, '/account/password')
  }
  await next()
}
