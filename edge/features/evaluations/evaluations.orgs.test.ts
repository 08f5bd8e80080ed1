import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tx } from '../../kernel/db/types.ts'
import { readXlsx } from '../../kernel/files/xlsx.ts'
import { claimsOf, inDays, LOGINS, orgIdByPath, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'

/*
 * Ranking of organizations in an evaluation period, and its decision list: the organization's
 * side writes and sends the collective report, the committee above decides or returns it; nobody
 * outside the subtree sees or changes anything; the list prints and exports with what was decided.
 */

let t: TestApp
let periodId: string
let cell: string
let ward: string
let otherCell: string
let wardAgent: Agent
let cellAgent: Agent
let outsiderLogin: string

const as = async <T>(login: string, fn: (tx: Tx) => Promise<T>) => t.runtime.data.withUser(await claimsOf(t, login), fn)
const system = <T>(fn: (tx: Tx) => Promise<T>) => t.runtime.data.asSystem('test: organization ranking fixture', fn)
const codeOf = async (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (error) => (error as { code?: string }).code ?? String(error),
  )
const page = (org: string) => `/evaluations/ranking/${periodId}/${org}`
const stepOf = async (org: string) =>
  system(
    async (tx) => (await tx.query<{ step: string }>(`select step from public.org_evaluations where period_id = $1 and org_id = $2`, [periodId, org]))[0]?.step,
  )

beforeAll(async () => {
  t = await testApp({ members: 300 })
  ward = await orgIdByPath(t, 'ns.tp1.g1')
  cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
  otherCell = await orgIdByPath(t, 'ns.tp1.g1.c2')
  periodId = await as(LOGINS.grassroots, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due)
       values ($1, 2026, 'Đánh giá, xếp loại năm 2026', $2, $3, $4) returning id`,
      [ward, inDays(10), inDays(20), inDays(30)],
    )
    return row.id
  })
  // decided bands for the members of the first cell (the steps themselves are the evaluations feature's, tested there):
  // by name, two excellent, then good, complete and one not complete; the second cell's stay undecided
  await system(async (tx) => {
    await tx.query(`set local session_replication_role = replica`)
    await tx.query(
      `update public.evaluations e set step = 'decided',
              decision_band = (array['excellent', 'excellent', 'good', 'good', 'good', 'complete', 'not_complete'])[least(r.n, 7)]
         from (select e2.id, row_number() over (order by m.full_name, m.id) as n
                 from public.evaluations e2 join public.members m on m.id = e2.member_id
                where e2.period_id = $1 and e2.org_id = $2) r
        where e.id = r.id`,
      [periodId, cell],
    )
    // made with triggers off: the counts kept per organization are counted again
    await tx.query(`select app.rebuild_evaluation_band_counts($1)`, [periodId])
  })
  // a secretary of another ward, for the outside view
  const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
  outsiderLogin = outsider.login
  await system((tx) =>
    tx.query(
      `insert into public.org_roles (org_id, member_id, role)
       select o.id, a.member_id, 'secretary' from public.organizations o, public.accounts a join app.credentials c on c.user_id = a.user_id
        where o.path = 'ns.tp1.g2' and c.login_phone = $1`,
      [outsiderLogin],
    ),
  )
  wardAgent = await t.signIn(LOGINS.grassroots)
  cellAgent = await t.signIn(LOGINS.cellSecretary)
})
afterAll(() => t?.close())

/** What the database holds for the members of a subtree in the period: decided bands, the rest pending. */
async function expectedCounts(path: string) {
  const rows = await system((tx) =>
    tx.query<{ band: string; n: number }>(
      `select coalesce(case when e.step = 'decided' then e.decision_band end, 'pending') as band, count(*)::int as n
         from public.evaluations e join public.organizations o on o.id = e.org_id
        where e.period_id = $1 and o.path <@ $2::ltree group by 1`,
      [periodId, path],
    ),
  )
  return Object.fromEntries(rows.map((r) => [r.band, r.n])) as Record<string, number>
}

describe('the collective report of an organization', () => {
  it('the cell saves a draft, cannot send it without band and text, then sends it; the committee above decides', async () => {
    expect((await cellAgent.get(page(cell))).status).toBe(200)
    const draft = await cellAgent.post(`${page(cell)}/report`, { self_band: '', self_report: 'Bản nháp' })
    expect(draft.status).toBe(303)
    expect(await stepOf(cell)).toBe('self_assessment')
    const incomplete = await cellAgent.post(`${page(cell)}/report`, { self_band: '', self_report: 'Bản nháp', send: '1' })
    expect(incomplete.status).toBe(400)
    const html = await incomplete.text()
    expect(html).toContain('Mức tự xếp loại: hãy chọn trước khi gửi.')
    expect(html).toContain('Bản nháp') // the input is kept
    const sent = await cellAgent.submit(`${page(cell)}/report`, {
      self_band: 'good',
      self_report: 'Chi bộ hoàn thành tốt nhiệm vụ năm 2026.',
      send: '1',
    })
    expect(await sent.text()).toContain('Đã gửi báo cáo lên cấp ủy cấp trên.')
    expect(await stepOf(cell)).toBe('committee_decision')
    // sent: the cell's form is closed, and a second send is refused, not a 500
    expect((await cellAgent.post(`${page(cell)}/report`, { self_band: 'excellent', self_report: 'Sửa', send: '1' })).status).toBe(400)

    const wardPage = await (await wardAgent.get(page(cell))).text()
    expect(wardPage).toContain('action="/evaluations/ranking/')
    expect(wardPage).toContain('Lưu quyết định')
    const decided = await wardAgent.submit(`${page(cell)}/decision`, { decision_band: 'good', decision_note: 'Đồng ý' })
    expect(await decided.text()).toContain('Đã lưu quyết định xếp loại tổ chức.')
    const [row] = await system((tx) =>
      tx.query<{ step: string; self_band: string; decision_band: string }>(
        `select step, self_band, decision_band from public.org_evaluations where period_id = $1 and org_id = $2`,
        [periodId, cell],
      ),
    )
    expect(row).toEqual({ step: 'decided', self_band: 'good', decision_band: 'good' })
    const audit = await system((tx) =>
      tx.query<{ action: string }>(`select action from public.audit_log where entity = 'org_evaluation' and org_id = $1 order by id`, [cell]),
    )
    expect(audit.map((a) => a.action)).toEqual(['org_evaluation.draft', 'org_evaluation.sent', 'org_evaluation.decided'])
  })

  it('first saves sent at once (a double tap, two secretaries) each answer as a save: one report, no 500', async () => {
    const other = otherCell
    const answers = await Promise.all(
      ['Lần một', 'Lần hai', 'Lần ba', 'Lần bốn'].map((text) => wardAgent.post(`${page(other)}/report`, { self_band: '', self_report: `Bản nháp ${text}` })),
    )
    expect(answers.map((res) => res.status).sort()).toEqual(answers.map(() => 303))
    const rows = await system((tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.org_evaluations where period_id = $1 and org_id = $2`, [periodId, other]),
    )
    expect(rows[0].n).toBe(1)
  })

  it('the committee above returns with a reason only; the report goes back one step', async () => {
    expect((await wardAgent.post(`${page(cell)}/return`, { return_reason: ' ' })).status).toBe(400)
    await wardAgent.submit(`${page(cell)}/return`, { return_reason: 'Xem lại số liệu' })
    expect(await stepOf(cell)).toBe('committee_decision')
    await wardAgent.submit(`${page(cell)}/return`, { return_reason: 'Bổ sung báo cáo' })
    expect(await stepOf(cell)).toBe('self_assessment')
    expect(await (await cellAgent.get(page(cell))).text()).toContain('Bổ sung báo cáo')
  })

  it('shows the members’ results and the sub-units’ beside the report, counted per band', async () => {
    const html = await (await wardAgent.get(page(ward))).text()
    const mine = await expectedCounts('ns.tp1.g1')
    const c1 = await expectedCounts('ns.tp1.g1.c1')
    expect(c1.excellent).toBe(2)
    const cells = (counts: Record<string, number>) =>
      ['excellent', 'good', 'complete', 'not_complete', 'pending'].map((b) => `<td class="num" data-band="${b}">${counts[b] ?? 0}</td>`).join('')
    expect(html).toContain(cells(mine))
    expect(html).toMatch(new RegExp(`data-unit="${cell}">.*?${cells(c1)}`, 's'))
    expect(html).toContain(`data-unit="${otherCell}"`)
  })
})

describe('who may do what', () => {
  it('a cell secretary cannot decide his/her own cell; an ordinary member gets nothing', async () => {
    await cellAgent.submit(`${page(cell)}/report`, { self_band: 'good', self_report: 'Báo cáo lại', send: '1' })
    const res = await cellAgent.post(`${page(cell)}/decision`, { decision_band: 'excellent' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Bạn không có quyền thực hiện bước này.')
    expect(await stepOf(cell)).toBe('committee_decision')
    expect(
      await codeOf(
        as(LOGINS.cellSecretary, (tx) => tx.query(`update public.org_evaluations set step = 'decided', decision_band = 'excellent' where org_id = $1`, [cell])),
      ),
    ).toBe('42501')
    const member = await t.signIn(LOGINS.member)
    expect((await member.get(page(cell))).status).toBe(404)
    expect((await member.post(`${page(cell)}/report`, { self_band: 'good', self_report: 'x' })).status).toBe(404)
    expect(await as(LOGINS.member, async (tx) => (await tx.query(`select 1 from public.org_evaluations`)).length)).toBe(0)
  })

  it('a cell cannot rank the ward above it, nor a sibling cell', async () => {
    expect((await cellAgent.get(page(ward))).status).toBe(404)
    expect((await cellAgent.get(page(otherCell))).status).toBe(404)
    expect(
      await codeOf(as(LOGINS.cellSecretary, (tx) => tx.query(`insert into public.org_evaluations (period_id, org_id) values ($1, $2)`, [periodId, otherCell]))),
    ).toBe('42501')
  })

  it('outside the subtree: no page, no row, no change', async () => {
    const outsider = await t.signIn(outsiderLogin)
    for (const org of [cell, ward]) {
      expect((await outsider.get(page(org))).status).toBe(404)
      expect((await outsider.post(`${page(org)}/decision`, { decision_band: 'good' })).status).toBe(404)
      expect((await outsider.get(`${page(org)}/decisions`)).status).toBe(404)
      expect((await outsider.get(`${page(org)}/decisions.xlsx`)).status).toBe(404)
    }
    expect(await as(outsiderLogin, async (tx) => (await tx.query(`select 1 from public.org_evaluations`)).length)).toBe(0)
    expect(await as(outsiderLogin, (tx) => tx.query(`update public.org_evaluations set step = 'decided', decision_band = 'excellent' returning id`))).toEqual(
      [],
    )
    expect(await codeOf(as(outsiderLogin, (tx) => tx.query(`insert into public.org_evaluations (period_id, org_id) values ($1, $2)`, [periodId, cell])))).toBe(
      '42501',
    )
    // and his own ward is not in this period
    const own = await orgIdByPath(t, 'ns.tp1.g2')
    expect(
      await codeOf(as(outsiderLogin, (tx) => tx.query(`insert into public.org_evaluations (period_id, org_id) values ($1, $2)`, [periodId, own]))),
    ).not.toBe('ok')
  })
})

describe('the decision list', () => {
  it('exports every evaluated member of the subtree with the decided band and totals per band, audited', async () => {
    const res = await wardAgent.get(`${page(cell)}/decisions.xlsx`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain('spreadsheetml')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const sheet = readXlsx(new Uint8Array(await res.arrayBuffer()))
    expect(sheet[0]).toEqual(['STT', 'Họ và tên', 'Chức vụ', 'Chi bộ', 'Mức xếp loại'])
    const expected = await system((tx) =>
      tx.query<{ full_name: string; band: string }>(
        `select m.full_name, e.decision_band as band from public.evaluations e join public.members m on m.id = e.member_id
          where e.period_id = $1 and e.org_id = $2 order by m.full_name, m.id`,
        [periodId, cell],
      ),
    )
    const people = sheet.slice(1, 1 + expected.length)
    expect(people.map((r) => r[1])).toEqual(expected.map((e) => e.full_name))
    expect(people[0][4]).toBe('Hoàn thành xuất sắc nhiệm vụ')
    expect(people.at(-1)![4]).toBe('Không hoàn thành nhiệm vụ')
    const totals = Object.fromEntries(sheet.slice(1 + expected.length).map((r) => [r[1], r[4]]))
    expect(totals['Cộng: Hoàn thành xuất sắc nhiệm vụ']).toBe('2')
    expect(totals['Tổng số']).toBe(String(expected.length))
    const [audit] = await system((tx) =>
      tx.query<{ details: { format: string; count: number } }>(
        `select details from public.audit_log where action = 'evaluation.decision_list_export' and org_id = $1 order by id desc limit 1`,
        [cell],
      ),
    )
    expect(audit.details).toEqual({ format: 'xlsx', count: expected.length })
  })

  it('prints on A4 in the official layout, its printing audited too', async () => {
    const html = await (await wardAgent.get(`${page(cell)}/decisions?place=Nam Sơn`)).text()
    expect(html).toContain('ĐẢNG BỘ PHƯỜNG MINH KHAI')
    expect(html).toContain('CHI BỘ KHU PHỐ 1')
    expect(html).toContain('ĐẢNG CỘNG SẢN VIỆT NAM')
    expect(html).toMatch(/Nam Sơn, ngày \d{2} tháng \d{2} năm \d{4}/)
    expect(html).toContain('DANH SÁCH XẾP LOẠI ĐẢNG VIÊN NĂM 2026')
    expect(html).toContain('<th scope="col">STT</th><th scope="col">Họ và tên</th><th scope="col">Chức vụ</th><th scope="col">Mức xếp loại</th>')
    expect(html).toContain('<li data-total="excellent">Hoàn thành xuất sắc nhiệm vụ: 2</li>')
    expect(html).toContain('T/M CHI ỦY')
    expect(html).toContain('/static/css/evaluation-print.css')
    const css = await wardAgent.get('/static/css/evaluation-print.css?v=1')
    expect(css.status).toBe(200)
    expect(await css.text()).toContain('@page{size:A4')
    const [audit] = await system((tx) =>
      tx.query<{ details: { format: string } }>(
        `select details from public.audit_log where action = 'evaluation.decision_list_export' and org_id = $1 order by id desc limit 1`,
        [cell],
      ),
    )
    expect(audit.details.format).toBe('print')
  })
})

describe('the members’ counts kept per organization', () => {
  const counted = () =>
    system((tx) =>
      tx.query<{ step: string; band: string; members: number }>(
        `select step, band, sum(members)::int as members from public.evaluation_band_counts
          where period_id = $1 and org_id = $2 group by 1, 2 having sum(members) <> 0 order by 1, 2`,
        [periodId, otherCell],
      ),
    )
  const recounted = () =>
    system((tx) =>
      tx.query<{ step: string; band: string; members: number }>(
        `select step, coalesce(case when step = 'decided' then decision_band end, 'pending') as band, count(*)::int as members
           from public.evaluations where period_id = $1 and org_id = $2 group by 1, 2 order by 1, 2`,
        [periodId, otherCell],
      ),
    )

  it('follow an evaluation through its steps, a decision and a reopening, per step and band', async () => {
    expect(await counted()).toEqual(await recounted())
    const id = await system(async (tx) => {
      const [e] = await tx.query<{ id: string }>(`select id from public.evaluations where period_id = $1 and org_id = $2 order by member_id limit 1`, [
        periodId,
        otherCell,
      ])
      const criteria = await tx.query<{ id: string; max_points: string }>(`select id, max_points from public.evaluation_criteria where period_id = $1`, [
        periodId,
      ])
      const scores = Object.fromEntries(criteria.map((c) => [c.id, Number(c.max_points)]))
      // the system path makes each side's move (the evaluations feature's trigger allows it)
      await tx.query(`update public.evaluations set step = 'cell_proposal', self_scores = $2::jsonb, self_all_tasks_done = true where id = $1`, [
        e.id,
        JSON.stringify(scores),
      ])
      await tx.query(
        `update public.evaluations set step = 'committee_decision', proposal_points = 75, votes_for = 5, votes_against = 0, all_tasks_done = true where id = $1`,
        [e.id],
      )
      await tx.query(`update public.evaluations set step = 'decided', decision_band = 'good' where id = $1`, [e.id])
      return e.id
    })
    expect(await counted()).toEqual(await recounted())
    expect((await counted()).find((r) => r.band === 'good')?.members).toBe(1)
    await system((tx) => tx.query(`update public.evaluations set step = 'committee_decision', return_reason = 'Xem lại' where id = $1`, [id]))
    expect(await counted()).toEqual(await recounted())
    expect((await counted()).find((r) => r.band === 'good')).toBeUndefined()
  })

  it('are read by the managers of the subtree only', async () => {
    const read = (login: string) =>
      as(login, async (tx) => (await tx.query(`select 1 from public.evaluation_band_counts where period_id = $1`, [periodId])).length)
    expect(await read(LOGINS.grassroots)).toBeGreaterThan(0)
    expect(await read(LOGINS.member)).toBe(0)
    expect(await read(outsiderLogin)).toBe(0)
    expect(await codeOf(as(LOGINS.grassroots, (tx) => tx.query(`update public.evaluation_band_counts set members = 0`)))).toBe('42501')
  })
})
