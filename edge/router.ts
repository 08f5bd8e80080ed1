import { Hono } from 'hono'
import { compress } from 'hono/compress'
import { featureOf, type FeatureName } from './features.ts'
import { inAnyRange, parseIp, type IpRange } from './kernel/http/ip.ts'
import { ROUTER_SECRET_HEADER } from './listen.ts'

/** The function that answers paths no feature owns (/static, /sw.js, a mistyped path's 404 page): the root one. */
export const FALLBACK: FeatureName = 'home'

/** The edge function that answers a path of the app (edge/features.ts: mounts and the root features' first segments). */
export function functionFor(pathname: string): FeatureName {
  return featureOf(pathname)?.name ?? FALLBACK
}

/**
 * One domain for every feature's function: each request goes to the function of its path,
 * `target(name)` + the app path (on Supabase `https://<ref>.supabase.co/functions/v1/<name>`),
 * with the browser's host as X-Forwarded-Host (the function's same-origin check compares Origin
 * with it) and the answer (status, cookies, redirects, streams) passed back as it is. Asks for
 * an uncompressed answer and compresses here, once. Reads the registry only: it bundles no feature.
 *
 * The forwarded headers are the router's own: a client's X-Forwarded-Host/-Proto/-For are passed
 * on only from a trusted proxy in front (`trusted`, TRUSTED_PROXIES), and the functions believe
 * them only beside the shared `secret` (ROUTER_SECRET, see edge/listen.ts).
 */
export function createRouter(
  target: (name: FeatureName) => string,
  send: (req: Request) => Promise<Response> = fetch,
  options: { trusted?: readonly IpRange[]; secret?: string } = {},
) {
  const app = new Hono()
  app.use(compress())
  app.all('*', async (c) => {
    const url = new URL(c.req.url)
    const name = functionFor(url.pathname)
    const headers = new Headers(c.req.raw.headers)
    headers.delete('Host')
    headers.set('Accept-Encoding', 'identity')
    const peer = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname
    const peerIp = peer ? parseIp(peer) : null
    const fromProxy = !!peerIp && inAnyRange(peerIp, options.trusted ?? [])
    const passed = (name: string) => (fromProxy ? c.req.header(name) : undefined)
    headers.set('X-Forwarded-Host', passed('X-Forwarded-Host') ?? url.host)
    headers.set('X-Forwarded-Proto', passed('X-Forwarded-Proto') ?? url.protocol.slice(0, -1))
    // as any proxy: the peer goes on X-Forwarded-For (a function trusting the router's address, TRUSTED_PROXIES, reads the client there)
    const forwardedFor = [passed('X-Forwarded-For'), peer].filter(Boolean).join(', ')
    if (forwardedFor) headers.set('X-Forwarded-For', forwardedFor)
    else headers.delete('X-Forwarded-For')
    headers.delete(ROUTER_SECRET_HEADER)
    if (options.secret) headers.set(ROUTER_SECRET_HEADER, options.secret)
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : c.req.raw.body
    const init: RequestInit & { duplex?: 'half' } = { method: c.req.method, headers, body, redirect: 'manual', signal: c.req.raw.signal }
    if (body) init.duplex = 'half'
    const res = await send(new Request(`${target(name)}${url.pathname}${url.search}`, init))
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers })
  })
  return app
}
