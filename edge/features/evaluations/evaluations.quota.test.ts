import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tx } from '../../kernel/db/types.ts'
import { claimsOf, inDays, LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/*
 * The "excellent" quota per grassroots organization (at most 20% of those ranked good or better),
 * at its edge and one over, and the reminders planner (each reminder once).
 */

let t: TestApp
let periodId: string
let rows: { id: string; full_name: string }[]

const as = async <T>(login: string, fn: (tx: Tx) => Promise<T>) => t.runtime.data.withUser(await claimsOf(t, login), fn)
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.runtime.data.asSystem('test: evaluations fixture', fn)

/** Moves an evaluation to the committee's step on the system path, with the cell's points and band. */
async function proposed(tx: Tx, id: string, points: number, band: string) {
  const criteria = await tx.query<{ id: string; max_points: string }>(`select c.id, c.max_points from public.evaluation_criteria c where c.period_id = $1`, [
    periodId,
  ])
  const scores = Object.fromEntries(criteria.map((c) => [c.id, Number(c.max_points)]))
  await tx.query(`update public.evaluations set step = 'cell_proposal', self_scores = $2::jsonb, self_all_tasks_done = true where id = $1`, [
    id,
    JSON.stringify(scores),
  ])
  await tx.query(
    `update public.evaluations set step = 'committee_decision', proposal_points = $2, all_tasks_done = true, proposal_band = $3, votes_for = 5, votes_against = 0 where id = $1`,
    [id, points, band],
  )
}

beforeAll(async () => {
  t = await testApp({ members: 300 })
  const city = await orgIdByPath(t, 'ns.tp1')
  periodId = await as(LOGINS.staff, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due)
       values ($1, 2026, 'Đánh giá năm 2026 toàn thành phố', $2, $3, $4) returning id`,
      [city, inDays(10), inDays(20), inDays(30)],
    )
    return row.id
  })
  // the grassroots organization with the most members: six of them take part
  rows = await system(async (tx) => {
    const [largest] = await tx.query<{ grassroots_id: string }>(
      `select grassroots_id from public.evaluations where period_id = $1 group by 1 having count(*) >= 6 order by count(*) desc limit 1`,
      [periodId],
    )
    return tx.query<{ id: string; full_name: string }>(
      `select e.id, m.full_name from public.evaluations e join public.members m on m.id = e.member_id
        where e.period_id = $1 and e.grassroots_id = $2 order by m.full_name limit 6`,
      [periodId, largest.grassroots_id],
    )
  })
  // five ranked good or better (two of them with the points for excellent), one only "complete"
  await system(async (tx) => {
    await proposed(tx, rows[0].id, 95, 'good')
    await proposed(tx, rows[1].id, 95, 'good')
    await proposed(tx, rows[2].id, 85, 'good')
    await proposed(tx, rows[3].id, 80, 'good')
    await proposed(tx, rows[4].id, 75, 'good')
    await proposed(tx, rows[5].id, 60, 'complete')
  })
})
afterAll(() => t?.close())

describe('the excellent quota', () => {
  it('exactly 20%: one excellent among five good or better is allowed', async () => {
    const [quota] = await as(LOGINS.staff, (tx) =>
      tx.query<{ over: number; allowed: number; good_or_better: number }>(`select * from app.evaluation_quota($1, 'excellent')`, [rows[0].id]),
    )
    expect(quota).toMatchObject({ over: 0, allowed: 1, good_or_better: 5 })
    await as(LOGINS.staff, (tx) => tx.query(`update public.evaluations set step = 'decided', decision_band = 'excellent' where id = $1`, [rows[0].id]))
  })

  it('one over: the check says how many are over and who; the decision is refused', async () => {
    const [quota] = await as(LOGINS.staff, (tx) =>
      tx.query<{ over: number; excellent: number; names: string[] }>(`select * from app.evaluation_quota($1, 'excellent')`, [rows[1].id]),
    )
    expect(quota.over).toBe(1)
    expect(quota.excellent).toBe(2)
    expect([...quota.names].sort()).toEqual([rows[0].full_name, rows[1].full_name].sort())
    const refused = await as(LOGINS.staff, (tx) =>
      tx.query(`update public.evaluations set step = 'decided', decision_band = 'excellent' where id = $1`, [rows[1].id]),
    ).then(
      () => 'ok',
      (error) => (error as { code?: string }).code,
    )
    expect(refused).toBe('23514')
  })

  it('the decision page says how many are over and who, and keeps the choice', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const res = await staff.post(`/evaluations/${rows[1].id}/decision`, { decision_band: 'excellent', decision_note: 'Đề nghị xuất sắc' })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Vượt tỉ lệ xuất sắc của tổ chức cơ sở: tối đa 1 người (20% của 5 người hoàn thành tốt trở lên), thừa 1 người.')
    for (const row of rows.slice(0, 2)) expect(html).toContain(row.full_name)
    expect(html).toContain('Đề nghị xuất sắc')
  })

  it('nobody learns the quota of an evaluation outside his/her scope', async () => {
    const found = await as(LOGINS.member, (tx) => tx.query(`select * from app.evaluation_quota($1, 'excellent')`, [rows[0].id]))
    expect(found).toEqual([])
  })

  it('a "good" decision always passes; the excellent already decided still count', async () => {
    await as(LOGINS.staff, (tx) => tx.query(`update public.evaluations set step = 'decided', decision_band = 'good' where id = $1`, [rows[1].id]))
    const [quota] = await as(LOGINS.staff, (tx) => tx.query<{ over: number }>(`select over from app.evaluation_quota($1, 'excellent')`, [rows[2].id]))
    expect(quota.over).toBe(1)
  })
})

describe('the rules hold in the database, whatever the page', () => {
  it('a return that would leave the excellent already decided over the quota is refused, with the reason; one that keeps it is not', async () => {
    // five good or better, one decided excellent: sending one of the good back leaves four, and 20% of four is none
    const returned = (id: string) =>
      as(LOGINS.staff, (tx) => tx.query(`update public.evaluations set step = 'cell_proposal', return_reason = 'Họp lại' where id = $1`, [id])).then(
        () => 'ok',
        (error) => (error as { code?: string }).code,
      )
    expect(await returned(rows[2].id)).toBe('23514')
    const staff = await t.signIn(LOGINS.staff)
    const page = await staff.post(`/evaluations/${rows[2].id}/return`, { from: 'committee_decision', return_reason: 'Họp lại' })
    expect(page.status).toBe(400)
    expect(await page.text()).toContain('sẽ làm số “hoàn thành xuất sắc” của tổ chức cơ sở vượt tỉ lệ cho phép')
    expect((await system((tx) => tx.query<{ step: string }>(`select step from public.evaluations where id = $1`, [rows[2].id])))[0].step).toBe(
      'committee_decision',
    )
    // the one ranked "complete" is not in the base: sending it back changes nothing of the share
    expect(await returned(rows[5].id)).toBe('ok')
  })

  it('the disqualifying conditions are locked once a member has assessed himself/herself, in the database too', async () => {
    const changed = await as(LOGINS.staff, (tx) =>
      tx.query(`update public.evaluation_conditions set label = 'Sửa sau khi đã tự đánh giá' where period_id = $1`, [periodId]),
    ).then(
      () => 'ok',
      (error) => (error as { code?: string }).code,
    )
    expect(changed).toBe('42501')
  })
})

describe('reminders', () => {
  const planAt = (day: string) =>
    system(async (tx) => (await tx.query<{ n: number }>(`select app.plan_reminders_evaluations($1::timestamptz) as n`, [`${day}T09:00:00+07:00`]))[0].n)
  const shift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

  it('3 days and 1 day before the self-assessment deadline, each member who has not assessed hears once', async () => {
    const selfDue = inDays(10)
    const waiting = await system(
      async (tx) =>
        (await tx.query<{ n: number }>(`select count(*)::int as n from public.evaluations where period_id = $1 and step = 'self_assessment'`, [periodId]))[0].n,
    )
    expect(await planAt(shift(selfDue, -4))).toBe(0)
    expect(await planAt(shift(selfDue, -3))).toBe(waiting)
    expect(await planAt(shift(selfDue, -3))).toBe(0)
    expect(await planAt(shift(selfDue, -2))).toBe(0)
    expect(await planAt(shift(selfDue, -1))).toBe(waiting)
    expect(await planAt(shift(selfDue, -1))).toBe(0)
    expect(await planAt(shift(selfDue, 1))).toBe(0)
  })

  it('before the cell proposal deadline the cells still waiting hear once (their role holders)', async () => {
    const due = inDays(20)
    const first = await planAt(shift(due, -3))
    expect(first).toBeGreaterThan(0)
    expect(await planAt(shift(due, -3))).toBe(0)
    const [notice] = await system((tx) =>
      tx.query<{ title: string; url: string }>(
        `select title, url from public.notifications where kind = 'evaluation.reminder' and title like '%chi bộ đề xuất%' limit 1`,
      ),
    )
    expect(notice.url).toBe(`/evaluations?period=${periodId}`)
  })

  it('users cannot call the planner', async () => {
    const code = await as(LOGINS.staff, (tx) => tx.query(`select app.plan_reminders_evaluations(now())`)).then(
      () => 'ok',
      (error) => (error as { code?: string }).code,
    )
    expect(code).toBe('42501')
  })
})

describe('one evaluation per member, kind and year', () => {
  it('a closed period of the same kind and year keeps its members from being evaluated again by a second one', async () => {
    await system((tx) => tx.query(`update public.evaluation_periods set status = 'closed' where id = $1`, [periodId]))
    const city = await orgIdByPath(t, 'ns.tp1')
    const [{ count }] = await as(LOGINS.staff, async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due)
         values ($1, 2026, 'Đánh giá lại năm 2026', $2, $3, $4) returning id`,
        [city, inDays(10), inDays(20), inDays(30)],
      )
      return tx.query<{ count: number }>(`select member_count as count from public.evaluation_periods where id = $1`, [row.id])
    })
    expect(count).toBe(0)
  })
})
