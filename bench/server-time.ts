import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { ensureDatabase } from '../edge/kernel/db/admin.ts'
import { benchDatabase } from './database.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { listMembers } from '../edge/features/members/members.queries.ts'
import { percentile, report, round, timeInTurns, timeIt, type Result } from './lib.ts'
import { BUDGET } from './budgets.ts'
import { SESSION_SECONDS } from '../edge/kernel/auth/session.ts'

/**
 * Server time of the main pages on the Postgres server (100k members, or --members N), as a
 * single-role province staff member, a ward secretary and a cell secretary, and the RLS overhead
 * of the member list for each of them and for two two-role staff members: under RLS vs the same
 * query with an explicit subtree filter on the system path.
 */
const members = Number(process.env.BENCH_MEMBERS ?? 100_000)
const runs = Number(process.env.BENCH_RUNS ?? 200)
const password = 'bench-password-1'
const url = process.env.BENCH_DATABASE_URL ?? (await benchDatabase(members, password))

await ensureDatabase(url)
const runtime = await boot({ DATABASE_URL: url, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent', DEMO: 'on' })
const seeded = await seedDemo(runtime.data, { members, password })
const { total, staff } = await runtime.data.asSystem('bench: give the demo staff member the province scope', async (tx) => {
  const [{ total }] = await tx.query<{ total: number }>(`select count(*)::int as total from public.members`)
  const [staff] = await tx.query<{ user_id: string; member_id: string }>(
    `select a.user_id, a.member_id from app.credentials c join public.accounts a on a.user_id = c.user_id where c.login_phone = '0901000001'`,
  )
  await tx.query(
    `insert into public.org_roles (org_id, member_id, role)
     select o.id, $1, 'staff' from public.organizations o
      where o.path = 'ns' and not exists (select 1 from public.org_roles r where r.org_id = o.id and r.member_id = $1)`,
    [staff.member_id],
  )
  if (seeded) await tx.exec('analyze')
  return { total, staff }
})

if (!seeded) console.log(`(using the existing data in ${url.replace(/\/\/[^@]*@/, '//')}: ${total} members)`)

const app = createApp(runtime)
const now = Math.floor(Date.now() / 1000)
/** A session cookie for a user, with its session row (a request is signed in only while its row is live). */
const sessionCookie = async (userId: string) => {
  const sid = crypto.randomUUID()
  await runtime.data.asSystem('bench: a session for a benchmark user', (tx) =>
    tx.query(`insert into app.sessions (id, user_id) values ($1, $2)`, [sid, userId]),
  )
  // fresh, as sign-in issues it: a cookie in the second half of its life is renewed (a write) on every request
  return `sotay_session=${await runtime.signer.sign({ sub: userId, role: 'authenticated', iat: now, exp: now + SESSION_SECONDS, sid, name: 'bench' })}`
}
/** The user behind a demo login. */
const userOf = (phone: string) =>
  runtime.data.asSystem(
    'bench: resolve a demo login',
    async (tx) => (await tx.query<{ user_id: string }>(`select user_id from app.credentials where login_phone = $1`, [phone]))[0].user_id,
  )
/**
 * A staff member who holds exactly the given roles (the first of the province office's members who
 * holds no others), made once and reused.
 */
const staffOf = (paths: string[]) =>
  runtime.data.asSystem('bench: a staff member with chosen roles', async (tx) => {
    const [m] = await tx.query<{ user_id: string; member_id: string }>(
      `select a.user_id, a.member_id from public.accounts a join public.members m on m.id = a.member_id
        where m.org_path = 'ns.tp1.vp'
          and not exists (select 1 from public.org_roles r join public.organizations o on o.id = r.org_id
                           where r.member_id = m.id and o.path::text <> all ($1::text[]))
        order by m.card_number limit 1`,
      [paths],
    )
    await tx.query(
      `insert into public.org_roles (org_id, member_id, role)
       select o.id, $1, 'staff' from public.organizations o
        where o.path::text = any ($2::text[]) and not exists (select 1 from public.org_roles r where r.org_id = o.id and r.member_id = $1)`,
      [m.member_id, paths],
    )
    return m.user_id
  })
// The demo staff member holds two roles, one inside the other (the city and, for the bench, the
// province); the "single-role province staff" and a staff member of two communes side by
// side (whose scope is two roots: the policies test each row's path) are made here.
const provinceStaff = await staffOf(['ns'])
const twoCommunesStaff = await staffOf(['ns.tp2', 'ns.tp3'])
/** The users the figures are taken as, widest first. */
const viewers = [
  { who: 'province', label: 'single-role province staff', userId: provinceStaff },
  { who: 'province2', label: 'province and city staff (two roles, one inside the other)', userId: staff.user_id },
  { who: 'communes2', label: 'staff of two communes (two roles side by side)', userId: twoCommunesStaff },
  { who: 'ward', label: 'ward secretary', userId: await userOf('0901000002') },
  { who: 'cell', label: 'cell secretary', userId: await userOf('0901000003') },
]

// Two years of monthly meetings for every cell (about 240,000 at 100k members), once.
await runtime.data.asSystem('bench: two years of meetings for every cell', async (tx) => {
  const [{ n }] = await tx.query<{ n: number }>(`select count(*)::int as n from (select 1 from public.meetings limit 1000) x`)
  if (n >= 1000) return
  await tx.query(`set local session_replication_role = replica`)
  await tx.query(
    `insert into public.meetings (org_id, org_key, kind, title, starts_at)
     select o.id, o.path::text, 'regular', 'Sinh hoạt tháng ' || g, date_trunc('month', now()) - (g || ' months')::interval + interval '5 days 12 hours'
       from public.organizations o, generate_series(-1, 23) g where o.kind in ('cell', 'grassroots_cell')`,
  )
  await tx.query(`analyze public.meetings`)
})

const pages: [string, string][] = [
  ['member-list', '/members'],
  ['member-search', '/members?q=nguyen%20van'],
  ['org-tree', '/orgs'],
  ['home', '/'],
  ['registration-report', '/reports/registration'],
  ['meeting-list', '/meetings'],
  ['meeting-list-page-50', '/meetings?page=50'],
  ['calendar-month', '/calendar'],
  ['tasks', '/tasks?view=org'],
]
/** Budgets by scope and size (DESIGN.md): a province's pages within 50 ms at 100k members and 100 ms at a million; a ward's and a cell's within 20 ms at any size; reports within 150 ms. */
const budgetOf = (page: string, who: string) =>
  page === 'registration-report'
    ? BUDGET.reportP95Ms
    : who.startsWith('province')
      ? members >= 1_000_000
        ? BUDGET.widePageP95Ms
        : BUDGET.pageP95Ms
      : BUDGET.narrowPageP95Ms
const results: Result[] = []

/** p95 (and p50) server time of one page for one signed-in user, against its budget. */
async function pageTime(name: string, path: string, cookie: string, who: string, label: string): Promise<Result> {
  const times = await timeIt(runs, async () => {
    const res = await app.request(`http://localhost${path}`, { headers: { Cookie: cookie } })
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
    await res.arrayBuffer()
  })
  const p95 = round(percentile(times, 95))
  const budget = budgetOf(name, who)
  return { name: `${name}-${who}-p95`, value: p95, unit: 'ms', budget, ok: p95 <= budget, note: `p50 ${round(percentile(times, 50))} ms, ${label}` }
}
/** The member list narrowed to one branch of the user's scope: the first child of his/her first root (a cell: itself). */
const branchOf = (userId: string) =>
  runtime.data.withUser({ sub: userId, role: 'authenticated', iat: now, exp: now + 3600 }, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `select o.id from public.organizations o where o.id = any ((select app.scope_head_ids(true))::uuid[]) order by nlevel(o.path) desc, o.path limit 1`,
    )
    return `/members?org=${row.id}`
  })
for (const v of viewers) {
  if (v.who.endsWith('2')) continue // multi-role users: their RLS overhead is measured below
  const cookie = await sessionCookie(v.userId)
  for (const [name, path] of [...pages, ['member-list-branch', await branchOf(v.userId)]])
    results.push(await pageTime(name, path, cookie, v.who, `${v.label}, ${total} members`))
}

// The floor, as DESIGN.md defines it: the same query with an explicit subtree filter and no RLS,
// for each kind of user, over the whole of his/her scope.
for (const v of viewers) {
  const claims = { sub: v.userId, role: 'authenticated' as const, iat: now, exp: now + 3600 }
  const [root] = await runtime.data.withUser(claims, (tx) =>
    tx.query<{ id: string }>(`select o.id from public.organizations o where o.id = any ((select app.scope_head_ids())::uuid[]) order by o.path limit 1`),
  )
  const filter = { status: 'current' as const, page: 1, org: root.id }
  const [asUser, asSystem] = await timeInTurns(
    runs,
    () => runtime.data.withUser(claims, (tx) => listMembers(tx, filter)),
    () => runtime.data.asSystem('bench: the same query without RLS', (tx) => listMembers(tx, filter)),
  )
  const ratio = round(percentile(asUser, 50) / percentile(asSystem, 50), 2)
  results.push({
    name: `member-list-rls-overhead-${v.who}`,
    value: ratio,
    unit: '×',
    budget: BUDGET.rlsOverhead,
    ok: ratio <= BUDGET.rlsOverhead,
    note: `${v.label}: p50 ${round(percentile(asUser, 50), 2)} ms under RLS vs ${round(percentile(asSystem, 50), 2)} ms as system`,
  })
}
await report(results)
await runtime.close()
