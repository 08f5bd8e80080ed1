import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, orgIdByPath, signInMemberOf, testApp, tomorrow, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let cellId: string
let meetingUrl: string

async function memberOf(path: string) {
  const org = await orgIdByPath(t, path)
  return t.runtime.data.asSystem(
    'test: a member of a cell',
    async (tx) => (await tx.query<{ id: string }>(`select id from public.members where org_id = $1 order by full_name limit 1`, [org]))[0].id,
  )
}

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
  const chair = await memberOf('ns.tp1.g1.c1')
  const res = await secretary.post('/meetings', {
    org_id: cellId,
    kind: 'regular',
    title: 'Sinh hoạt chi bộ thường kỳ tháng 12',
    date: tomorrow(),
    time: '19:30',
    place: 'Nhà văn hóa khu phố 1',
    chair_id: chair,
    agenda: '1. Kiểm điểm tháng 11\n2. Phương hướng tháng 12',
  })
  expect(res.status).toBe(303)
  meetingUrl = res.headers.get('Location')!.split('?')[0]
})
afterAll(() => t?.close())

describe('scheduling', () => {
  it('a cell secretary schedules a meeting; the time is Vietnam time', async () => {
    const html = await (await secretary.get(meetingUrl)).text()
    expect(html).toContain('Sinh hoạt chi bộ thường kỳ tháng 12')
    expect(html).toContain(`19:30,`)
    expect(html).toContain('Nhà văn hóa khu phố 1')
    const stored = await t.runtime.data.asSystem(
      'test: read the stored time',
      async (tx) =>
        (
          await tx.query<{ utc: string }>(`select to_char(starts_at at time zone 'UTC', 'HH24:MI') as utc from public.meetings where id = $1`, [
            meetingUrl.split('/').pop(),
          ])
        )[0].utc,
    )
    expect(stored).toBe('12:30')
  })

  it('a title left as the form suggested, or empty, follows the kind and month chosen; a written one is kept', async () => {
    const date = tomorrow()
    const [year, month] = date.split('-').map(Number)
    const pages: string[] = []
    const titleOf = async (fields: Record<string, string>) => {
      const res = await secretary.post('/meetings', { org_id: cellId, date, time: '20:00', ...fields })
      expect(res.status).toBe(303)
      pages.push(await (await secretary.get(res.headers.get('Location')!)).text())
      return pages.at(-1)!.match(/<h1>([^<]*)<\/h1>/)?.[1]
    }
    // suggested for a regular meeting in another month, then the secretary chose a thematic one
    const stale = `Sinh hoạt chi bộ thường kỳ tháng ${(month % 12) + 1}/${year + 5}`
    expect(await titleOf({ kind: 'thematic', title: stale })).toBe(`Sinh hoạt chuyên đề tháng ${month}/${year}`)
    expect(await titleOf({ kind: 'regular', title: '  ' })).toBe(`Sinh hoạt chi bộ thường kỳ tháng ${month}/${year}`)
    expect(await titleOf({ kind: 'thematic', title: 'Chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh' })).toBe(
      'Chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh',
    )
    // the regular one is the month's second (the cell met tomorrow already): saved, and said; thematic ones are not
    const second = 'chi bộ đã có một buổi sinh hoạt thường kỳ khác trong tháng này'
    expect(pages.map((page) => page.includes(second))).toEqual([false, true, false])
  })

  it('the form explains bad dates, times and a chair from another cell, keeping the input', async () => {
    const bad = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title: 'Họp thử', date: '2026-02-30', time: '25:00', place: 'Hội trường' })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('Ngày họp: ngày không hợp lệ.')
    expect(html).toContain('Giờ họp: nhập dạng giờ:phút')
    expect(html).toContain('value="Hội trường"')
    const stranger = await memberOf('ns.tp1.g2.c1')
    const wrongChair = await secretary.post('/meetings', {
      org_id: cellId,
      kind: 'regular',
      title: 'Họp thử',
      date: tomorrow(),
      time: '19:00',
      chair_id: stranger,
    })
    expect(wrongChair.status).toBe(400)
    expect(await wrongChair.text()).toContain('Chủ trì và thư ký phải là đảng viên của chi bộ.')
  })

  it('a secretary cannot schedule for another cell', async () => {
    const other = await orgIdByPath(t, 'ns.tp1.g2.c1')
    const res = await secretary.post('/meetings', { org_id: other, kind: 'regular', title: 'Họp trộm', date: tomorrow(), time: '19:00' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Chi bộ không thuộc phạm vi bạn quản lý.')
  })

  it('an ordinary member can neither open the form nor schedule', async () => {
    const member = await t.signIn(LOGINS.member)
    expect((await member.get('/meetings/new')).status).toBe(404)
    const claims = await claimsOf(t, LOGINS.member)
    const attempt = await t.runtime.data
      .withUser(claims, (tx) => tx.query(`insert into public.meetings (org_id, kind, title, starts_at) values ($1, 'regular', 'x', now())`, [cellId]))
      .catch((e) => (e as { code?: string }).code)
    expect(attempt).toBe('42501')
  })

  it('edits and cancels; members hear of both; a cancellation needs its reason; a cancelled meeting stays in the list, marked', async () => {
    const member = await t.signIn(LOGINS.member)
    const notices = async () => (await (await member.get('/notifications')).text()).replaceAll('&quot;', '"')
    const edit = await secretary.post(meetingUrl, { org_id: cellId, kind: 'thematic', title: 'Chuyên đề học tập Nghị quyết', date: tomorrow(), time: '08:00' })
    expect(edit.status).toBe(303)
    expect(await notices()).toContain('Lịch sinh hoạt: ')
    expect(await notices()).toContain('Đổi lịch sinh hoạt: Chuyên đề học tập Nghị quyết, 08:00')
    // one tap does not cancel: without a reason nothing changes, and the page says why
    const bare = await secretary.post(`${meetingUrl}/cancel`, {})
    expect(bare.status).toBe(303)
    expect(await (await secretary.get(bare.headers.get('Location')!)).text()).toContain('hãy ghi lý do')
    expect(await (await secretary.get(meetingUrl)).text()).toContain('Đã lên lịch')
    const cancel = await secretary.post(`${meetingUrl}/cancel`, { reason: 'Trùng lịch hội nghị của phường' })
    expect(cancel.status).toBe(303)
    const cancelled = await (await secretary.get(cancel.headers.get('Location')!)).text()
    expect(cancelled).toContain('Đã hủy buổi sinh hoạt.')
    expect(cancelled).toContain('Lý do hủy: Trùng lịch hội nghị của phường')
    expect(await notices()).toContain('Hủy buổi sinh hoạt: Chuyên đề học tập Nghị quyết')
    expect(await notices()).toContain('Lý do: Trùng lịch hội nghị của phường')
    const list = await (await secretary.get('/meetings')).text()
    expect(list).toContain('Chuyên đề học tập Nghị quyết')
    expect(list).toContain('Đã hủy')
    expect((await secretary.get(`${meetingUrl}/edit`)).status).toBe(404)
  })
})

describe('who sees a meeting', () => {
  it('a member of the cell and the committees above see it; a member of a sibling cell gets 404 like a missing id', async () => {
    const fresh = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title: 'Buổi họp riêng của chi bộ', date: tomorrow(), time: '19:30' })
    const url = fresh.headers.get('Location')!.split('?')[0]
    for (const login of [LOGINS.member, LOGINS.grassroots, LOGINS.staff]) {
      const agent = await t.signIn(login)
      expect((await agent.get(url)).status).toBe(200)
      expect(await (await agent.get('/meetings')).text()).toContain('Buổi họp riêng của chi bộ')
    }
    const agent = await signInMemberOf(t, 'ns.tp1.g1.c2')
    const sibling = agent.login
    const siblingClaims = await claimsOf(t, sibling)
    const seen = await t.runtime.data.withUser(siblingClaims, (tx) => tx.query(`select id from public.meetings`))
    expect(seen).toEqual([])
    const outside = await agent.get(url)
    const missing = await agent.get(`/meetings/${crypto.randomUUID()}`)
    expect(outside.status).toBe(404)
    expect(await outside.text()).toBe(await missing.text())
  })
})

describe('the meeting list', () => {
  it('pages through upcoming meetings (soonest first) then past ones (latest first), each once', async () => {
    await t.runtime.data.asSystem('test: two years of a cell’s meetings around today', (tx) =>
      tx.query(
        `insert into public.meetings (org_id, kind, title, starts_at, recorded_late)
         select $1, 'regular', 'Lịch sử ' || g, now() + (g || ' days')::interval, g < 0 from generate_series(-40, 10, 2) g`,
        [cellId],
      ),
    )
    const expected = await t.runtime.data.asSystem('test: the order a member should see', async (tx) =>
      (
        await tx.query<{ id: string }>(
          `select id from public.meetings where org_id = $1
          order by starts_at < now() - interval '3 hours', case when starts_at >= now() - interval '3 hours' then starts_at end, starts_at desc`,
          [cellId],
        )
      ).map((r) => r.id),
    )
    const member = await t.signIn(LOGINS.member)
    const seen: string[] = []
    for (let page = 1; page <= Math.ceil(expected.length / 20); page++) {
      const html = await (await member.get(`/meetings?page=${page}`)).text()
      seen.push(...[...html.matchAll(/<a href="\/meetings\/([0-9a-f-]{36})"><strong>/g)].map((m) => m[1]))
    }
    expect(seen).toEqual(expected)
  })
})
