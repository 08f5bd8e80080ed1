import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { ensureDatabase } from '../edge/kernel/db/admin.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { list } from '../edge/features/evaluations/evaluations.queries.ts'
import { SESSION_SECONDS } from '../edge/kernel/auth/session.ts'
import type { Tx } from '../edge/kernel/db/types.ts'
import { today } from '../edge/kernel/http/validation.ts'
import { benchDatabase } from './database.ts'
import { percentile, report, round, timeInTurns, timeIt, type Result, singleRoleProvinceStaff } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * Annual evaluation at a province's size (100k members, or --members N) on the Postgres server:
 * - opening a period for the whole province (one evaluation and one notice per member, in the
 *   opening's transaction), as the province's staff, against the bulk budget;
 * - the evaluation list of the province's whole subtree (/evaluations?period=…), p95 server time,
 *   and its query under RLS against the same statements with an explicit key range as the system;
 * - the distribution in /reports and the province's ranking page, p95.
 * Each run removes the previous run's period first, so every run opens the same number of members.
 */
const members = Number(process.env.BENCH_MEMBERS ?? 100_000)
const runs = Number(process.env.BENCH_RUNS ?? 200)
const password = 'bench-password-1'
const url = process.env.BENCH_DATABASE_URL ?? (await benchDatabase(members, password))
const TITLE = 'Bench: đánh giá, xếp loại cả tỉnh'

await ensureDatabase(url)
const runtime = await boot({ DATABASE_URL: url, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent', DEMO: 'on' })
const seeded = await seedDemo(runtime.data, { members, password })
const system = <T>(why: string, fn: (tx: Tx) => Promise<T>) => runtime.data.asSystem(`bench: ${why}`, fn)
if (seeded) await system('statistics after the seed', (tx) => tx.exec('analyze'))

/** A staff member of the province office who holds exactly the province's role (as in bench/server-time.ts). */
const provinceStaff = await system('a single-role province staff member', singleRoleProvinceStaff)
const now = Math.floor(Date.now() / 1000)
const claims = { sub: provinceStaff, role: 'authenticated' as const, iat: now, exp: now + 3600 }

// The previous run's period, its rows and its notices go, so that this run opens as many members.
await system('remove the previous run’s period', async (tx) => {
  const old = await tx.query<{ id: string }>(`select id from public.evaluation_periods where title = $1`, [TITLE])
  if (!old.length) return
  const ids = old.map((p) => p.id)
  await tx.query(`set local session_replication_role = replica`)
  await tx.query(
    `delete from public.notifications n using public.evaluations e
      where e.period_id = any ($1::uuid[]) and n.member_id = e.member_id and n.url = '/evaluations/' || e.id`,
    [ids],
  )
  for (const table of ['public.org_evaluations', 'public.evaluation_history'])
    await tx.query(
      `delete from ${table} t where ${table.endsWith('history') ? 't.evaluation_id in (select id from public.evaluations where period_id = any ($1::uuid[]))' : 't.period_id = any ($1::uuid[])'}`,
      [ids],
    )
  for (const table of ['public.evaluations', 'public.evaluation_criteria', 'public.evaluation_conditions', 'public.evaluation_band_counts'])
    await tx.query(`delete from ${table} where period_id = any ($1::uuid[])`, [ids])
  await tx.query(`delete from public.evaluation_periods where id = any ($1::uuid[])`, [ids])
})
// (no VACUUM: it cannot run in a transaction, and autovacuum reclaims the removed rows)
await system('statistics after the removal', (tx) => tx.exec('analyze public.evaluations; analyze public.notifications'))

const results: Result[] = []

// (b) opening: as the province's staff, through the same insert the page makes (the trigger does the rest)
const [province] = await system('the province', (tx) => tx.query<{ id: string }>(`select id from public.organizations where path = 'ns'`))
// Vietnam dates: on 31 December after 17:00 UTC the organization is already in the new year
const year = Number(today().slice(0, 4))
const due = (days: number) => today(Date.now() + days * 86_400_000)
const t0 = performance.now()
const periodId = await runtime.data.withUser(claims, async (tx) => {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due) values ($1, $2, $3, $4, $5, $6) returning id`,
    [province.id, year, TITLE, due(20), due(40), due(60)],
  )
  return row.id
})
const openSeconds = round((performance.now() - t0) / 1000, 2)
const [{ opened }] = await system('how many were opened', (tx) =>
  tx.query<{ opened: number }>(`select member_count as opened from public.evaluation_periods where id = $1`, [periodId]),
)
results.push({
  name: 'evaluation-open-period-province',
  value: openSeconds,
  unit: 's',
  budget: BUDGET.openPeriodSeconds,
  ok: openSeconds <= BUDGET.openPeriodSeconds,
  note: `${opened} evaluations and notices in one transaction, single-role province staff`,
})
await system('statistics after the opening', (tx) => tx.exec('analyze public.evaluations; analyze public.notifications'))

// (a) the list of the province's whole subtree, through the app
const app = createApp(runtime)
const sid = crypto.randomUUID()
await system('a session for the benchmark user', (tx) => tx.query(`insert into app.sessions (id, user_id) values ($1, $2)`, [sid, provinceStaff]))
const cookie = `sotay_session=${await runtime.signer.sign({ sub: provinceStaff, role: 'authenticated', iat: now, exp: now + SESSION_SECONDS, sid, name: 'bench' })}`

async function pageTime(name: string, path: string, budget: number): Promise<Result> {
  const times = await timeIt(runs, async () => {
    const res = await app.request(`http://localhost${path}`, { headers: { Cookie: cookie } })
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
    await res.arrayBuffer()
  })
  const p95 = round(percentile(times, 95))
  return {
    name,
    value: p95,
    unit: 'ms',
    budget,
    ok: p95 <= budget,
    note: `p50 ${round(percentile(times, 50))} ms, single-role province staff, ${opened} evaluations`,
  }
}
results.push(await pageTime('evaluation-list-province-p95', `/evaluations?period=${periodId}`, BUDGET.pageP95Ms))
results.push(await pageTime('evaluation-list-province-page-50-p95', `/evaluations?period=${periodId}&page=50`, BUDGET.pageP95Ms))
results.push(await pageTime('evaluation-distribution-province-p95', `/reports/evaluations?period=${periodId}&org=${province.id}`, BUDGET.reportP95Ms))
results.push(await pageTime('evaluation-org-ranking-province-p95', `/evaluations/ranking/${periodId}/${province.id}`, BUDGET.reportP95Ms))

// RLS overhead of the list: E1's query as the user, vs. the same two statements with the
// province's key range written out, as the system (the floor DESIGN.md defines)
const floor = async (tx: Tx) => {
  await tx.query(
    `select e.id, e.member_id, m.full_name, o.name as org_name, e.step, e.self_points::text, e.self_band, e.proposal_band, e.decision_band
       from public.evaluations e
       join public.organizations o on o.id = e.org_id
       left join public.members m on m.id = e.member_id
      where e.period_id = $1 and e.org_key >= $2 and e.org_key < $3
      order by e.org_key, m.full_name, e.id
      limit 51 offset 0`,
    [periodId, 'ns', 'ns/'],
  )
  await tx.query(
    `select e.step, sum(e.members)::int as n from public.evaluation_band_counts e where e.period_id = $1 and e.org_key >= $2 and e.org_key < $3 group by e.step`,
    [periodId, 'ns', 'ns/'],
  )
}
const [asUser, asSystem] = await timeInTurns(
  runs,
  () => runtime.data.withUser(claims, (tx) => list(tx, periodId, {}, 1)),
  () => runtime.data.asSystem('bench: the same list without RLS', floor),
)
const ratio = round(percentile(asUser, 50) / percentile(asSystem, 50), 2)
results.push({
  name: 'evaluation-list-rls-overhead-province',
  value: ratio,
  unit: '×',
  budget: BUDGET.rlsOverhead,
  ok: ratio <= BUDGET.rlsOverhead,
  note: `p50 ${round(percentile(asUser, 50), 2)} ms under RLS vs ${round(percentile(asSystem, 50), 2)} ms as system`,
})

await report(results)
await runtime.close()
