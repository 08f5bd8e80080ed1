import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tx } from '../../kernel/db/types.ts'
import { claimsOf, inDays, LOGINS, memberIdOf, orgIdByPath, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'

/*
 * The evaluation tables under row-level security, seen from inside the subtree (the member, the
 * cell's secretary, the ward's committee) and from outside it (a member and a secretary of
 * another ward): outside sees nothing and changes nothing; each step belongs to one side.
 */

let t: TestApp
let periodId: string
let outsiderLogin: string
let memberEvaluation: string

const as = async <T>(login: string, fn: (tx: Tx) => Promise<T>) => t.runtime.data.withUser(await claimsOf(t, login), fn)
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.runtime.data.asSystem('test: evaluations fixture', fn)
const count = async (login: string, table: string) => as(login, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n)
const codeOf = async (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (error) => (error as { code?: string }).code ?? String(error),
  )

/** Full marks on every criterion but the first, which gets `first`. */
async function scoresWith(tx: Tx, period: string, first: number) {
  const criteria = await tx.query<{ id: string; max_points: string }>(
    `select id, max_points from public.evaluation_criteria where period_id = $1 order by section, position`,
    [period],
  )
  return Object.fromEntries(criteria.map((c, i) => [c.id, i === 0 ? first : Number(c.max_points)]))
}

beforeAll(async () => {
  t = await testApp({ members: 300 })
  outsiderLogin = (await signInMemberOf(t, 'ns.tp1.g2.c1')).login
  const ward = await orgIdByPath(t, 'ns.tp1.g1')
  periodId = await as(LOGINS.grassroots, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due)
       values ($1, 2026, 'Đánh giá năm 2026', $2, $3, $4) returning id`,
      [ward, inDays(10), inDays(20), inDays(30)],
    )
    return row.id
  })
  const member = await memberIdOf(t, LOGINS.member)
  memberEvaluation = await system(async (tx) => (await tx.query<{ id: string }>(`select id from public.evaluations where member_id = $1`, [member]))[0].id)
})
afterAll(() => t?.close())

describe('opening a period', () => {
  it('a ward committee opens a period: one evaluation per active member of its subtree, each told', async () => {
    const [row] = await system((tx) =>
      tx.query<{ expected: number; opened: number; recorded: number; notices: number }>(
        `select (select count(*)::int from public.members m join public.organizations o on o.id = m.org_id
                  where o.path <@ 'ns.tp1.g1' and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())) as expected,
                (select count(*)::int from public.evaluations where period_id = $1) as opened,
                (select member_count from public.evaluation_periods where id = $1) as recorded,
                (select count(*)::int from public.notifications where kind = 'evaluation.opened') as notices`,
        [periodId],
      ),
    )
    expect(row.opened).toBeGreaterThan(0)
    expect(row.opened).toBe(row.expected)
    expect(row.recorded).toBe(row.expected)
    expect(row.notices).toBe(row.expected)
  })

  it('the default form adds up to 30 + 70 points', async () => {
    const [row] = await as(LOGINS.member, (tx) =>
      tx.query<{ general: string; tasks: string }>(
        `select sum(max_points) filter (where section = 'general') as general, sum(max_points) filter (where section = 'tasks') as tasks
           from public.evaluation_criteria where period_id = $1`,
        [periodId],
      ),
    )
    expect([Number(row.general), Number(row.tasks)]).toEqual([30, 70])
  })

  it('a cell secretary cannot open a period (a cell is not a committee); nor can anyone outside the subtree', async () => {
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const open = (login: string, org: string) =>
      as(login, (tx) =>
        tx.query(`insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due) values ($1, 2027, 'x', $2, $2, $2)`, [
          org,
          inDays(5),
        ]),
      )
    expect(await codeOf(open(LOGINS.cellSecretary, cell))).toBe('42501')
    expect(await codeOf(open(LOGINS.grassroots, await orgIdByPath(t, 'ns.tp1.g2')))).toBe('42501')
  })

  it('a form that does not add up to 30 + 70 is refused', async () => {
    const code = await codeOf(
      as(LOGINS.grassroots, (tx) =>
        tx.query(`update public.evaluation_criteria set max_points = max_points + 1 where period_id = $1 and section = 'general' and position = 1`, [periodId]),
      ),
    )
    expect(code).toBe('23514')
  })
})

describe('who sees what', () => {
  it('outside the subtree: no period, criterion, condition, evaluation or history is visible', async () => {
    for (const table of [
      'public.evaluation_periods',
      'public.evaluation_criteria',
      'public.evaluation_conditions',
      'public.evaluations',
      'public.evaluation_history',
    ]) {
      expect(await count(outsiderLogin, table), table).toBe(0)
    }
  })

  it('a member sees the period, its form, and only his/her own evaluation', async () => {
    expect(await count(LOGINS.member, 'public.evaluation_periods')).toBe(1)
    expect(await count(LOGINS.member, 'public.evaluation_criteria')).toBe(7)
    expect(await count(LOGINS.member, 'public.evaluations')).toBe(1)
  })

  it('a cell secretary sees the evaluations of the cell, the ward committee those of the ward', async () => {
    const [cell, ward] = await system(async (tx) => [
      (
        await tx.query<{ n: number }>(
          `select count(*)::int as n from public.evaluations e join public.organizations o on o.id = e.org_id where o.path = 'ns.tp1.g1.c1'`,
        )
      )[0].n,
      (await tx.query<{ n: number }>(`select count(*)::int as n from public.evaluations where period_id = $1`, [periodId]))[0].n,
    ])
    expect(await count(LOGINS.cellSecretary, 'public.evaluations')).toBe(cell)
    expect(await count(LOGINS.grassroots, 'public.evaluations')).toBe(ward)
  })

  it('nobody reads or writes which reminders were sent', async () => {
    expect(await codeOf(as(LOGINS.grassroots, (tx) => tx.query(`select * from app.evaluation_reminders_sent`)))).not.toBe('ok')
  })

  it('outside the subtree nothing changes: updates reach no row, the periods and forms stay', async () => {
    const changed = await as(outsiderLogin, async (tx) => [
      (await tx.query(`update public.evaluations set step = 'cell_proposal', self_scores = '{}' returning id`)).length,
      (await tx.query(`update public.evaluation_periods set title = 'hack' returning id`)).length,
      (await tx.query(`delete from public.evaluation_criteria returning id`)).length,
      (await tx.query(`delete from public.evaluation_conditions returning id`)).length,
    ])
    expect(changed).toEqual([0, 0, 0, 0])
    const secretaryOutside = await as(
      LOGINS.cellSecretary,
      async (tx) => (await tx.query(`update public.evaluation_periods set title = 'hack' returning id`)).length,
    )
    expect(secretaryOutside).toBe(0)
  })
})

describe('the steps', () => {
  it('a member cannot touch another member’s self-assessment (the row is not even visible)', async () => {
    const other = await system(
      async (tx) =>
        (await tx.query<{ id: string }>(`select id from public.evaluations where period_id = $1 and id <> $2 limit 1`, [periodId, memberEvaluation]))[0].id,
    )
    const touched = await as(
      LOGINS.member,
      async (tx) => (await tx.query(`update public.evaluations set self_note = 'x' where id = $1 returning id`, [other])).length,
    )
    expect(touched).toBe(0)
  })

  it('the cell cannot propose before the member has assessed, nor the ward decide', async () => {
    const propose = `update public.evaluations set step = 'committee_decision', proposal_points = 80, votes_for = 5, votes_against = 0 where id = $1`
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(propose, [memberEvaluation])))).toBe('42501')
    expect(
      await codeOf(
        as(LOGINS.grassroots, (tx) => tx.query(`update public.evaluations set step = 'decided', decision_band = 'good' where id = $1`, [memberEvaluation])),
      ),
    ).toBe('42501')
  })

  it('the secretary cannot assess for the member; the member assesses himself/herself with every criterion scored', async () => {
    const scores = await system((tx) => scoresWith(tx, periodId, 5))
    const submit = (s: object) =>
      `update public.evaluations set step = 'cell_proposal', self_scores = '${JSON.stringify(s)}', self_all_tasks_done = true where id = $1`
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(submit(scores), [memberEvaluation])))).toBe('42501')
    const partial = Object.fromEntries(Object.entries(scores).slice(1))
    expect(await codeOf(as(LOGINS.member, (tx) => tx.query(submit(partial), [memberEvaluation])))).toBe('23514')
    const tooMany = { ...scores, [Object.keys(scores)[0]]: 99 }
    expect(await codeOf(as(LOGINS.member, (tx) => tx.query(submit(tooMany), [memberEvaluation])))).toBe('23514')
    expect(await codeOf(as(LOGINS.member, (tx) => tx.query(submit(scores), [memberEvaluation])))).toBe('ok')
    const [row] = await system((tx) =>
      tx.query<{ self_points: string; self_band: string }>(`select self_points, self_band from public.evaluations where id = $1`, [memberEvaluation]),
    )
    expect(Number(row.self_points)).toBe(97)
    expect(row.self_band).toBe('excellent')
    // the step is closed to the member now
    expect(await codeOf(as(LOGINS.member, (tx) => tx.query(submit(scores), [memberEvaluation])))).toBe('42501')
  })

  it('the member cannot record the cell’s proposal, the ward cannot decide before it', async () => {
    const propose = `update public.evaluations set step = 'committee_decision', proposal_points = 80, votes_for = 5, votes_against = 0 where id = $1`
    expect(await codeOf(as(LOGINS.member, (tx) => tx.query(propose, [memberEvaluation])))).toBe('42501')
    expect(
      await codeOf(
        as(LOGINS.grassroots, (tx) => tx.query(`update public.evaluations set step = 'decided', decision_band = 'good' where id = $1`, [memberEvaluation])),
      ),
    ).toBe('42501')
  })

  it('a return needs a reason; the returned member assesses again', async () => {
    const back = (reason: string) => `update public.evaluations set step = 'self_assessment', return_reason = '${reason}' where id = $1`
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(back(' '), [memberEvaluation])))).toBe('23514')
    expect(await codeOf(as(LOGINS.member, (tx) => tx.query(back('tự trả'), [memberEvaluation])))).toBe('42501')
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(back('Bổ sung kết quả nhiệm vụ'), [memberEvaluation])))).toBe('ok')
    const scores = await system((tx) => scoresWith(tx, periodId, 8))
    expect(
      await codeOf(
        as(LOGINS.member, (tx) =>
          tx.query(
            `update public.evaluations set step = 'cell_proposal', self_scores = $2::jsonb, self_all_tasks_done = true, self_band = 'good' where id = $1`,
            [memberEvaluation, JSON.stringify(scores)],
          ),
        ),
      ),
    ).toBe('ok')
  })

  it('the cell proposes with its vote (not above what the points give); the cell secretary cannot decide, the ward does', async () => {
    const propose = (band: string) =>
      `update public.evaluations set step = 'committee_decision', proposal_points = 80, all_tasks_done = true, votes_for = 6, votes_against = 1, proposal_band = '${band}' where id = $1`
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(propose('excellent'), [memberEvaluation])))).toBe('23514')
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(propose('good'), [memberEvaluation])))).toBe('ok')
    // the committee returns it to the cell (the cell cannot return its own proposal), whose secretary hears and proposes again
    const back = `update public.evaluations set step = 'cell_proposal', return_reason = 'Xem lại số phiếu' where id = $1`
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(back, [memberEvaluation])))).toBe('42501')
    expect(await codeOf(as(LOGINS.grassroots, (tx) => tx.query(back, [memberEvaluation])))).toBe('ok')
    const secretaryId = await memberIdOf(t, LOGINS.cellSecretary)
    const [notice] = await system((tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.notifications where member_id = $1 and kind = 'evaluation.returned'`, [secretaryId]),
    )
    expect(notice.n).toBe(1)
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(propose('good'), [memberEvaluation])))).toBe('ok')
    const decide = `update public.evaluations set step = 'decided', decision_band = 'good' where id = $1`
    expect(await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(decide, [memberEvaluation])))).toBe('42501')
    expect(await codeOf(as(LOGINS.member, (tx) => tx.query(decide, [memberEvaluation])))).toBe('42501')
    expect(await codeOf(as(LOGINS.grassroots, (tx) => tx.query(decide, [memberEvaluation])))).toBe('ok')
  })

  it('every move is in the history, readable by the member and the managers, not outside', async () => {
    const actions = await as(LOGINS.member, async (tx) =>
      (await tx.query<{ action: string }>(`select action from public.evaluation_history where evaluation_id = $1 order by id`, [memberEvaluation])).map(
        (r) => r.action,
      ),
    )
    expect(actions).toEqual(['self_assessed', 'returned', 'self_assessed', 'proposed', 'returned', 'proposed', 'decided'])
    expect(await count(LOGINS.cellSecretary, 'public.evaluation_history')).toBe(7)
    expect(await count(outsiderLogin, 'public.evaluation_history')).toBe(0)
  })
})

describe('bands, computed in the database', () => {
  it.each([
    [49.5, true, null, 'not_complete'],
    [50, true, null, 'complete'],
    [69.9, true, null, 'complete'],
    [70, true, null, 'good'],
    [89.9, true, null, 'good'],
    [90, true, null, 'excellent'],
    [90, false, null, 'good'],
    [100, true, 'complete', 'complete'],
    [60, true, 'good', 'complete'],
    [95, true, 'not_complete', 'not_complete'],
  ])('%s points, all tasks done %s, capped at %s → %s', async (points, done, cap, band) => {
    const [row] = await system((tx) => tx.query<{ band: string }>(`select app.evaluation_band($1, $2, $3) as band`, [points, done, cap]))
    expect(row.band).toBe(band)
  })

  it('discipline in the year caps the proposal at "complete"', async () => {
    const [row] = await system((tx) =>
      tx.query<{ band: string }>(`select app.evaluation_band(95, true, app.evaluation_cap($1, array['discipline'])) as band`, [periodId]),
    )
    expect(row.band).toBe('complete')
  })
})

describe('access over time', () => {
  it('a cell moved to another ward takes its evaluations and their history along: the new ward sees them, the old one no longer', async () => {
    const [cell, otherWard] = [await orgIdByPath(t, 'ns.tp1.g1.c2'), await orgIdByPath(t, 'ns.tp1.g2')]
    const before = await count(LOGINS.grassroots, 'public.evaluations')
    const moved = await system(
      async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.evaluations where org_id = $1`, [cell]))[0].n,
    )
    const otherSecretary = await system(async (tx) => {
      const [row] = await tx.query<{ login_phone: string }>(
        `select c.login_phone from public.org_roles r join public.accounts a on a.member_id = r.member_id join app.credentials c on c.user_id = a.user_id
          where r.org_id = $1 and r.valid_to is null limit 1`,
        [otherWard],
      )
      return row?.login_phone
    })
    // moved by the city's staff, as the org tree's page does (the parent, then the subtree's paths)
    await as(LOGINS.staff, async (tx) => {
      await tx.query(`update public.organizations set parent_id = $2 where id = $1`, [cell, otherWard])
      await tx.query(`update public.organizations o set path = 'ns.tp1.g2'::ltree || subpath(o.path, 3) where o.path <@ 'ns.tp1.g1.c2'`)
    })
    const [keys] = await system((tx) =>
      tx.query<{ stale: number; history: number }>(
        `select (select count(*)::int from public.evaluations where org_id = $1 and org_key not like 'ns.tp1.g2.%') as stale,
                (select count(*)::int from public.evaluation_history where org_key like 'ns.tp1.g1.c2%') as history`,
        [cell],
      ),
    )
    expect(moved).toBeGreaterThan(0)
    expect(keys).toEqual({ stale: 0, history: 0 })
    expect(await count(LOGINS.grassroots, 'public.evaluations')).toBe(before - moved)
    if (otherSecretary) expect(await count(otherSecretary, 'public.evaluations')).toBeGreaterThanOrEqual(moved)
  })
})
