import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeRealtime, until } from '../../../test/fake-realtime.ts'

/**
 * Several app processes on one database share live meetings, nothing lost: a comment posted on
 * one process reaches the streams open on it and on another, over LISTEN/NOTIFY (the default) and over
 * Supabase Realtime (REALTIME=supabase, supabase-js in each process). Real processes
 * (`npx tsx edge/main.node.ts`) on a fresh database on the local Postgres server, created and
 * dropped here. Skipped when no Postgres server answers.
 */
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const PASSWORD = 'multi-process-demo-pass'
const SECRET = 'multi-process-secret-multi-process-0123456789'
const SERVICE_KEY = 'local-service-role-key-for-tests'
const SECRETARY = '0901000003'
const MEMBER = '0901000004'

const reachable = await (async () => {
  const probe = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 })
  try {
    await probe`select 1`
    return true
  } catch {
    console.warn(`multi-process test skipped: no Postgres server at ${ADMIN_URL}`)
    return false
  } finally {
    await probe.end()
  }
})()

const name = `sotay_mp_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`
const databaseUrl = (() => {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
})()
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

/** One app process: `npx tsx edge/main.node.ts`, in its own process group (npx → tsx → node), stopped by that group. */
class AppProcess {
  private output = ''
  private constructor(
    readonly url: string,
    private child: ChildProcess,
  ) {
    child.stdout?.on('data', (d) => (this.output += d))
    child.stderr?.on('data', (d) => (this.output += d))
  }

  static async start(env: Record<string, string>) {
    const port = await freePort()
    const child = spawn('npx', ['tsx', 'edge/main.node.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        SESSION_SECRET: SECRET,
        DEMO: 'on',
        DEMO_PASSWORD: PASSWORD,
        LOG_LEVEL: 'info',
        REMINDERS: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const app = new AppProcess(`http://127.0.0.1:${port}`, child)
    const deadline = Date.now() + 180_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`app process exited early:\n${app.output}`)
      try {
        if ((await fetch(`${app.url}/login`)).ok) return app
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`app process did not start in 180 s:\n${app.output}`)
      await new Promise((r) => setTimeout(r, 300))
    }
  }

  log() {
    return this.output
  }

  async stop() {
    if (this.child.exitCode !== null) return
    const exited = new Promise((r) => this.child.once('exit', r))
    try {
      process.kill(-(this.child.pid as number), 'SIGTERM')
    } catch {
      return
    }
    const killed = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 15_000))])
    if (!killed) {
      try {
        process.kill(-(this.child.pid as number), 'SIGKILL')
      } catch {
        // gone meanwhile
      }
    }
  }
}

/** A browser over HTTP: keeps cookies, sends Origin (same-origin requests) and the CSRF token. */
class Browser {
  private cookies = new Map<string, string>()
  private csrf = ''
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers)
    headers.set('Origin', this.base)
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [key, ...value] = pair.split('=')
      if (/max-age=0/i.test(line) || value.join('=') === '') this.cookies.delete(key)
      else this.cookies.set(key, value.join('='))
    }
    return res
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams(form)
    if (this.csrf) body.set('_csrf', this.csrf)
    return this.request(path, { method: 'POST', body, headers })
  }

  async signIn(login: string) {
    const res = await this.post('/login', { login, password: PASSWORD })
    if (res.status !== 303) throw new Error(`sign-in of ${login} on ${this.base} answered ${res.status}`)
    const page = await (await this.request('/account/password')).text()
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
    return this
  }
}

/** An open SSE stream, read as it comes. */
class Stream {
  frames: { id?: string; data: string }[] = []
  private reader!: ReadableStreamDefaultReader<Uint8Array>

  static async open(browser: Browser, path: string) {
    const stream = new Stream()
    const res = await browser.request(path)
    if (res.status !== 200) throw new Error(`stream ${path} answered ${res.status}`)
    stream.reader = res.body!.getReader()
    void stream.read()
    return stream
  }

  private async read() {
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const { value, done } = await this.reader.read().catch(() => ({ value: undefined, done: true as const }))
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1])
        if (data.length) this.frames.push({ id: /^id: (.*)$/m.exec(block)?.[1], data: data.join('\n') })
      }
    }
  }

  has(text: string) {
    return this.frames.some((f) => f.data.includes(text))
  }

  close() {
    return this.reader.cancel().catch(() => {})
  }
}

const tomorrow = () => new Date(Date.now() + 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10)

/**
 * The secretary schedules a meeting and comments on it on process `one`; the member opens its
 * live stream on process `two` and the secretary on `one`; each first sends the comment already
 * there (so by then the stream follows the meeting). Then the secretary posts a comment on `one`:
 * it must reach both streams, once, through the realtime port (the poster's own included).
 */
async function commentReachesEveryProcess(one: AppProcess, two: AppProcess, label: string) {
  const db = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  const [cell] = await db`select id from public.organizations where path::text = 'ns.tp1.g1.c1'`.finally(() => db.end())
  const secretary = await new Browser(one.url).signIn(SECRETARY)
  const scheduled = await secretary.post('/meetings', {
    org_id: cell.id,
    kind: 'regular',
    date: tomorrow(),
    time: '19:30',
    title: `Họp nhiều tiến trình (${label})`,
  })
  expect(scheduled.status, 'the meeting is scheduled').toBe(303)
  const meetingId = scheduled.headers.get('Location')?.split('?')[0].split('/').pop()
  const first = `Ý kiến có sẵn (${label})`
  expect((await secretary.post(`/comments/meetings/${meetingId}`, { body: first }, { 'HX-Request': 'true' })).status).toBe(200)

  const member = await new Browser(two.url).signIn(MEMBER)
  const streams = [
    await Stream.open(member, `/comments/meetings/${meetingId}/stream?after=`),
    await Stream.open(secretary, `/comments/meetings/${meetingId}/stream?after=`),
  ]
  try {
    await until(() => streams.every((s) => s.has(first)), 60_000, `the comment already there, on both processes (${label})`)
    const live = `Ý kiến trực tiếp (${label})`
    expect((await secretary.post(`/comments/meetings/${meetingId}`, { body: live }, { 'HX-Request': 'true' })).status).toBe(200)
    await until(() => streams.every((s) => s.has(live)), 60_000, `the live comment, on both processes (${label})`)
    for (const stream of streams) expect(stream.frames.filter((f) => f.data.includes(live))).toHaveLength(1)
    return meetingId
  } finally {
    await Promise.all(streams.map((s) => s.close()))
  }
}

describe.skipIf(!reachable)('several app processes on one database', () => {
  beforeAll(async () => {
    await admin.unsafe(`create database "${name}"`)
  })
  afterAll(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`)
    await admin.end()
  })

  it('a comment posted on process 1 reaches the live streams on processes 1 and 2 over LISTEN/NOTIFY', async () => {
    // the first process migrates and seeds the demo; the second finds it done
    const one = await AppProcess.start({})
    const two = await AppProcess.start({}).catch(async (error) => {
      await one.stop()
      throw error
    })
    try {
      await commentReachesEveryProcess(one, two, 'LISTEN/NOTIFY')
    } catch (error) {
      console.error(`process 1:\n${one.log()}\nprocess 2:\n${two.log()}`)
      throw error
    } finally {
      await Promise.all([one.stop(), two.stop()])
    }
  })

  it('the same over Supabase Realtime: both processes receive the broadcast through the Realtime protocol', async () => {
    // The local Postgres has no realtime schema, so app.publish only NOTIFYs (on Supabase it also
    // calls realtime.send, and Realtime broadcasts it). The fake Realtime server stands in for
    // that: it LISTENs on the test database and broadcasts what the database NOTIFYs to the
    // sockets that joined the meeting's private channel. What is tested is that each process's
    // adapter (supabase-js) joins that channel and receives the broadcast over the protocol.
    const realtime = new FakeRealtime(SERVICE_KEY)
    const supabaseUrl = await realtime.start()
    const listener = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    const forwarded: string[] = []
    try {
      for (const event of ['meeting_comments', 'meeting_votes']) {
        await listener.listen(event, (payload) => {
          const message = JSON.parse(payload) as { meeting_id: string }
          forwarded.push(event)
          realtime.broadcast(`meeting:${message.meeting_id}`, event, message)
        })
      }
      // Node 20 has a WebSocket only behind this flag (Node ≥ 22 and Deno have it anyway)
      const env = { REALTIME: 'supabase', SUPABASE_URL: supabaseUrl, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY, NODE_OPTIONS: '--experimental-websocket' }
      const one = await AppProcess.start(env)
      const two = await AppProcess.start(env).catch(async (error) => {
        await one.stop()
        throw error
      })
      try {
        const meetingId = await commentReachesEveryProcess(one, two, 'Supabase Realtime')
        expect(forwarded).toContain('meeting_comments')
        // each process followed the meeting through its own socket, on the private channel, with the service key
        const joined = realtime.connections.filter((c) => c.received.some((m) => m.event === 'phx_join' && m.topic === `realtime:meeting:${meetingId}`))
        expect(joined.length).toBeGreaterThanOrEqual(2)
        for (const c of joined) {
          expect(c.url.searchParams.get('apikey')).toBe(SERVICE_KEY)
          expect(c.received.find((m) => m.event === 'phx_join')?.payload).toMatchObject({ access_token: SERVICE_KEY, config: { private: true } })
        }
      } catch (error) {
        console.error(`process 1:\n${one.log()}\nprocess 2:\n${two.log()}`)
        throw error
      } finally {
        await Promise.all([one.stop(), two.stop()])
      }
    } finally {
      await listener.end()
      await realtime.stop()
    }
  })
})
