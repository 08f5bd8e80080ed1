import { compose, type Routers } from './compose.ts'
import { FEATURES } from './features.ts'
import { processEnv } from './kernel/config.ts'
import { prepare } from './prepare.ts'

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
export function asApp(req: Request, name: string): Request {
  if (!onSupabase()) return req
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
  const port = processEnv().PORT
  if (port && !onSupabase()) Deno.serve({ port: Number(port), onListen: () => {} }, handler)
  else Deno.serve(handler)
}

/**
 * One feature's edge function, named as the feature (edge/features.ts): boot (Supabase Realtime
 * and Storage unless a secret says otherwise; pg_cron calls the reminders, a function instance does
 * not tick), then the kernel with the feature's router alone. The entry imports that one router and
 * passes it as `{ key: router }`, so that the function's bundle holds no other feature.
 */
export async function serveFeature(routers: Partial<Routers>): Promise<ReturnType<typeof compose>> {
  const keys = Object.keys(routers)
  const feature = FEATURES.find((f) => f.key === keys[0])
  if (keys.length !== 1 || !feature) throw new Error(`serveFeature takes one feature's router by its key, not ${keys.join(', ')}`)
  const name = feature.name
  const runtime = await prepare({ REALTIME: 'supabase', STORAGE: 'supabase', ...processEnv() }, { reminders: false })
  const app = compose(runtime, routers)
  listen(name, (req) => app.fetch(req))
  return app
}
