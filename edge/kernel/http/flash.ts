import type { Context } from 'hono'
import { isHtmx } from './htmx.ts'

/**
 * After a successful plain form post, the browser goes (303) to the page the post changed,
 * carrying the name of what happened (`?done=<key>`), so a reload reloads that page instead of
 * re-posting or asking for the post's own URL (a 404). An htmx post is answered with the page
 * or fragment itself, as before.
 */
export function seeOther(c: Context, url: string, done: string, render: () => Response | Promise<Response>) {
  if (isHtmx(c)) return render()
  return c.redirect(`${url}${url.includes('?') ? '&' : '?'}done=${encodeURIComponent(done)}`, 303)
}

/** The message of `?done=<key>` from a feature's catalogue; an unknown key says nothing. */
export function doneMessage<T extends Record<string, unknown>>(c: Context, catalogue: T): string | undefined {
  const key = c.req.query('done')
  const message = key && Object.hasOwn(catalogue, key) ? catalogue[key] : undefined
  return typeof message === 'string' ? message : undefined
}
