import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, inDays, LOGINS, memberIdOf, orgIdByPath, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'

/*
 * One evaluation round through the app's pages: the ward opens a period, the member assesses
 * himself/herself, the cell's secretary returns it and then proposes, the ward decides; each step
 * refused to the wrong side, forms keep the input and say what is wrong next to the field.
 */

let t: TestApp
let ward: Agent
let secretary: Agent
let member: Agent
let outsider: Agent
let periodUrl: string
let evaluationUrl: string
let memberId: string

const scoreFields = (html: string) => [...html.matchAll(/name="(score_[0-9a-f-]{36})"/g)].map((m) => m[1])
/** Every criterion at 1 point, except `first` on the first. */
const scores = (html: string, first: string) => Object.fromEntries(scoreFields(html).map((name, i) => [name, i === 0 ? first : '1']))

beforeAll(async () => {
  t = await testApp({ members: 300 })
  ward = await t.signIn(LOGINS.grassroots)
  secretary = await t.signIn(LOGINS.cellSecretary)
  member = await t.signIn(LOGINS.member)
  outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
  memberId = await memberIdOf(t, LOGINS.member)
  voters = await t.runtime.data.asSystem(
    'test: the demo cell’s official members',
    async (tx) =>
      (
        await tx.query<{ n: number }>(
          `select count(*)::int as n from public.members m join public.organizations o on o.id = m.org_id
          where o.path = 'ns.tp1.g1.c1' and m.status = 'official' and m.deceased_on is null and m.left_on is null`,
        )
      )[0].n,
  )
})
afterAll(() => t?.close())

/** The demo cell's official members (its voters), and a vote of all of them but one for, one against. */
let voters: number
const vote = () => ({ votes_for: String(voters - 1), votes_against: '1' })

describe('opening a period', () => {
  it('the form says what is wrong next to each field and keeps the input', async () => {
    const res = await ward.post('/evaluations/periods', {
      org_id: await orgIdByPath(t, 'ns.tp1.g1'),
      kind: 'year',
      year: '2026',
      title: 'Đánh giá năm 2026',
      self_due: inDays(10),
      proposal_due: inDays(5),
      decision_due: inDays(30),
      excellent_quota_percent: '120',
    })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Hạn chi bộ đề xuất: không được trước hạn tự đánh giá.')
    expect(html).toContain('Tỉ lệ xuất sắc: từ 0 đến 100%.')
    expect(html).toContain('value="Đánh giá năm 2026"')
  })

  it('a cell secretary has no committee to open a period for', async () => {
    expect((await secretary.get('/evaluations/periods/new')).status).toBe(404)
    const res = await secretary.post('/evaluations/periods', {
      org_id: await orgIdByPath(t, 'ns.tp1.g1.c1'),
      kind: 'year',
      year: '2026',
      title: 'Chi bộ tự mở',
      self_due: inDays(10),
      proposal_due: inDays(20),
      decision_due: inDays(30),
    })
    expect(res.status).not.toBe(303)
  })

  it('the ward committee opens a period; the member is told and finds the evaluation', async () => {
    const res = await ward.post('/evaluations/periods', {
      org_id: await orgIdByPath(t, 'ns.tp1.g1'),
      kind: 'year',
      year: '2026',
      title: 'Đánh giá năm 2026',
      self_due: inDays(10),
      proposal_due: inDays(20),
      decision_due: inDays(30),
      excellent_quota_percent: '20',
    })
    expect(res.status).toBe(303)
    periodUrl = res.headers.get('Location')!
    const page = await (await ward.get(periodUrl)).text()
    expect(page).toContain('Đã mở đợt đánh giá.')
    expect(page).toContain('Chờ tự đánh giá')
    // the step badges come from the counts the triggers keep: they agree with the evaluations themselves
    const periodId = new URL(periodUrl, 'http://x').searchParams.get('period')
    const [opened] = await t.runtime.data.asSystem('test: count the opened evaluations', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.evaluations where period_id = $1 and step = 'self_assessment'`, [periodId]),
    )
    expect(opened.n).toBeGreaterThan(1)
    expect(page).toMatch(new RegExp(`Chờ tự đánh giá\\s*<span class="badge">${opened.n}</span>`))
    const notices = await (await member.get('/notifications')).text()
    expect(notices).toContain('Bắt đầu đánh giá, xếp loại: Đánh giá năm 2026')
    const mine = await (await member.get('/evaluations')).text()
    evaluationUrl = /href="(\/evaluations\/[0-9a-f-]{36})"/.exec(mine.slice(mine.indexOf('Của tôi')))![1]
    expect(mine).not.toContain('id="evaluation-list"')
  })

  it('the committee adjusts the 100-point form: the sums are told, the input kept; a cell secretary cannot', async () => {
    const periodPage = `/evaluations/periods/${new URL(periodUrl, 'http://x').searchParams.get('period')}`
    const page = await (await ward.get(periodPage)).text()
    const ids = [...page.matchAll(/name="title_([0-9a-f-]{36})"/g)].map((m) => m[1])
    expect(ids).toHaveLength(7)
    const fieldValue = (name: string) =>
      page
        .slice(page.indexOf(`name="${name}"`))
        .match(/value="([^"]*)"/)![1]
        .replaceAll('&quot;', '"')
        .replaceAll('&amp;', '&')
    const fields = Object.fromEntries(ids.flatMap((id) => [`title_${id}`, `points_${id}`].map((name) => [name, fieldValue(name)])))
    const wrong = await ward.post(`${periodPage}/criteria`, {
      ...fields,
      [`points_${ids[0]}`]: '9',
      title_new_general: 'Tham gia sinh hoạt nơi cư trú',
      points_new_general: '',
    })
    expect(wrong.status).toBe(400)
    const html = await wrong.text()
    expect(html).toContain('Điểm tối đa: nhập số lớn hơn 0, không quá 70.')
    expect(html).toContain('value="Tham gia sinh hoạt nơi cư trú"')
    const sums = await ward.post(`${periodPage}/criteria`, { ...fields, [`points_${ids[0]}`]: '9' })
    expect(await sums.text()).toContain('(đang là 31 và 70)')
    const shifted = { ...fields, [`title_${ids[0]}`]: 'Tư tưởng chính trị', [`points_${ids[0]}`]: '9', [`points_${ids[1]}`]: '7' }
    expect(await (await ward.submit(`${periodPage}/criteria`, shifted)).text()).toContain('Đã lưu bộ tiêu chí.')
    expect((await secretary.post(`${periodPage}/criteria`, shifted)).status).toBe(404)
    expect(await (await member.get(periodPage)).text()).toContain('Tư tưởng chính trị (9 điểm)')
  })

  it('the committee adjusts the disqualifying conditions: each field checked, a new one added', async () => {
    const periodPage = `/evaluations/periods/${new URL(periodUrl, 'http://x').searchParams.get('period')}`
    const missing = await ward.post(`${periodPage}/conditions`, { cond_label_new: 'Không tham gia sinh hoạt 3 tháng', cond_band_new: '' })
    expect(missing.status).toBe(400)
    const html = await missing.text()
    expect(html).toContain('Mức tối đa: hãy chọn một mức.')
    expect(html).toContain('value="Không tham gia sinh hoạt 3 tháng"')
    const added = await ward.submit(`${periodPage}/conditions`, {
      cond_label_discipline: 'Bị thi hành kỷ luật trong năm',
      cond_band_discipline: 'complete',
      cond_label_serious_violation: 'Vi phạm tư cách đảng viên',
      cond_band_serious_violation: 'not_complete',
      cond_label_new: 'Không tham gia sinh hoạt 3 tháng',
      cond_band_new: 'good',
    })
    const page = await added.text()
    expect(page).toContain('Đã lưu các điều kiện hạn chế mức xếp loại.')
    expect(page).toContain('value="Không tham gia sinh hoạt 3 tháng"')
    expect((await secretary.post(`${periodPage}/conditions`, {})).status).toBe(404)
  })

  it('outside the subtree the period and the evaluations do not exist', async () => {
    expect(await (await outsider.get('/evaluations')).text()).not.toContain('Đánh giá năm 2026')
    expect((await outsider.get(evaluationUrl)).status).toBe(404)
  })
})

describe('the member’s self-assessment', () => {
  it('a missing score or one above its maximum is shown next to the field, the input kept', async () => {
    const form = await (await member.get(evaluationUrl)).text()
    expect(scoreFields(form)).toHaveLength(7)
    const fields = scores(form, '')
    const [, second] = scoreFields(form)
    const res = await member.post(`${evaluationUrl}/self`, { ...fields, [second]: '99', self_note: 'Ghi chú của tôi' })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Nhập điểm cho tiêu chí này.')
    expect(html).toMatch(/Điểm từ 0 đến \d+\./)
    expect(html).toContain('Ghi chú của tôi')
    expect(html).toContain('value="99"')
  })

  it('a score is a plain decimal number: hexadecimal or exponent forms are refused beside the field', async () => {
    const form = await (await member.get(evaluationUrl)).text()
    const [first] = scoreFields(form)
    for (const typed of ['0x5', '5e0', '+5']) {
      const res = await member.post(`${evaluationUrl}/self`, { ...scores(form, '1'), [first]: typed })
      expect(res.status, typed).toBe(400)
      expect(await res.text()).toMatch(/Điểm từ 0 đến \d+\./)
    }
    const [{ step }] = await t.runtime.data.asSystem('test: the evaluation', (tx) =>
      tx.query<{ step: string }>(`select step from public.evaluations where id = $1`, [evaluationUrl.split('/').pop()]),
    )
    expect(step).toBe('self_assessment')
  })

  it('a band above what the points give is refused', async () => {
    const form = await (await member.get(evaluationUrl)).text()
    const max = Object.fromEntries(scoreFields(form).map((name) => [name, '1']))
    const res = await member.post(`${evaluationUrl}/self`, { ...max, self_band: 'excellent' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Không được cao hơn mức tính theo điểm và điều kiện: không hoàn thành nhiệm vụ.')
  })

  it('another member cannot open or post this self-assessment', async () => {
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    expect((await other.get(evaluationUrl)).status).toBe(404)
    expect((await other.post(`${evaluationUrl}/self`, { self_note: 'x' })).status).toBe(404)
  })

  it('the member sends it; the step closes to him/her', async () => {
    const form = await (await member.get(evaluationUrl)).text()
    const fields = Object.fromEntries(scoreFields(form).map((name) => [name, '5']))
    const page = await (await member.submit(`${evaluationUrl}/self`, { ...fields, self_all_tasks_done: 'on', self_note: 'Hoàn thành tốt' })).text()
    expect(page).toContain('Đã gửi bản tự đánh giá.')
    expect(page).toContain('35 điểm')
    expect(page).not.toContain('name="score_')
    const again = await member.post(`${evaluationUrl}/self`, fields)
    expect(again.status).toBe(400)
    const periodPage = `/evaluations/periods/${new URL(periodUrl, 'http://x').searchParams.get('period')}`
    const locked = await ward.post(`${periodPage}/criteria`, {})
    expect(locked.status).toBe(400)
    expect(await locked.text()).toContain('Đã có đảng viên gửi bản tự đánh giá: bộ tiêu chí không sửa được nữa.')
  })
})

describe('the cell’s proposal and the committee’s decision', () => {
  it('the member cannot record the proposal; the secretary sees the form with the residence cell’s slot', async () => {
    const refused = await member.post(`${evaluationUrl}/proposal`, { proposal_points: '80', votes_for: '5', votes_against: '0' })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Bước này hiện không mở cho bạn')
    const page = await (await secretary.get(evaluationUrl)).text()
    expect(page).toContain('Chi bộ đề xuất')
    expect(page).toContain(`hx-get="/residents/members/${memberId}?year=2026"`)
  })

  it('a return without a reason is refused; with one the member assesses again', async () => {
    const bare = await secretary.post(`${evaluationUrl}/return`, { from: 'cell_proposal', return_reason: '' })
    expect(bare.status).toBe(400)
    expect(await bare.text()).toContain('Lý do trả lại: bắt buộc nhập.')
    const invisible = await secretary.post(`${evaluationUrl}/return`, { from: 'cell_proposal', return_reason: '\u200b\u200d\u202e' })
    expect(invisible.status).toBe(400)
    expect(await invisible.text()).toContain('Lý do trả lại: bắt buộc nhập.')
    const page = await (await secretary.submit(`${evaluationUrl}/return`, { from: 'cell_proposal', return_reason: 'Bổ sung kết quả công tác' })).text()
    expect(page).toContain('Đã trả lại bước trước')
    const form = await (await member.get(evaluationUrl)).text()
    expect(form).toContain('Bổ sung kết quả công tác')
    // every criterion at its maximum (read from its label) except the first, at 2 points below: 98 in all
    const maxima = [...form.matchAll(/tối đa (\d+) điểm/g)].map((m) => m[1])
    const fields = Object.fromEntries(scoreFields(form).map((name, i) => [name, i === 0 ? String(Number(maxima[i]) - 2) : maxima[i]]))
    expect((await member.post(`${evaluationUrl}/self`, { ...fields, self_all_tasks_done: 'on' })).status).toBe(303)
  })

  it('the secretary records the proposal with the vote (a band above the points is refused, the input kept)', async () => {
    const above = await secretary.post(`${evaluationUrl}/proposal`, { proposal_points: '75', ...vote(), proposal_band: 'excellent' })
    expect(above.status).toBe(400)
    const html = await above.text()
    expect(html).toContain('Không được cao hơn mức tính theo điểm và điều kiện: hoàn thành tốt nhiệm vụ.')
    expect(html).toContain('value="75"')
    const missing = await secretary.post(`${evaluationUrl}/proposal`, { proposal_points: '75', votes_for: '', votes_against: '1' })
    expect(await missing.text()).toContain('Số tán thành')
    // more ballots than the cell's official members, or no majority for it: refused beside the field
    const tooMany = await secretary.post(`${evaluationUrl}/proposal`, { proposal_points: '98', votes_for: String(voters + 20), votes_against: '1' })
    expect(tooMany.status).toBe(400)
    expect(await tooMany.text()).toContain(`vượt số đảng viên chính thức của chi bộ (${voters} người)`)
    const against = await secretary.post(`${evaluationUrl}/proposal`, { proposal_points: '98', votes_for: '0', votes_against: '2' })
    expect(await against.text()).toContain('cần số phiếu tán thành nhiều hơn số phiếu không tán thành')
    const ok = await secretary.submit(`${evaluationUrl}/proposal`, { proposal_points: '98', all_tasks_done: 'on', ...vote() })
    expect(await ok.text()).toContain('Đã ghi đề xuất của chi bộ.')
  })

  it('the cell secretary cannot decide; the ward committee decides and the member is told', async () => {
    expect((await secretary.post(`${evaluationUrl}/decision`, { decision_band: 'good' })).status).toBe(400)
    const page = await (await ward.get(evaluationUrl)).text()
    expect(page).toContain('Cấp ủy quyết định xếp loại')
    expect(page).toContain('Tỉ lệ xuất sắc của tổ chức cơ sở')
    const done = await (await ward.submit(`${evaluationUrl}/decision`, { decision_band: 'good', decision_note: 'Đạt' })).text()
    expect(done).toContain('Đã lưu quyết định xếp loại.')
    expect(done).toContain('Hoàn thành tốt nhiệm vụ')
    expect(await (await member.get('/notifications')).text()).toContain('Đã có kết quả xếp loại: Đánh giá năm 2026')
  })

  it('the ward’s list filters by step and by organization', async () => {
    const decided = await (await ward.get(`${periodUrl.split('&')[0]}&step=decided`)).text()
    expect(decided).toContain(evaluationUrl)
    const waiting = await (await ward.get(`${periodUrl.split('&')[0]}&step=self_assessment`)).text()
    expect(waiting).not.toContain(`href="${evaluationUrl}"`)
    const otherCell = await orgIdByPath(t, 'ns.tp1.g1.c2')
    const fragment = await (await ward.get(`${periodUrl.split('&')[0]}&org=${otherCell}`, { htmx: true })).text()
    expect(fragment).toContain('id="evaluation-list"')
    expect(fragment).not.toContain(`href="${evaluationUrl}"`)
  })
})
describe('a member transferred to another ward during the period', () => {
  it('still opens and sends his/her self-assessment (evaluated where the period opened him/her); the old cell proposes it', async () => {
    const moving = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const [{ id: movingId }] = await t.runtime.data.asSystem('test: the member', (tx) =>
      tx.query<{ id: string }>(`select member_id as id from public.accounts a join app.credentials c on c.user_id = a.user_id where c.login_phone = $1`, [
        moving.login,
      ]),
    )
    const period = new URL(periodUrl, 'http://x').searchParams.get('period')
    const [{ id }] = await t.runtime.data.asSystem('test: the evaluation; the member moves', async (tx) => {
      await tx.query(`update public.members set org_id = (select id from public.organizations where path = 'ns.tp1.g2.c1') where id = $1`, [movingId])
      return tx.query<{ id: string }>(`select id from public.evaluations where period_id = $1 and member_id = $2`, [period, movingId])
    })
    const moved = await t.signIn(moving.login)
    expect(await (await moved.get('/evaluations')).text()).toContain(`href="/evaluations/${id}"`)
    const form = await moved.get(`/evaluations/${id}`)
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(scoreFields(html)).toHaveLength(7)
    expect((await moved.post(`/evaluations/${id}/self`, scores(html, '1'))).status).toBe(303)
    const proposal = await (await secretary.get(`/evaluations/${id}`)).text()
    expect(proposal).toContain(`action="/evaluations/${id}/proposal"`)
    // the old cell still evaluates him/her: its pages name the member, not "Đảng viên"
    const [{ name }] = await t.runtime.data.asSystem('test: the name', (tx) =>
      tx.query<{ name: string }>(`select full_name as name from public.members where id = $1`, [movingId]),
    )
    expect(proposal).toContain(`<h1>${name}</h1>`)
    const list = await (await secretary.get(`/evaluations?period=${period}&step=cell_proposal`)).text()
    expect(list).toContain(name)
    // someone outside both cells learns nothing
    expect(await (await outsider.get(`/evaluations/${id}`)).text()).not.toContain(name)
  })
})

describe('the member profile card', () => {
  it('shows the result and every step to whoever may see the member; nothing to others', async () => {
    const card = await (await secretary.get(`/evaluations/members/${memberId}`, { htmx: true })).text()
    expect(card).toMatch(/^<section class="card"/)
    expect(card).toContain('Đánh giá năm 2026: Hoàn thành tốt nhiệm vụ')
    for (const step of ['Tự đánh giá', 'Trả lại', 'Chi bộ đề xuất', 'Cấp ủy quyết định']) expect(card).toContain(step)
    expect(card).toContain('Bổ sung kết quả công tác')
    const own = await (await member.get(`/evaluations/members/${memberId}`)).text()
    expect(own).toContain('Hoàn thành tốt nhiệm vụ')
    const stranger = await (await outsider.get(`/evaluations/members/${memberId}`, { htmx: true })).text()
    expect(stranger).toContain('Chưa có thông tin.')
    expect(stranger).not.toContain('Hoàn thành tốt')
  })
})

describe('nobody moves his/her own evaluation past the self-assessment', () => {
  it('the cell secretary cannot record the proposal on himself/herself, nor the ward secretary decide on himself/herself; others can', async () => {
    const period = new URL(periodUrl, 'http://x').searchParams.get('period')
    const own = async (login: string) => {
      const member = await memberIdOf(t, login)
      const [{ id }] = await t.runtime.data.asSystem('test: an evaluation', (tx) =>
        tx.query<{ id: string }>(`select id from public.evaluations where period_id = $1 and member_id = $2`, [period, member]),
      )
      return `/evaluations/${id}`
    }
    const state = async (url: string) =>
      (
        await t.runtime.data.asSystem('test: the step', (tx) =>
          tx.query<{ step: string; decision_band: string | null }>(`select step, decision_band from public.evaluations where id = $1`, [url.split('/').pop()]),
        )
      )[0]
    const proposal = { proposal_points: '80', ...vote(), proposal_band: 'good' }
    // the cell secretary's own evaluation: the proposal is the cell's, recorded by someone else (the ward may)
    const mine = await own(LOGINS.cellSecretary)
    const form = await (await secretary.get(mine)).text()
    expect((await secretary.post(`${mine}/self`, scores(form, '1'))).status).toBe(303)
    expect(await (await secretary.get(mine)).text()).not.toContain(`action="${mine}/proposal"`)
    const refused = await secretary.post(`${mine}/proposal`, proposal)
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Bước này hiện không mở cho bạn')
    expect((await state(mine)).step).toBe('cell_proposal')
    expect((await ward.post(`${mine}/proposal`, proposal)).status).toBe(303)
    // the ward secretary's own evaluation: the decision is not his/hers to record
    const wards = await own(LOGINS.grassroots)
    const wardForm = await (await ward.get(wards)).text()
    expect((await ward.post(`${wards}/self`, scores(wardForm, '1'))).status).toBe(303)
    expect((await secretary.post(`${wards}/proposal`, proposal)).status).toBe(303)
    expect(await (await ward.get(wards)).text()).not.toContain(`action="${wards}/decision"`)
    expect((await ward.post(`${wards}/decision`, { decision_band: 'good' })).status).toBe(400)
    expect(await state(wards)).toEqual({ step: 'committee_decision', decision_band: null })
  })
})

describe('closing the period', () => {
  it('once closed, the form cannot change and no step moves', async () => {
    const periodPage = `/evaluations/periods/${new URL(periodUrl, 'http://x').searchParams.get('period')}`
    expect((await secretary.post(`${periodPage}/close`, {})).status).toBe(404)
    expect(await (await ward.submit(`${periodPage}/close`, {})).text()).toContain('Đã kết thúc đợt đánh giá.')
    const reopen = await ward.post(`${evaluationUrl}/return`, { from: 'decided', return_reason: 'Xem lại' })
    expect(reopen.status).toBe(400)
    expect((await ward.post(`${periodPage}/criteria`, {})).status).toBe(400)
  })
})
