import { readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createApp } from '../edge/app.ts'
import { boot, type Runtime } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import type { Tx } from '../edge/kernel/db/types.ts'
import { contentKey } from './content-key.ts'

export const DEMO_PASSWORD = 'demo-pass-2026'
export const LOGINS = {
  admin: '0900000000',
  staff: '0901000001',
  grassroots: '0901000002',
  cellSecretary: '0901000003',
  member: '0901000004',
} as const

const ORIGIN = 'http://localhost'

const TEST_SECRET = 'test-secret-test-secret-test-secret-0123'

/** A migrated, seeded embedded database of this size, built once per key and kept as a file every test file loads. */
async function pgliteTemplate(members: number): Promise<Uint8Array> {
  const file = join(tmpdir(), `sotay-template-${await contentKey(members, DEMO_PASSWORD)}.tar`)
  try {
    return new Uint8Array(await readFile(file))
  } catch {
    const runtime = await boot({ SESSION_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' }, { memory: true })
    await seedDemo(runtime.data, { members, password: DEMO_PASSWORD })
    const bytes = await runtime.snapshot!()
    await runtime.close()
    // written aside, then renamed: two workers building the same template never read half a file
    const partial = `${file}.${process.pid}.part`
    await writeFile(partial, bytes)
    await rename(partial, file)
    return bytes
  }
}

/** The same on a Postgres server: a template database per key, cloned by `create database … template`. */
async function serverTemplate(url: string, members: number): Promise<string> {
  // npm run test:supabase runs the RLS tests on templates the Supabase CLI migrated: <prefix>_<members>
  if (process.env.TEST_PUSHED_TEMPLATES) return `${process.env.TEST_PUSHED_TEMPLATES}_${members}`
  const name = `sotay_tpl_${await contentKey(members, DEMO_PASSWORD)}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await admin`select pg_advisory_lock(hashtext(${name}))`
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`
    if (!exists) {
      await admin.unsafe(`create database "${name}"`)
      const target = new URL(url)
      target.pathname = `/${name}`
      const runtime = await boot({ SESSION_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', DATABASE_URL: target.toString() })
      await seedDemo(runtime.data, { members, password: DEMO_PASSWORD })
      await runtime.close()
    }
    await admin`select pg_advisory_unlock(hashtext(${name}))`
  } finally {
    await admin.end()
  }
  return name
}

/**
 * A fresh, seeded database per test file: in-memory PGlite, or a new database on the server, each a copy of a template.
 * `members: 0` is an empty database, only migrated, as a real deployment starts (no demo).
 */
export async function testApp(options: { members?: number; env?: Record<string, string> } = {}) {
  const members = options.members ?? 300
  const env: Record<string, string | undefined> = {
    SESSION_SECRET: TEST_SECRET,
    DEMO_PASSWORD,
    LOG_LEVEL: 'silent',
    ...options.env,
  }
  let dropDatabase = async () => {}
  let snapshot: Uint8Array | undefined
  if (process.env.DATABASE_URL) {
    const template = members ? await serverTemplate(process.env.DATABASE_URL, members) : 'template0'
    const name = `sotay_t_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${name}" template "${template}"`)
    await admin.end()
    const url = new URL(process.env.DATABASE_URL)
    url.pathname = `/${name}`
    env.DATABASE_URL = url.toString()
    dropDatabase = async () => {
      const again = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
      await again.unsafe(`drop database if exists "${name}" with (force)`)
      await again.end()
    }
  } else if (members) {
    snapshot = await pgliteTemplate(members)
  }
  const runtime: Runtime = await boot(env, { memory: true, snapshot })
  const app = createApp(runtime)
  return {
    app,
    runtime,
    anonymous: () => new Agent(app),
    signIn: async (login: string, password = DEMO_PASSWORD) => {
      const agent = new Agent(app)
      const res = await agent.post('/login', { login, password })
      if (res.status !== 303) throw new Error(`sign-in of ${login} failed: ${res.status}`)
      await agent.loadCsrf()
      return agent
    },
    close: async () => {
      await runtime.close()
      await dropDatabase()
    },
  }
}

export type TestApp = Awaited<ReturnType<typeof testApp>>

let nextAddress = 1

/** A browser-like client: keeps cookies, sends Origin and the CSRF token like our pages do. */
export class Agent {
  cookies = new Map<string, string>()
  csrf = ''
  // Each agent is its own client address (documentation prefix, never contacted): sign-in
  // throttling counts failures per address, so agents must not share one by chance.
  address = `2001:db8::${(nextAddress++).toString(16)}`
  constructor(private app: ReturnType<typeof createApp>) {}

  async request(path: string, init: RequestInit & { htmx?: boolean } = {}) {
    const headers = new Headers(init.headers)
    headers.set('Origin', ORIGIN)
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    if (init.htmx) headers.set('HX-Request', 'true')
    const res = await this.app.request(`${ORIGIN}${path}`, { ...init, headers }, { remoteAddr: { hostname: this.address } })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = pair.split('=')
      if (/max-age=0/i.test(line) || value.join('=') === '') this.cookies.delete(name)
      else this.cookies.set(name, value.join('='))
    }
    return res
  }

  get(path: string, init: { htmx?: boolean } = {}) {
    return this.request(path, init)
  }

  post(path: string, form: Record<string, string> | FormData, init: { htmx?: boolean; csrf?: boolean } = {}) {
    const body = form instanceof FormData ? form : new URLSearchParams(form)
    if (init.csrf !== false && this.csrf) body.set('_csrf', this.csrf)
    return this.request(path, { method: 'POST', body, htmx: init.htmx })
  }

  /** A plain form post as a browser makes it: a 303 answer is followed to the page it names. */
  async submit(path: string, form: Record<string, string> | FormData) {
    const res = await this.post(path, form)
    const location = res.headers.get('Location')
    return res.status === 303 && location ? this.get(location) : res
  }

  async loadCsrf() {
    const res = await this.get('/account/password')
    const html = await res.text()
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
  }
}

/** Reads SSE messages (id, if any, and data) from a streaming response until `count` arrive or time runs out; pings are skipped. */
export async function sseFrames(res: Response, count: number, ms = 5000): Promise<{ id?: string; data: string }[]> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const out: { id?: string; data: string }[] = []
  let buffer = ''
  const deadline = Date.now() + ms
  while (out.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))])
    if (!chunk || chunk.done) break
    buffer += decoder.decode(chunk.value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1])
      if (data.length) out.push({ id: /^id: (.*)$/m.exec(block)?.[1], data: data.join('\n') })
    }
  }
  await reader.cancel()
  return out
}

export async function html(res: Response): Promise<string> {
  return res.text()
}

/** The date `days` from today in Vietnam time (yyyy-mm-dd). */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10)

/** Tomorrow's date in Vietnam time, for meetings that are still ahead. */
export const tomorrow = () => inDays(1)

/** This year in Vietnam (from 17:00 UTC on 31 December it is already the next). */
export const thisYear = () => Number(inDays(0).slice(0, 4))

/**
 * Freezes the database's clock (app.now, app.today) at an instant, or thaws it with null. A test
 * that needs a time of day pins it here, on a day computed from the real clock (inDays), so it
 * passes at any hour of any day; the JavaScript clock keeps running.
 */
export async function setClock(t: { runtime: Runtime }, at: string | Date | null): Promise<void> {
  await t.runtime.data.asSystem('test: freeze or thaw the database clock', (tx) =>
    at === null
      ? tx.query(`delete from app.settings where key = 'clock.now'`)
      : // written now: app.now() honours a frozen clock for an hour after it is set
        tx.query(`insert into app.settings (key, value) values ('clock.now', $1) on conflict (key) do update set value = excluded.value, created_at = now()`, [
          at instanceof Date ? at.toISOString() : at,
        ]),
  )
}

/** The member record behind a login (test fixtures only). */
export async function memberIdOf(t: TestApp, login: string): Promise<string> {
  return t.runtime.data.asSystem(
    'test: member of a login',
    async (tx) =>
      (
        await tx.query<{ id: string }>(
          `select a.member_id as id from public.accounts a join app.credentials c on c.user_id = a.user_id where c.login_phone = $1`,
          [login],
        )
      )[0].id,
  )
}

/** Schedules a meeting through the app, as `agent`, in the cell at `path` (tomorrow, 19:30 by default); returns its id. */
export async function scheduleMeeting(t: TestApp, agent: Agent, fields: Record<string, string> & { title: string }, path = 'ns.tp1.g1.c1'): Promise<string> {
  const res = await agent.post('/meetings', { org_id: await orgIdByPath(t, path), kind: 'regular', date: tomorrow(), time: '19:30', ...fields })
  const location = res.headers.get('Location')
  if (!location) throw new Error(`scheduling failed: ${res.status}`)
  return location.split('?')[0].split('/').pop()!
}

/** Claims for a demo login, to run SQL as that user through withUser (exactly as requests do). */
export async function claimsOf(t: TestApp, login: string) {
  const sub = await t.runtime.data.asSystem('test: resolve a login to its user id', async (tx) => {
    const [row] = await tx.query<{ user_id: string }>(`select user_id from app.credentials where login_phone = $1`, [login])
    return row.user_id
  })
  const now = Math.floor(Date.now() / 1000)
  return { sub, role: 'authenticated' as const, iat: now, exp: now + 600 }
}

/** Runs SQL as the person behind a login, under RLS, exactly as a request would. */
export async function asUser<T>(t: TestApp, login: string, fn: (tx: Tx) => Promise<T>) {
  return t.runtime.data.withUser(await claimsOf(t, login), fn)
}

/** The SQLSTATE a promise fails with ('' if it succeeds). */
export async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return ''
  } catch (error) {
    return String((error as { code?: string }).code ?? error)
  }
}

/** The id of an organization by its path, read on the system path (test fixtures only). */
export async function orgIdByPath(t: TestApp, path: string): Promise<string> {
  return t.runtime.data.asSystem('test: find an organization', async (tx) => {
    const [row] = await tx.query<{ id: string }>(`select id from public.organizations where path = $1::ltree`, [path])
    if (!row) throw new Error(`no organization at ${path}`)
    return row.id
  })
}

/** Signs in as an ordinary registered member of the cell at `path` other than the demo logins (given the demo password for the test). */
export async function signInMemberOf(t: TestApp, path: string): Promise<Agent & { login: string }> {
  const login = await t.runtime.data.asSystem('test: a registered member of a cell', async (tx) => {
    const [row] = await tx.query<{ login_phone: string }>(
      `select c.login_phone from app.credentials c join public.accounts a on a.user_id = c.user_id
         join public.members m on m.id = a.member_id join public.organizations o on o.id = m.org_id
        where o.path = $1::ltree and not exists (select 1 from public.org_roles r where r.member_id = m.id)
          and c.login_phone <> all ($2::text[])
        order by m.full_name limit 1`,
      [path, Object.values(LOGINS)],
    )
    await tx.query(`update app.credentials set password_hash = (select password_hash from app.credentials where login_phone = $2) where login_phone = $1`, [
      row.login_phone,
      LOGINS.member,
    ])
    return row.login_phone
  })
  return Object.assign(await t.signIn(login), { login })
}

/** Uploads a spreadsheet to an import page (/orgs/import, /members/import) and commits it when the check offers to: the dry run's page and the commit's. */
export async function importFile(agent: Agent, path: string, name: string, bytes: Uint8Array<ArrayBuffer> | string) {
  const text = async (res: Response) => (await res.text()).replaceAll('&quot;', '"').replaceAll('&#39;', "'")
  const form = new FormData()
  form.set('file', new File([bytes], name))
  const dry = await text(await agent.post(path, form))
  const commit = new RegExp(`action="(${path}/[0-9a-f-]{36}/commit)"`).exec(dry)?.[1]
  return { dry, done: commit ? await text(await agent.post(commit, {})) : null }
}

/** A new member of the cell at `path` with an account (the demo password, no change asked); optionally a role in an organization. */
export async function newPerson(t: TestApp, path: string, name: string, role?: { path: string; role: string; from?: string }) {
  return t.runtime.data.asSystem('test: a new member with an account', async (tx) => {
    const phone = `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
    const [m] = await tx.query<{ id: string }>(
      `insert into public.members (org_id, full_name, phone, status, birth_date)
       values ((select id from public.organizations where path = $1::ltree and valid_to is null and merged_into is null), $2, $3, 'official', '1980-05-01') returning id`,
      [path, name, phone],
    )
    const [u] = await tx.query<{ id: string }>(`insert into auth.users (phone) values (null) returning id`)
    await tx.query(`insert into public.accounts (user_id, member_id, display_name) values ($1, $2, $3)`, [u.id, m.id, name])
    await tx.query(
      `insert into app.credentials (user_id, login_phone, password_hash, must_change_password)
       values ($1, $2, (select password_hash from app.credentials where login_phone = $3), false)`,
      [u.id, phone, LOGINS.member],
    )
    if (role)
      await tx.query(
        `insert into public.org_roles (org_id, member_id, role, valid_from) values ((select id from public.organizations where path = $1::ltree), $2, $3, $4)`,
        [role.path, m.id, role.role, role.from ?? '2024-01-01'],
      )
    return { id: m.id, login: phone }
  })
}

/** A small seeded PRNG (mulberry32) for random walks: a failure prints its seed, and the walk replays exactly. */
export function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * What a committee offers an organization's subtree to read, study and be tested on, made as its
 * manager (`login`) makes it under RLS: a published item, a bank of one question with its key, an
 * exam open for `days` days, and a study campaign on both. Returns their ids.
 */
export async function studyMaterials(t: TestApp, login: string, orgId: string, days = 30) {
  return asUser(t, login, async (tx) => {
    const [doc] = await tx.query<{ id: string }>(
      `insert into public.documents (org_id, kind, category, title, body) values ($1, 'news', 'news', 'Tin để học tập', 'Nội dung') returning id`,
      [orgId],
    )
    await tx.query(`insert into public.document_audiences (document_id, org_id) values ($1, $2)`, [doc.id, orgId])
    await tx.query(`update public.documents set status = 'published' where id = $1`, [doc.id])
    const [bank] = await tx.query<{ id: string }>(`insert into public.question_banks (org_id, title) values ($1, 'Ngân hàng để học tập') returning id`, [orgId])
    const [question] = await tx.query<{ id: string }>(
      `insert into public.questions (bank_id, kind, body, fingerprint) values ($1, 'single', 'Câu hỏi', 'fp') returning id`,
      [bank.id],
    )
    const options = await tx.query<{ id: string }>(
      `insert into public.question_options (question_id, position, body) values ($1, 1, 'Đúng'), ($1, 2, 'Sai') returning id`,
      [question.id],
    )
    await tx.query(`insert into public.question_keys (question_id, correct_ids) values ($1, $2)`, [question.id, [options[0].id]])
    const [exam] = await tx.query<{ id: string }>(
      `insert into public.exams (bank_id, org_id, title, opens_at, closes_at, time_limit_minutes, pass_percent, attempts_allowed)
       values ($1, $2, 'Kiểm tra học tập', now() - interval '1 hour', now() + make_interval(days => $3), 10, 50, 20) returning id`,
      [bank.id, orgId, days],
    )
    const [campaign] = await tx.query<{ id: string }>(
      `insert into public.study_campaigns (org_id, title, document_id, exam_id, starts_on, due_on)
       values ($1, 'Học tập nghị quyết', $2, $3, app.today(), app.today() + $4::int) returning id`,
      [orgId, doc.id, exam.id, days],
    )
    return { document: doc.id, exam: exam.id, campaign: campaign.id }
  })
}
