import { fork } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { serve } from '@hono/node-server'
import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { hubFor } from '../edge/features/comments/comments.live.tsx'
import { percentile, report, round, type Result } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * One comment fanned out to 1,000 and then 10,000 open SSE streams of one meeting on one app
 * process (PGlite, real HTTP on loopback). The subscribers live in a second process
 * (bench/fanout-clients.ts) and open their streams in batches at a steady rate; delivery latency
 * runs from the POST of a comment to each stream's frame on the clock both processes share.
 * Memory per stream is the app process's own growth. BENCH_STREAMS=n measures n streams only,
 * BENCH_OPEN_RATE=n opens n streams a second (400), BENCH_PROFILE=1 writes a CPU profile of the
 * largest size's deliveries to $TMPDIR/fanout.cpuprofile.
 */
const SIZES = process.env.BENCH_STREAMS ? [Number(process.env.BENCH_STREAMS)] : [1000, 10_000]
const OPEN_PER_SECOND = Number(process.env.BENCH_OPEN_RATE ?? 400)
/** comments per size: the latencies of all of them are pooled (one comment is a small sample of a noisy machine) */
const COMMENTS = 3
const BUDGETS: Record<number, number> = { 1000: BUDGET.fanout1000P99Ms, 10000: BUDGET.fanout10000P99Ms }

const profilePath = join(tmpdir(), 'fanout.cpuprofile')
const now = () => performance.timeOrigin + performance.now()
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

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
const hub = hubFor(runtime.realtime, runtime.data)

const clients = fork(new URL('./fanout-clients.ts', import.meta.url).pathname, [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const inbox: Record<string, unknown>[] = []
let waiter: (() => void) | null = null
clients.on('message', (m: Record<string, unknown>) => {
  inbox.push(m)
  waiter?.()
})
async function reply<T>(key: string): Promise<T> {
  for (;;) {
    const i = inbox.findIndex((m) => key in m)
    if (i !== -1) return inbox.splice(i, 1)[0] as T
    await new Promise<void>((r) => (waiter = r))
  }
}
await reply('ready')

/** Several collections with pauses: buffers freed by finalizers (seed data, the database's) go before we measure. */
const settle = async () => {
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 100))
  }
  const m = process.memoryUsage()
  return { js: m.heapUsed + m.external, rss: m.rss }
}
const until = async (test: () => boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs
  while (!test() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
}

const results: Result[] = []
let frameBytes = 0
let open = 0
const before = await settle()
for (const size of SIZES) {
  clients.send({ cmd: 'open', url: `${base}/stream`, cookie: member.cookie, count: size - open, perSecond: OPEN_PER_SECOND })
  const opened = await reply<{ opened: number; failures: number; seconds: number }>('opened')
  await until(() => hub.followerCount() >= opened.opened, 60_000)
  open = opened.opened
  const memory = await settle()
  const perStreamKB = (memory.js - before.js) / open / 1024
  const rssPerStreamKB = (memory.rss - before.rss) / open / 1024
  const profile = process.env.BENCH_PROFILE && size === SIZES.at(-1) ? new Session() : null
  if (profile) {
    profile.connect()
    await profile.post('Profiler.enable')
    await profile.post('Profiler.setSamplingInterval', { interval: 200 })
    await profile.post('Profiler.start')
  }
  const latencies: number[] = []
  let reached = 0
  for (let k = 0; k < COMMENTS; k++) {
    clients.send({ cmd: 'expect', timeoutMs: 15_000 })
    await reply('expecting')
    const sentAt = now()
    await fetch(base, {
      method: 'POST',
      headers: { Origin: origin, Cookie: member.cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
      body: new URLSearchParams({ _csrf: member.csrf, body: `Một ý kiến cho tất cả (${size}, ${k + 1})` }),
    })
    const got = await reply<{ arrivals: number[]; bytes: number; streams: number }>('arrivals')
    latencies.push(...got.arrivals.map((t) => t - sentAt))
    reached = Math.min(reached || got.arrivals.length, got.arrivals.length)
    frameBytes = got.bytes
    await new Promise((r) => setTimeout(r, 500))
  }
  if (profile) {
    const { profile: cpu } = await profile.post('Profiler.stop')
    await writeFile(profilePath, JSON.stringify(cpu))
    console.log(`CPU profile of the ${size}-stream deliveries: ${profilePath}`)
    profile.disconnect()
  }
  const first = round(Math.min(...latencies))
  const p50 = round(percentile(latencies, 50))
  const p99 = round(percentile(latencies, 99))
  const budget = BUDGETS[size] ?? BUDGET.fanout10000P99Ms
  results.push({
    name: `comment-fanout-${size}-p99`,
    value: p99,
    unit: 'ms',
    budget,
    ok: p99 <= budget && reached === size,
    note: `${reached}/${size} streams reached by each of ${COMMENTS} comments, first ${first} ms (POST + commit + NOTIFY + one read + render), p50 ${p50} ms; opened at ${OPEN_PER_SECOND}/s in ${round(opened.seconds)} s, ${opened.failures} failed; clients in a second process on the same 2 cores`,
  })
  results.push({
    name: `memory-per-stream-${size}`,
    value: round(perStreamKB),
    unit: 'KB',
    budget: BUDGET.streamKB,
    ok: perStreamKB <= BUDGET.streamKB,
    note: `app process JS heap + external growth after GC / streams; RSS ${round(rssPerStreamKB)} KB per stream`,
  })
}
results.push({
  name: 'comment-event-weight',
  value: frameBytes,
  unit: 'B',
  budget: BUDGET.interactionBytes,
  ok: frameBytes > 0 && frameBytes <= BUDGET.interactionBytes,
  note: 'one SSE frame (uncompressed)',
})
await report(results)
clients.send({ cmd: 'exit' })
server.close()
await runtime.close()
process.exit(0)
