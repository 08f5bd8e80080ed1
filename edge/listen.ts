// Imports nothing: the path router (supabase/functions/router) serves through it too.
declare const Deno: {
  serve(handler: (req: Request) => Response | Promise<Response>): unknown
  serve(options: { port: number; onListen?: (a: { port: number }) => void }, handler: (req: Request) => Response | Promise<Response>): unknown
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

/** Deno.serve as Supabase runs it, or on PORT when one is set (a local run, the bench, the tests). */
export function listen(name: string, fetch: (req: Request) => Response | Promise<Response>) {
  const handler = (req: Request) => fetch(asApp(req, name))
  const port = (globalThis as { Deno?: { env: { get(name: string): string | undefined } } }).Deno?.env.get('PORT')
  if (port && !onSupabase()) Deno.serve({ port: Number(port), onListen: () => {} }, handler)
  else Deno.serve(handler)
}
