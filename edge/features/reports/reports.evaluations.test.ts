import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tx } from '../../kernel/db/types.ts'
import { claimsOf, inDays, LOGINS, orgIdByPath, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'

/*
 * The evaluation distribution in /reports: members and organizations of a period per band, per
 * child of the chosen organization, as the database holds them and as far as the user may see.
 */

let t: TestApp
let periodId: string
let ward: string
let cell: string
let outsiderLogin: string

const system = <T>(fn: (tx: Tx) => Promise<T>) => t.runtime.data.asSystem('test: evaluation distribution fixture', fn)
const BANDS = ['excellent', 'good', 'complete', 'not_complete', 'pending']

beforeAll(async () => {
  t = await testApp({ members: 300 })
  ward = await orgIdByPath(t, 'ns.tp1.g1')
  cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
  periodId = await t.runtime.data.withUser(await claimsOf(t, LOGINS.grassroots), async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due)
       values ($1, 2026, 'Đánh giá, xếp loại năm 2026', $2, $3, $4) returning id`,
      [ward, inDays(10), inDays(20), inDays(30)],
    )
    return row.id
  })
  await system(async (tx) => {
    // members' decisions (the steps are the evaluations feature's, tested there): the first cell by name
    // excellent, good, good, then complete; the second cell's stay undecided
    await tx.query(`set local session_replication_role = replica`)
    await tx.query(
      `update public.evaluations e set step = 'decided',
              decision_band = (array['excellent', 'good', 'good', 'complete'])[least(r.n, 4)]
         from (select e2.id, row_number() over (order by e2.member_id) as n
                 from public.evaluations e2 where e2.period_id = $1 and e2.org_id = $2) r
        where e.id = r.id`,
      [periodId, cell],
    )
    await tx.query(`set local session_replication_role = origin`)
    // made with triggers off: the counts kept per organization are counted again
    await tx.query(`select app.rebuild_evaluation_band_counts($1)`, [periodId])
    // the first cell ranked good through its steps (the system path may make them)
    await tx.query(`insert into public.org_evaluations (period_id, org_id, self_band, self_report) values ($1, $2, 'good', 'Báo cáo')`, [periodId, cell])
    await tx.query(`update public.org_evaluations set step = 'committee_decision' where period_id = $1 and org_id = $2`, [periodId, cell])
    await tx.query(`update public.org_evaluations set step = 'decided', decision_band = 'good' where period_id = $1 and org_id = $2`, [periodId, cell])
  })
  outsiderLogin = (await signInMemberOf(t, 'ns.tp1.g2.c1')).login
  await system((tx) =>
    tx.query(
      `insert into public.org_roles (org_id, member_id, role)
       select o.id, a.member_id, 'secretary' from public.organizations o, public.accounts a join app.credentials c on c.user_id = a.user_id
        where o.path = 'ns.tp1.g2' and c.login_phone = $1`,
      [outsiderLogin],
    ),
  )
})
afterAll(() => t?.close())

/** Members of the period per band under a subtree, read as the system with ltree (the report must agree). */
async function members(path: string) {
  const rows = await system((tx) =>
    tx.query<{ band: string; n: number }>(
      `select coalesce(case when e.step = 'decided' then e.decision_band end, 'pending') as band, count(*)::int as n
         from public.evaluations e join public.organizations o on o.id = e.org_id
        where e.period_id = $1 and o.path <@ $2::ltree group by 1`,
      [periodId, path],
    ),
  )
  const counts = Object.fromEntries(rows.map((r) => [r.band, r.n])) as Record<string, number>
  return BANDS.map((b) => counts[b] ?? 0)
}

/** The numbers of one row of one of the page's tables. */
function rowOf(html: string, of: 'members' | 'orgs', marker: string): number[] {
  const table = new RegExp(`<table class="report" data-of="${of}">(.*?)</table>`, 's').exec(html)?.[1] ?? ''
  const row = new RegExp(`<tr ${marker}>(.*?)</tr>`, 's').exec(table)?.[1] ?? ''
  return [...row.matchAll(/<td class="num"[^>]*>([\d.]+)<\/td>/g)].map((m) => Number(m[1].replace(/\./g, '')))
}

describe('evaluation distribution', () => {
  it('counts members and organizations per band for each child of the period’s committee, and in total', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const html = await (await staff.get('/reports/evaluations')).text()
    expect(html).toContain('Đánh giá, xếp loại năm 2026')
    const c1 = await members('ns.tp1.g1.c1')
    expect(c1.slice(0, 4)).toEqual([1, 2, c1[2], 0])
    expect(rowOf(html, 'members', `data-org="${cell}"`)).toEqual(c1)
    expect(rowOf(html, 'members', `data-org="${await orgIdByPath(t, 'ns.tp1.g1.c2')}"`)).toEqual(await members('ns.tp1.g1.c2'))
    expect(rowOf(html, 'members', 'data-total=""')).toEqual(await members('ns.tp1.g1'))
    // organizations: the first cell decided good; the other cell and the ward itself not yet
    expect(rowOf(html, 'orgs', `data-org="${cell}"`)).toEqual([0, 1, 0, 0, 0])
    expect(rowOf(html, 'orgs', 'data-total=""')).toEqual([0, 1, 0, 0, 2])
    expect(html).toContain(`Toàn Đảng bộ phường Minh Khai <small>(${(await members('ns.tp1.g1')).reduce((s, n) => s + n, 0)})</small>`)
  })

  it('drills down inside the user’s scope only: a ward secretary opens a cell, not the city', async () => {
    const secretary = await t.signIn(LOGINS.grassroots)
    const inside = await secretary.get(`/reports/evaluations?period=${periodId}&org=${cell}`)
    expect(inside.status).toBe(200)
    expect(rowOf(await inside.text(), 'members', 'data-total=""')).toEqual(await members('ns.tp1.g1.c1'))
    expect((await secretary.get(`/reports/evaluations?period=${periodId}&org=${await orgIdByPath(t, 'ns.tp1')}`)).status).toBe(404)
    expect((await secretary.get(`/reports/evaluations?period=${crypto.randomUUID()}`)).status).toBe(404)
    expect((await secretary.get('/reports/evaluations?period=bad')).status).toBe(404)
  })

  it('outside the subtree there is nothing to count: another ward’s secretary gets no period, an ordinary member an empty state', async () => {
    const outsider = await t.signIn(outsiderLogin)
    expect((await outsider.get(`/reports/evaluations?period=${periodId}`)).status).toBe(404)
    expect((await outsider.get(`/reports/evaluations?period=${periodId}&org=${ward}`)).status).toBe(404)
    expect(await (await outsider.get('/reports/evaluations')).text()).toContain('Không có số liệu xếp loại trong phạm vi của bạn.')
    const member = await t.signIn(LOGINS.member)
    expect(await (await member.get('/reports/evaluations')).text()).toContain('Không có số liệu xếp loại trong phạm vi của bạn.')
  })
})
