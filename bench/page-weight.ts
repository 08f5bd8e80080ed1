import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { report, type Result } from './lib.ts'

/**
 * Bytes on the wire (gzip, as the app sends them) of the first visit to the login page and to
 * the home page after login (HTML + CSS + JS + icon + manifest), and of typical htmx swaps.
 */
const runtime = await boot({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }, { memory: true })
await seedDemo(runtime.data, { members: 1000, password: 'bench-password-1' })
const app = createApp(runtime)
let cookie = ''

async function wire(path: string, init: RequestInit = {}): Promise<{ bytes: number; body: string; res: Response }> {
  const headers = new Headers(init.headers)
  headers.set('Accept-Encoding', 'gzip')
  headers.set('Origin', 'http://localhost')
  if (cookie) headers.set('Cookie', cookie)
  const res = await app.request(`http://localhost${path}`, { ...init, headers })
  const raw = new Uint8Array(await res.arrayBuffer())
  const encoded = res.headers.get('Content-Encoding') === 'gzip'
  const body = encoded ? new TextDecoder().decode(await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()) : new TextDecoder().decode(raw)
  // headers count too: a rough 300 bytes per response after HTTP/2 header compression
  return { bytes: raw.length + 300, body, res }
}

/** The page plus every asset it references (each fetched once, as a browser with an empty cache would). */
async function firstVisit(path: string): Promise<{ total: number; parts: string[] }> {
  const page = await wire(path)
  const assets = [...page.body.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1])
  let total = page.bytes
  const parts = [`html ${page.bytes}`]
  for (const asset of new Set(assets)) {
    const a = await wire(asset)
    total += a.bytes
    parts.push(`${asset.split('/').pop()!.split('?')[0]} ${a.bytes}`)
  }
  return { total, parts }
}

const results: Result[] = []
const login = await firstVisit('/login')
results.push({ name: 'login-page-weight', value: login.total, unit: 'B', budget: 30_720, ok: login.total <= 30_720, note: login.parts.join(', ') })

const signIn = await wire('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=0901000003&password=bench-password-1' })
cookie = signIn.res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
const home = await firstVisit('/')
results.push({ name: 'home-page-weight', value: home.total, unit: 'B', budget: 30_720, ok: home.total <= 30_720, note: home.parts.join(', ') })

const search = await wire('/members?q=nguyen', { headers: { 'HX-Request': 'true' } })
results.push({ name: 'htmx-member-search-weight', value: search.bytes, unit: 'B', budget: 5_120, ok: search.bytes <= 5_120, note: `${(search.body.match(/<tr>/g) ?? []).length - 1} rows, as the cell secretary` })
const id = /href="\/members\/([0-9a-f-]{36})"/.exec(search.body)![1]
const profile = await wire(`/members/${id}`)
results.push({ name: 'member-profile-weight', value: profile.bytes, unit: 'B', budget: 5_120, ok: profile.bytes <= 5_120, note: 'full page, assets cached' })
const tree = await wire(`/orgs`)
const cityId = /href="\/orgs\/([0-9a-f-]{36})"/.exec(tree.body)?.[1]
if (cityId) {
  const children = await wire(`/orgs/${cityId}/children`, { headers: { 'HX-Request': 'true' } })
  results.push({ name: 'htmx-org-children-weight', value: children.bytes, unit: 'B', budget: 5_120, ok: children.bytes <= 5_120, note: 'one level of the tree' })
}
await report(results)
await runtime.close()
