// Imports nothing: the path router (supabase/functions/router) serves through it too.
type Info = { remoteAddr: { hostname: string } }
type Handler = (req: Request, info: Info) => Response | Promise<Response>
declare const Deno: {
  serve(handler: Handler): unknown
  serve(options: { port: number; onListen?: (a: { port: number }) => void }, handler: Handler): unknown
}

/** True inside Supabase's edge runtime (it defines the EdgeRuntime global). */
export const onSupabase = () => 'EdgeRuntime' in globalThis

/** The header by which the path router proves it sent a request (its value is ROUTER_SECRET). */
export const ROUTER_SECRET_HEADER = 'X-Router-Secret'

/** Equal strings, compared in a time that does not tell how much of a guess was right. */
function sameSecret(given: string | null, secret: string): boolean {
  if (given === null || given.length !== secret.length) return false
  let diff = 0
  for (let i = 0; i < secret.length; i++) diff |= given.charCodeAt(i) ^ secret.charCodeAt(i)
  return diff === 0
}

/**
 * The request as the app should see it. On Supabase a function named `name` receives
 * `/<name>/<app path>` (the gateway drops only `/functions/v1`): the prefix goes. Behind the path
 * router (supabase/functions/router) the browser's origin arrives as X-Forwarded-Host/-Proto, and
 * the app's same-origin check compares Origin with it. Those are believed only from the router:
 * with the shared ROUTER_SECRET beside them (anyone may call a function directly and write any
 * host, which would then name the links and redirects the app makes). The secret itself never
 * reaches the app. Elsewhere (PORT, local runs) the request is left as it is.
 */
export function asApp(req: Request, name: string, supabase = onSupabase(), routerSecret = envSecret()): Request {
  if (!supabase) return req
  const url = new URL(req.url)
  if (url.pathname === `/${name}` || url.pathname.startsWith(`/${name}/`)) url.pathname = url.pathname.slice(name.length + 1) || '/'
  const fromRouter = !!routerSecret && sameSecret(req.headers.get(ROUTER_SECRET_HEADER), routerSecret)
  const host = req.headers.get('X-Forwarded-Host')
  if (fromRouter && host) {
    url.host = host
    url.protocol = `${req.headers.get('X-Forwarded-Proto') === 'http' ? 'http' : 'https'}:`
  }
  const untouched = ![ROUTER_SECRET_HEADER, 'X-Forwarded-Host', 'X-Forwarded-Proto'].some((name) => req.headers.has(name))
  if (untouched && url.href === req.url) return req
  const headers = new Headers(req.headers)
  headers.delete(ROUTER_SECRET_HEADER)
  if (!fromRouter) {
    headers.delete('X-Forwarded-Host')
    headers.delete('X-Forwarded-Proto')
  }
  return new Request(url, { method: req.method, headers, body: req.body, redirect: req.redirect, signal: req.signal, duplex: 'half' } as RequestInit)
}

function envSecret(): string | undefined {
  return (globalThis as { Deno?: { env: { get(name: string): string | undefined } } }).Deno?.env.get('ROUTER_SECRET') || undefined
}

/**
 * Deno.serve as Supabase runs it, or on PORT when one is set (a local run, the bench, the tests).
 * The peer's address goes on as Hono's env, as in edge/main.deno.ts (sign-in throttling per address).
 */
export function listen(name: string, fetch: (req: Request, env: { remoteAddr: Info['remoteAddr'] }) => Response | Promise<Response>) {
  const handler: Handler = (req, info) => fetch(asApp(req, name), { remoteAddr: info.remoteAddr })
  const port = (globalThis as { Deno?: { env: { get(name: string): string | undefined } } }).Deno?.env.get('PORT')
  if (port && !onSupabase()) Deno.serve({ port: Number(port), onListen: () => {} }, handler)
  else Deno.serve(handler)
}
