import { serve } from '@hono/node-server'
import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { percentile, report, round } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * One comment fanned out to N open SSE streams of one meeting on one process (PGlite, real
 * HTTP on loopback): delivery latency from the POST to each stream's frame, memory per stream,
 * and the bytes of one comment event.
 */
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000)
const runtime = await boot({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }, { memory: true })
await seedDemo(runtime.data, { members: 300, password: 'bench-password-1' })
const app = createApp(runtime)
let server!: ReturnType<typeof serve>
const port = await new Promise<number>((resolve) => {
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
})
const origin = `http://127.0.0.1:${port}`

async function signIn(login: string) {
  const res = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `login=${login}&password=bench-password-1`,
  })
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const page = await (await fetch(`${origin}/account/password`, { headers: { Cookie: cookie } })).text()
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] }
}

const secretary = await signIn('0901000003')
const member = await signIn('0901000004')
const cell = await runtime.data.asSystem(
  'bench: the demo cell',
  async (tx) => (await tx.query<{ id: string }>(`select id from organizations where path = 'ns.tp1.g1.c1'`))[0].id,
)
const tomorrow = new Date(Date.now() + 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10)
const created = await fetch(`${origin}/meetings`, {
  method: 'POST',
  redirect: 'manual',
  headers: { Origin: origin, Cookie: secretary.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: secretary.csrf, org_id: cell, kind: 'regular', title: 'Bench', date: tomorrow, time: '19:30' }),
})
const meeting = created.headers.get('Location')!.split('?')[0].split('/').pop()!
const base = `${origin}/comments/meetings/${meeting}`

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {})
/** Several collections with pauses: buffers freed by finalizers (seed data, the database's) go before we measure. */
const settle = async () => {
  for (let i = 0; i < 4; i++) {
    collect()
    await new Promise((r) => setTimeout(r, 100))
  }
  return process.memoryUsage().heapUsed + process.memoryUsage().external
}
const before = await settle()
const arrivals: number[] = []
let frameBytes = 0
const controllers: AbortController[] = []
const opened = await Promise.all(
  Array.from({ length: STREAMS }, async () => {
    const ac = new AbortController()
    controllers.push(ac)
    const res = await fetch(`${base}/stream`, { headers: { Cookie: member.cookie }, signal: ac.signal })
    const reader = res.body!.getReader()
    // wrapped: returning the promise itself would make Promise.all wait for the frames
    return {
      done: (async () => {
        let text = ''
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
          if (done) return
          text += new TextDecoder().decode(value)
          const frame = text.split('\n\n').find((block) => /^id: /m.test(block))
          if (frame && text.includes(`${frame}\n\n`)) {
            arrivals.push(performance.now())
            frameBytes = Buffer.byteLength(`${frame}\n\n`)
            return
          }
        }
      })(),
    }
  }),
)
await new Promise((r) => setTimeout(r, 500))
const perStream = ((await settle()) - before) / STREAMS

const sentAt = performance.now()
await fetch(base, {
  method: 'POST',
  headers: { Origin: origin, Cookie: member.cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
  body: new URLSearchParams({ _csrf: member.csrf, body: 'Một ý kiến cho tất cả' }),
})
await Promise.race([Promise.all(opened.map((o) => o.done)), new Promise((r) => setTimeout(r, 15_000))])
const latencies = arrivals.map((t) => t - sentAt)
for (const ac of controllers) ac.abort()
const p99 = round(percentile(latencies, 99))
await report([
  {
    name: 'comment-fanout-1000-p99',
    value: p99,
    unit: 'ms',
    budget: BUDGET.fanout1000P99Ms,
    ok: p99 <= BUDGET.fanout1000P99Ms && latencies.length === STREAMS,
    note: `${latencies.length}/${STREAMS} streams reached, p50 ${round(percentile(latencies, 50))} ms (POST + commit + NOTIFY + one read + write), client and server on the same 2 cores`,
  },
  {
    name: 'memory-per-stream',
    value: Math.round(perStream / 102.4) / 10,
    unit: 'KB',
    budget: BUDGET.streamKB,
    ok: perStream < BUDGET.streamKB * 1024,
    note: 'JS heap + external growth after GC / streams, client side included (run with --expose-gc)',
  },
  {
    name: 'comment-event-weight',
    value: frameBytes,
    unit: 'B',
    budget: BUDGET.interactionBytes,
    ok: frameBytes <= BUDGET.interactionBytes,
    note: 'one SSE frame (uncompressed)',
  },
])
server.close()
await runtime.close()
process.exit(0)
