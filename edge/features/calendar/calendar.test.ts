import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LOGINS,
  claimsOf,
  memberIdOf,
  orgIdByPath,
  scheduleMeeting,
  signInMemberOf,
  testApp,
  tomorrow,
  type Agent,
  type TestApp,
} from '../../../test/support.ts'

let t: TestApp
let ward: Agent
let member: Agent
const LONG_TITLE = 'Hội nghị học tập, quán triệt Nghị quyết; triển khai nhiệm vụ năm 2027 của Đảng bộ phường Minh Khai (toàn thể đảng viên tham dự)'

/** Parses an iCalendar text back with ical.js: summary, start, all-day and location of each event. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text))
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const event = new ICAL.Event(v)
    return { uid: event.uid, summary: event.summary, start: event.startDate.toJSDate(), allDay: event.startDate.isDate, location: event.location }
  })
}

beforeAll(async () => {
  t = await testApp({ members: 200 })
  ward = await t.signIn(LOGINS.grassroots)
  member = await t.signIn(LOGINS.member)
  const res = await ward.post('/calendar/events', {
    org_id: await orgIdByPath(t, 'ns.tp1.g1'),
    title: LONG_TITLE,
    date: tomorrow(),
    start: '08:00',
    end: '11:30',
    place: 'Hội trường UBND phường, tầng 2; phòng 201',
    description: 'Dòng 1\nDòng 2',
  })
  expect(res.status).toBe(303)
  await scheduleMeeting(t, await t.signIn(LOGINS.cellSecretary), { title: 'Sinh hoạt chi bộ tháng 12' })
  await scheduleMeeting(t, await t.signIn(LOGINS.staff), { title: 'Họp của chi bộ khác' }, 'ns.tp1.g1.c2')
  const secretary = await t.signIn(LOGINS.cellSecretary)
  await secretary.post('/tasks', {
    org_id: await orgIdByPath(t, 'ns.tp1.g1.c1'),
    title: 'Nộp bản kiểm điểm',
    due_on: tomorrow(),
    priority: 'normal',
    member_ids: await memberIdOf(t, LOGINS.member),
  })
})
afterAll(() => t?.close())

describe('work calendar', () => {
  it('the organizer edits and deletes an event; others cannot', async () => {
    const res = await ward.post('/calendar/events', {
      org_id: await orgIdByPath(t, 'ns.tp1.g1'),
      title: 'Sự kiện tạm',
      date: tomorrow(),
      start: '14:00',
      end: '15:00',
    })
    const url = res.headers.get('Location')!.split('?')[0]
    const form = await (await ward.get(`${url}/edit`)).text()
    expect(form).toContain('value="Sự kiện tạm"')
    expect(form).toContain('value="14:00"')
    expect((await member.get(`${url}/edit`)).status).toBe(404)
    const bad = await ward.post(url, { org_id: await orgIdByPath(t, 'ns.tp1.g1'), title: 'Sự kiện đã sửa', date: tomorrow(), start: '16:00', end: '15:00' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('value="Sự kiện đã sửa"')
    await ward.post(url, { org_id: await orgIdByPath(t, 'ns.tp1.g1'), title: 'Sự kiện đã sửa', date: tomorrow(), start: '14:30', end: '15:30' })
    expect(await (await member.get(url)).text()).toContain('Sự kiện đã sửa')
    expect((await member.post(`${url}/delete`, {})).status).toBe(404)
    expect(await (await ward.submit(`${url}/delete`, {})).text()).toContain('Đã xóa sự kiện.')
    expect((await member.get(url)).status).toBe(404)
  })

  it('a member sees the ward’s event, the cell’s meeting and his/her task deadline on the day, in month, week and agenda views', async () => {
    for (const view of ['month', 'week', 'agenda']) {
      const html = await (await member.get(`/calendar?view=${view}&date=${tomorrow()}`)).text()
      expect(html).toContain('Hội nghị học tập, quán triệt Nghị quyết')
      expect(html).toContain('Sinh hoạt chi bộ tháng 12')
      expect(html).toContain('Hạn: Nộp bản kiểm điểm')
      expect(html).not.toContain('Họp của chi bộ khác')
    }
  })

  it('the event form explains bad input; a member cannot add events; outsiders get 404', async () => {
    const bad = await ward.post('/calendar/events', { org_id: await orgIdByPath(t, 'ns.tp1.g1'), title: 'Họp', date: tomorrow(), start: '10:00', end: '09:00' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Giờ kết thúc: phải sau giờ bắt đầu.')
    expect((await member.get('/calendar/events/new')).status).toBe(404)
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    const html = await (await outsider.get(`/calendar?view=agenda&date=${tomorrow()}`)).text()
    expect(html).not.toContain('Hội nghị học tập')
    const eventId = /href="\/calendar\/events\/([0-9a-f-]{36})"/.exec(await (await member.get(`/calendar?view=agenda&date=${tomorrow()}`)).text())![1]
    expect((await outsider.get(`/calendar/events/${eventId}`)).status).toBe(404)
  })

  it('the personal feed is valid iCalendar, holds only what the user may see, and dies when revoked', async () => {
    const page = await (await member.post('/calendar/feed', {})).text()
    const url = /id="feed-url" readonly="" value="([^"]+)"/.exec(page)![1]
    const path = new URL(url).pathname
    // the phone's calendar opens the same address by webcal:, and a button copies it
    expect(page).toContain(`href="${url.replace(/^https?:/, 'webcal:')}"`)
    expect(page).toContain('data-copy="#feed-url"')
    // the page's own address, opened again, is the calendar (the token is never shown twice)
    const again = await member.get('/calendar/feed')
    expect([again.status, again.headers.get('Location')]).toEqual([303, '/calendar'])
    const script = /src="(\/static\/js\/copy\.js\?v=[^"]+)"/.exec(page)?.[1]
    expect((await member.get(script!)).status).toBe(200)
    const feed = await t.anonymous().get(path)
    expect(feed.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8')
    const text = await feed.text()
    expect(text.split('\r\n').every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true)
    const events = parse(text)
    const ward = events.find((e) => e.summary === LONG_TITLE)!
    expect(ward.location).toBe('Hội trường UBND phường, tầng 2; phòng 201')
    expect(ward.start.toISOString()).toBe(new Date(`${tomorrow()}T08:00:00+07:00`).toISOString())
    expect(events.find((e) => e.summary === 'Hạn: Nộp bản kiểm điểm')?.allDay).toBe(true)
    expect(events.some((e) => e.summary === 'Sinh hoạt chi bộ tháng 12')).toBe(true)
    expect(events.some((e) => e.summary === 'Họp của chi bộ khác')).toBe(false)
    const renewed = await (await member.post('/calendar/feed', {})).text()
    expect((await t.anonymous().get(path)).status).toBe(404)
    const newPath = new URL(/id="feed-url" readonly="" value="([^"]+)"/.exec(renewed)![1]).pathname
    expect((await t.anonymous().get(newPath)).status).toBe(200)
    await member.post('/calendar/feed/revoke', {})
    expect((await t.anonymous().get(newPath)).status).toBe(404)
    expect((await t.anonymous().get('/calendar/feed/not-a-token.ics')).status).toBe(404)
  })

  it('nobody reads another user’s feed row or an event outside the audience through SQL', async () => {
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    await member.post('/calendar/feed', {})
    const claims = await claimsOf(t, outsider.login)
    const seen = await t.runtime.data.withUser(claims, async (tx) => [
      ...(await tx.query(`select 1 from public.calendar_feeds`)),
      ...(await tx.query(`select 1 from public.events`)),
      ...(await tx.query(`update public.events set title = 'x' returning 1`)),
    ])
    expect(seen).toEqual([])
    const ownCell = await orgIdByPath(t, 'ns.tp1.g2.c1')
    await expect(
      t.runtime.data.withUser(claims, (tx) =>
        tx.query(`insert into public.events (org_id, title, starts_at, ends_at) values ($1, 'x', now(), now())`, [ownCell]),
      ),
    ).rejects.toMatchObject({ code: '42501' })
  })
})
