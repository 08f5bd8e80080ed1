// Supabase Edge Function "router": one domain for the per-feature functions. A custom domain (or
// any reverse proxy) sends every path here; each goes on to the function of its feature
// (edge/features.ts), e.g. /meetings/… → functions/v1/cell-meetings/meetings/…
// ROUTER_TARGET overrides where the functions are: a URL with {name} in it.
import { listen } from '../../../edge/listen.ts'
import { createRouter } from '../../../edge/router.ts'
import { parseRange } from '../../../edge/kernel/http/ip.ts'

declare const Deno: { env: { get(name: string): string | undefined } }

const template = Deno.env.get('ROUTER_TARGET') ?? `${Deno.env.get('SUPABASE_URL')}/functions/v1/{name}`
// a proxy in front (TRUSTED_PROXIES) may name the browser's host and address; the functions believe the router by ROUTER_SECRET
const trusted = (Deno.env.get('TRUSTED_PROXIES') ?? '')
  .split(',')
  .map((range) => range.trim())
  .filter(Boolean)
  .flatMap((range) => parseRange(range) ?? [])
const router = createRouter((name) => template.replace('{name}', name), fetch, { trusted, secret: Deno.env.get('ROUTER_SECRET') })
listen('router', (req, env) => router.fetch(req, env))
