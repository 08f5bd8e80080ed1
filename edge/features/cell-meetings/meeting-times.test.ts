import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { defaultMeetingDate } from './cell-meetings.forms.ts'
import { claimsOf, inDays, LOGINS, memberIdOf, orgIdByPath, setClock, scheduleMeeting, testApp, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let member: Agent
let cellId: string

const DAY = inDays(3)
/** A meeting on DAY at 19:30 (Vietnam time), chaired by the secretary, minutes by the member. */
const meeting = async (title: string) =>
  scheduleMeeting(t, secretary, {
    title,
    date: DAY,
    time: '19:30',
    chair_id: await memberIdOf(t, LOGINS.cellSecretary),
    note_taker_id: await memberIdOf(t, LOGINS.member),
  })

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  member = await t.signIn(LOGINS.member)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
})
afterEach(() => setClock(t, null))
afterAll(() => t?.close())

describe('scheduling in the past', () => {
  it('a date already past is refused unless the secretary says it records a meeting already held', async () => {
    const fields = { org_id: cellId, kind: 'regular', title: 'Họp hôm qua', date: inDays(-1), time: '19:30' }
    const refused = await secretary.post('/meetings', fields)
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Ngày giờ họp đã qua')
    const held = await secretary.post('/meetings', { ...fields, recorded_late: 'on' })
    expect(held.status).toBe(303)
    const page = await (await secretary.get(held.headers.get('Location')!)).text()
    expect(page).toContain('Đã diễn ra')
    expect(page).toContain('Ghi lại sau khi đã diễn ra')
  })
})

describe('the new meeting form', () => {
  it('proposes 19:30 today while it is ahead, tomorrow once it has passed (Vietnam time)', () => {
    // fixed date: a pure function of the instant it is given
    expect(defaultMeetingDate(new Date('2026-12-03T19:29:00+07:00'))).toBe('2026-12-03')
    expect(defaultMeetingDate(new Date('2026-12-03T19:31:00+07:00'))).toBe('2026-12-04')
    expect(defaultMeetingDate(new Date('2026-12-31T23:59:00+07:00'))).toBe('2027-01-01')
  })
})

describe('check-in', () => {
  it('opens an hour before the start: refused at 18:29, accepted at 18:30', async () => {
    const id = await meeting('Họp điểm danh đúng giờ')
    await setClock(t, `${DAY}T18:29:00+07:00`)
    const early = await member.post(`/meetings/${id}/check-in`, {}, { htmx: true })
    expect(early.status).toBe(400)
    expect(await early.text()).toContain('Chưa đến giờ điểm danh')
    expect(await (await member.get(`/meetings/${id}`)).text()).toContain('Điểm danh mở lúc 18:30')
    await setClock(t, `${DAY}T18:30:00+07:00`)
    const onTime = await member.post(`/meetings/${id}/check-in`, {}, { htmx: true })
    expect(onTime.status).toBe(200)
    expect(await onTime.text()).toContain('Bạn: Có mặt')
  })

  it('members check themselves in until the end of the meeting day; the secretary records later too', async () => {
    const id = await meeting('Họp điểm danh muộn')
    const other = await meeting('Họp điểm danh cuối ngày')
    await setClock(t, `${inDays(4)}T00:00:00+07:00`)
    const late = await member.post(`/meetings/${id}/check-in`, {}, { htmx: true })
    expect(late.status).toBe(400)
    expect(await late.text()).toContain('Đã hết giờ tự điểm danh')
    const me = await memberIdOf(t, LOGINS.member)
    const recorded = await secretary.post(`/meetings/${id}/attendance`, { member_id: me, status: 'present', by_proxy: 'on' }, { htmx: true })
    expect(recorded.status).toBe(200)
    await setClock(t, `${DAY}T23:59:00+07:00`)
    expect((await member.post(`/meetings/${other}/check-in`, {}, { htmx: true })).status).toBe(200)
  })

  it('a plain form post redirects to the meeting with its message', async () => {
    const id = await meeting('Họp không có JavaScript')
    await setClock(t, `${DAY}T19:00:00+07:00`)
    const res = await member.post(`/meetings/${id}/check-in`, {})
    expect(res.status).toBe(303)
    const page = await (await member.get(res.headers.get('Location')!)).text()
    expect(page).toContain('Đã điểm danh: có mặt.')
  })
})

describe('the vote and the minutes wait for the start; comments close with the minutes', () => {
  it('before the start: no vote, no minutes; from the start: both; after approval: no comment, no attendance change', async () => {
    const id = await meeting('Họp theo giờ')
    await setClock(t, `${DAY}T19:29:00+07:00`)
    const early = await secretary.post(`/votes/meetings/${id}/open`, {}, { htmx: true })
    expect(await early.text()).toContain('biểu quyết chỉ mở khi buổi sinh hoạt đã bắt đầu')
    const refusedInDb = await t.runtime.data
      .withUser(await claimsOf(t, LOGINS.cellSecretary), (tx) => tx.query(`insert into public.meeting_ballots (meeting_id) values ($1)`, [id]))
      .catch((e) => (e as { code?: string }).code)
    expect(refusedInDb).toBe('55000')
    const draftEarly = await member.post(`/minutes/meetings/${id}`, {})
    expect(await draftEarly.text()).toContain('biên bản được lập và duyệt từ khi buổi sinh hoạt bắt đầu')
    expect((await member.post(`/comments/meetings/${id}`, { body: 'Ý kiến trước giờ họp' }, { htmx: true })).status).toBe(200)

    await setClock(t, `${DAY}T19:30:00+07:00`)
    await member.post(`/meetings/${id}/check-in`, {}, { htmx: true })
    expect(await (await secretary.post(`/votes/meetings/${id}/open`, {}, { htmx: true })).text()).toContain('Đã mở biểu quyết.')
    expect(await (await secretary.post(`/votes/meetings/${id}/close`, {}, { htmx: true })).text()).toContain('Đã kết thúc biểu quyết.')
    await member.post(`/minutes/meetings/${id}`, {})
    const page = await (await secretary.get(`/minutes/meetings/${id}`)).text()
    const revision = /name="revision" value="(\d+)"/.exec(page)![1]
    const approved = await secretary.post(`/minutes/meetings/${id}/approve`, { revision })
    expect(approved.status).toBe(303)

    const late = await member.post(`/comments/meetings/${id}`, { body: 'Ý kiến sau khi khóa biên bản' }, { htmx: true })
    expect(late.status).toBe(400)
    expect(await late.text()).toContain('Biên bản đã được duyệt')
    expect(await (await member.get(`/comments/meetings/${id}`, { htmx: true })).text()).not.toContain('id="comment-form"')
    const me = await memberIdOf(t, LOGINS.member)
    const frozen = await secretary.post(`/meetings/${id}/attendance`, { member_id: me, status: 'absent_unexcused' }, { htmx: true })
    expect(frozen.status).toBe(400)
    expect(await frozen.text()).toContain('điểm danh không thay đổi được nữa')
  })
})

describe('plain form posts (no htmx) land on the page they changed', () => {
  it('comment, vote, minutes and cancel answer 303 to a page that reloads without posting again', async () => {
    const id = await meeting('Họp không dùng htmx')
    await setClock(t, `${DAY}T19:40:00+07:00`)
    await member.post(`/meetings/${id}/check-in`, {})
    const comment = await member.post(`/comments/meetings/${id}`, { body: 'Ý kiến gửi không có JavaScript' })
    expect(comment.status).toBe(303)
    expect(await (await member.get(comment.headers.get('Location')!)).text()).toContain('Đã gửi ý kiến.')
    const opened = await secretary.post(`/votes/meetings/${id}/open`, {})
    expect(opened.status).toBe(303)
    expect(await (await secretary.get(opened.headers.get('Location')!)).text()).toContain('Đã mở biểu quyết.')
    const draft = await member.post(`/minutes/meetings/${id}`, {})
    expect(draft.status).toBe(303)
    expect(await (await member.get(draft.headers.get('Location')!)).text()).toContain('Đã lập dự thảo biên bản')
    const other = await scheduleMeeting(t, secretary, { title: 'Họp sẽ hủy', date: inDays(5) })
    const cancelled = await secretary.post(`/meetings/${other}/cancel`, { reason: 'Trùng lịch họp của phường' })
    expect(cancelled.status).toBe(303)
    expect(await (await secretary.get(cancelled.headers.get('Location')!)).text()).toContain('Đã hủy buổi sinh hoạt.')
  })
})
