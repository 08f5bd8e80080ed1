// Imports nothing: the path router (supabase/functions/router) serves through it too.
type Info = { remoteAddr: { hostname: string } }
type Handler = (req: Request, info: Info) => Response | Promise<Response>
declare const Deno: {
  serve(handler: Handler): unknown
  serve(options: { port: number; onListen?: (a: { port: number }) => void }, handler: Handler): unknown
}

/** True inside Supabase's edge runtime (it defines the EdgeRuntime global). */
export const onSupabase = () => 'EdgeRuntime' in globalThis

/**
 * The request as the app should see it. On Supabase a function named `name` receives
 * `/<name>/<app path>` (the gateway drops only `/functions/v1`): the prefix goes. Behind the path
 * router (supabase/functions/router) the browser's origin arrives as X-Forwarded-Host/-Proto, and
 * the app's same-origin check compares Origin with it (a page of another site cannot set those
 * headers on a form post). Elsewhere (PORT, local runs) the request is left as it is.
 */
export function asApp(req: Request, name: string, supabase = onSupabase()): Request {
  if (!supabase) return req
  const url = new URL(req.url)
  if (url.pathname === `/${name}` || url.pathname.startsWith(`/${name}/`)) url.pathname = url.pathname.slice(name.length + 1) || '/'
  const host = req.headers.get('X-Forwarded-Host')
  if (host) {
    url.host = host
    url.protocol = `${req.headers.get('X-Forwarded-Proto') ?? 'https'}:`
  }
  return url.href === req.url ? req : new Request(url, req)
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
