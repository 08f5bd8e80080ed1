import { getCookie, setCookie, deleteCookie } from 'hono/cookie'
import type { MiddlewareHandler } from 'hono'
import type { AppContext, AppEnv } from '../http/context.ts'
import { isHtmx, redirectTo } from '../http/htmx.ts'
import { requestIsHttps } from '../http/client.ts'
import { endFrames } from '../http/stream-end.ts'
import type { SessionClaims } from './token.ts'
import type { Tx } from '../db/types.ts'

export const SESSION_COOKIE = 'sotay_session'
export const SESSION_SECONDS = 12 * 3600

/** Secure when configured, or when the request came over https (directly, or through a trusted proxy). */
export function secureCookie(c: AppContext): boolean {
  const mode = c.get('config').COOKIE_SECURE
  return mode === 'on' || (mode === 'auto' && requestIsHttps(c))
}

/** Whether the user holds a current role (Vietnam date) or is an administrator: which menu to show. */
async function managesAnything(tx: Tx, userId: string): Promise<boolean> {
  const [row] = await tx.query<{ manages: boolean }>(
    `select a.is_admin or exists (select 1 from public.org_roles r where r.member_id = a.member_id
                                    and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today())) as manages
       from public.accounts a where a.user_id = $1`,
    [userId],
  )
  return !!row?.manages
}

/** Starts a session: its row first (so it can be ended), then the cookie. */
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
  const manages = await c.get('data').asSystem('sign-in: record the new session', async (tx) => {
    // sessions that ended or lapsed are of no use to anyone: the user's own are swept here
    await tx.query(`delete from app.sessions where user_id = $1 and (ended_at is not null or renewed_at < now() - interval '13 hours')`, [user.id])
    await tx.query(`insert into app.sessions (id, user_id) values ($1, $2)`, [claims.sid, user.id])
    return managesAnything(tx, user.id)
  })
  await writeCookie(c, manages ? { ...claims, mgr: true } : claims)
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
  next.mgr = await c.get('data').asSystem('renew a live session', async (tx) => {
    await tx.query(`update app.sessions set renewed_at = now() where id = $1`, [next.sid])
    return managesAnything(tx, next.sub)
  })
  if (!next.mgr) delete next.mgr
  await writeCookie(c, next)
}

/** Logout: the session row ends (so a copied cookie dies too), then the cookie goes. */
export async function endSession(c: AppContext) {
  const session = c.get('session')
  if (session) await c.get('data').withUser(session, (tx) => tx.query(`select public.end_my_session()`))
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie(c) })
  c.set('session', null)
}

/** Whether a session is still live: not ended (logout, reset, role lost) and its account active; a page opened counts the day's visit. */
export async function sessionIsLive(c: AppContext, claims: SessionClaims, visit = false): Promise<boolean> {
  if (typeof claims.sid !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sid)) return false
  const [row] = await c
    .get('data')
    .asSystem('check that the session has not been ended', (tx) =>
      tx.query<{ live: boolean }>(`select app.session_check($1, $2, $3) as live`, [claims.sid, claims.sub, visit]),
    )
  return row.live
}

/** A page the user opens (not a fragment, a stream or a post): what the visits statistic counts. */
const opensPage = (c: AppContext) => c.req.method === 'GET' && !isHtmx(c) && !c.req.path.endsWith('/stream')

/** Reads and verifies the session cookie on every request; a bad or ended session is just "signed out". */
export const readSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('session', null)
  c.set('csrf', '')
  if (c.req.path.startsWith('/static/')) return next()
  const token = getCookie(c, SESSION_COOKIE)
  const claims = token ? await c.get('signer').verify(token) : null
  if (claims && (await sessionIsLive(c, claims, opensPage(c)))) {
    c.set('session', claims)
    c.set('csrf', await c.get('signer').csrfToken(claims.sid))
    const now = Math.floor(Date.now() / 1000)
    if (claims.exp - now < SESSION_SECONDS / 2) await renewSession(c)
  } else if (token) {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie(c) })
  }
  await next()
}

/** Signed-in users only; a forced password change comes before anything else. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = c.get('session')
  if (!session) {
    // a live stream reconnecting after its session ended: tell it to stop, or it retries forever
    if (c.req.path.endsWith('/stream')) return c.body(endFrames('session'), 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
    const url = new URL(c.req.url)
    const target = `/login?next=${encodeURIComponent(url.pathname + url.search)}`
    if (isHtmx(c)) return redirectTo(c, target)
    if (c.req.method === 'GET') return c.redirect(target, 302)
    return c.text('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.', 401)
  }
  if (session.mcp && !c.req.path.startsWith('/account/password') && c.req.path !== '/logout') {
    // the password page's own background requests (the header's notice count) get nothing, not a
    // redirect to the page they are on: that reloaded it four times a second
    if (isHtmx(c)) return c.body(null, 204)
    return c.redirect('/account/password', 302)
  }
  await next()
}
