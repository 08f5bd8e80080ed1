import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, inDays, LOGINS, orgIdByPath, setClock, signInMemberOf, testApp, tomorrow, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let cellId: string
let url: string

const cellMates = () =>
  t.runtime.data.asSystem('test: members of the demo cell', async (tx) =>
    tx.query<{ id: string; full_name: string; phone: string }>(`select id, full_name, phone from public.members where org_id = $1 order by full_name`, [
      cellId,
    ]),
  )

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
  const res = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title: 'Họp điểm danh', date: tomorrow(), time: '19:30' })
  url = res.headers.get('Location')!.split('?')[0]
  // the meeting is under way: check-in is open
  await setClock(t, `${tomorrow()}T19:45:00+07:00`)
})
afterAll(() => t?.close())

describe('attendance', () => {
  it('a member checks in once; the block comes back as an htmx fragment', async () => {
    const member = await t.signIn(LOGINS.member)
    const res = await member.post(`${url}/check-in`, {}, { htmx: true })
    const html = await res.text()
    expect(html.startsWith('<section class="card" id="attendance"')).toBe(true)
    expect(html).toContain('Đã điểm danh: có mặt.')
    expect(html).toContain('Bạn: Có mặt')
    // the vote block reloads the buttons of whoever is now present
    expect(JSON.parse(res.headers.get('HX-Trigger')!)).toEqual({ 'attendance-changed': { target: 'body' } })
    await member.post(`${url}/check-in`, {}, { htmx: true })
    const rows = await t.runtime.data.asSystem('test: attendance rows', async (tx) =>
      tx.query<{ status: string; by_proxy: boolean }>(`select status, by_proxy from public.meeting_attendance where meeting_id = $1`, [url.split('/').pop()]),
    )
    expect(rows).toEqual([{ status: 'present', by_proxy: false }])
  })

  it('the secretary records absences with and without reason and a proxy check-in', async () => {
    const [a, b, c] = (await cellMates()).filter((m) => m.phone !== LOGINS.member && m.phone !== LOGINS.cellSecretary)
    const missingReason = await secretary.post(`${url}/attendance`, { member_id: a.id, status: 'absent_excused', reason: '' }, { htmx: true })
    expect(missingReason.status).toBe(400)
    expect(await missingReason.text()).toContain('Vắng có lý do: ghi lý do.')
    await secretary.post(`${url}/attendance`, { member_id: a.id, status: 'absent_excused', reason: 'Đi công tác' }, { htmx: true })
    await secretary.post(`${url}/attendance`, { member_id: b.id, status: 'absent_unexcused' }, { htmx: true })
    const html = await (await secretary.post(`${url}/attendance`, { member_id: c.id, status: 'present', by_proxy: 'on' }, { htmx: true })).text()
    expect(html).toMatch(/Có mặt <strong>2<\/strong> · vắng có lý do <strong>1<\/strong> · vắng không lý do <strong>1<\/strong>/)
    expect(html).toContain('(điểm danh hộ)')
    const recorder = await t.runtime.data.asSystem(
      'test: who recorded',
      async (tx) =>
        (
          await tx.query<{ recorded_by: string }>(`select recorded_by from public.meeting_attendance where member_id = $1 and meeting_id = $2`, [
            c.id,
            url.split('/').pop(),
          ])
        )[0].recorded_by,
    )
    expect(recorder).toBe((await claimsOf(t, LOGINS.cellSecretary)).sub)
  })

  it('nobody from another cell can be recorded, and a member cannot record others', async () => {
    const stranger = await t.runtime.data.asSystem(
      'test: a member elsewhere',
      async (tx) => (await tx.query<{ id: string }>(`select id from public.members where org_id <> $1 limit 1`, [cellId]))[0].id,
    )
    const res = await secretary.post(`${url}/attendance`, { member_id: stranger, status: 'present' }, { htmx: true })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Đảng viên này không thuộc chi bộ.')
    const member = await t.signIn(LOGINS.member)
    const [mate] = (await cellMates()).filter((m) => m.phone !== LOGINS.member)
    const forged = await member.post(`${url}/attendance`, { member_id: mate.id, status: 'absent_unexcused' }, { htmx: true })
    expect(forged.status).toBe(404)
  })

  it('a member sees the counts and his own status, not the form for others', async () => {
    const member = await t.signIn(LOGINS.member)
    const html = await (await member.get(url)).text()
    expect(html).toContain('Bạn: Có mặt')
    expect(html).not.toContain('name="by_proxy"')
  })
})

describe('the home page card', () => {
  it('shows a member the next meetings of the cell, and nothing of other cells', async () => {
    const member = await t.signIn(LOGINS.member)
    const card = await (await member.get('/meetings/upcoming', { htmx: true })).text()
    expect(card).toContain('Họp điểm danh')
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    expect(await (await outsider.get('/meetings/upcoming', { htmx: true })).text()).toContain('Chưa có buổi sinh hoạt nào được lên lịch.')
  })
})

describe('attendance rate in the meeting list', () => {
  it('a past meeting shows how many came of the members expected (exempt members not expected)', async () => {
    const yesterday = inDays(-1)
    const res = await secretary.post('/meetings', {
      org_id: cellId,
      kind: 'regular',
      title: 'Họp tháng trước',
      date: yesterday,
      time: '19:30',
      recorded_late: 'on',
    })
    const pastUrl = res.headers.get('Location')!.split('?')[0]
    const mates = await cellMates()
    for (const m of mates.slice(0, 3)) await secretary.post(`${pastUrl}/attendance`, { member_id: m.id, status: 'present' }, { htmx: true })
    const [{ expected }] = await t.runtime.data.asSystem('test: members expected', (tx) =>
      tx.query<{ expected: number }>(
        `select count(*)::int as expected from public.members where org_id = $1 and not exempt and deceased_on is null and left_on is null`,
        [cellId],
      ),
    )
    const line = `3/${expected} có mặt (${Math.round(300 / expected)}%)`
    expect(await (await secretary.get('/meetings')).text()).toContain(line)
    expect(await (await (await t.signIn(LOGINS.member)).get('/meetings')).text()).toContain(line)
    const upcoming = (await (await secretary.get('/meetings')).text()).split('<li').find((item) => item.includes('Họp điểm danh'))
    expect(upcoming).not.toContain('có mặt (')
    // a member who joins the cell later does not change what that meeting expected
    await t.runtime.data.asSystem('test: a member joins the cell after the meeting', (tx) =>
      tx.query(
        `update public.members set org_id = $1 where id = (select id from public.members where org_id <> $1 and not exempt and deceased_on is null and left_on is null and org_id in (select id from public.organizations where kind = 'cell') limit 1)`,
        [cellId],
      ),
    )
    expect(await (await secretary.get('/meetings')).text()).toContain(line)
    const audit = await t.runtime.data.asSystem('test: no audit for the frozen count', (tx) =>
      tx.query(`select 1 from public.audit_log where action = 'meeting.update' and entity_id = $1 and details ? 'expected_count'`, [pastUrl.split('/').pop()]),
    )
    expect(audit).toEqual([])
  })
})
