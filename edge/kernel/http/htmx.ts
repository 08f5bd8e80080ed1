import type { Context } from 'hono'

/** An htmx request that swaps part of the page (not a boosted or history-restore full page). */
export function isHtmx(c: Context): boolean {
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-History-Restore-Request') !== 'true'
}

/** Redirect that works for a plain form post (303) and for htmx (full navigation). */
export function redirectTo(c: Context, url: string) {
  if (isHtmx(c)) {
    c.header('HX-Redirect', url)
    return c.body(null, 204)
  }
  return c.redirect(url, 303)
}
