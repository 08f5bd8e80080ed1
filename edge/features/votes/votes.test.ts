import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  claimsOf,
  LOGINS,
  memberIdOf,
  scheduleMeeting,
  setClock,
  signInMemberOf,
  tomorrow,
  sseFrames,
  testApp,
  type Agent,
  type TestApp,
} from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let member: Agent
let meetingId: string
let base: string

const setStatus = (memberId: string, status: 'official' | 'probationary') =>
  t.runtime.data.asSystem('test: make a member official or probationary', (tx) =>
    tx.query(`update public.members set status = $2 where id = $1`, [memberId, status]),
  )
const tallyOf = (html: string) => [...html.matchAll(/(Tán thành|Không tán thành|Không biểu quyết): <strong>(\d+)<\/strong>/g)].map((m) => `${m[1]} ${m[2]}`)

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  member = await t.signIn(LOGINS.member)
  meetingId = await scheduleMeeting(t, secretary, { title: 'Họp biểu quyết' })
  // the meeting (tomorrow 19:30) are under way
  await setClock(t, `${tomorrow()}T19:45:00+07:00`)
  base = `/votes/meetings/${meetingId}`
  await setStatus(await memberIdOf(t, LOGINS.member), 'official')
})
afterAll(() => t?.close())

describe('the vote on the resolution', () => {
  it('before it opens, members see that it is not open and cannot vote; only managers see the open button', async () => {
    const html = await (await member.get(base, { htmx: true })).text()
    expect(html).toContain('Chưa mở biểu quyết.')
    expect(html).not.toContain('Mở biểu quyết</button>')
    expect(await (await secretary.get(base, { htmx: true })).text()).toContain('Mở biểu quyết</button>')
    const early = await member.post(base, { choice: 'for' }, { htmx: true })
    expect(early.status).toBe(400)
    expect(await early.text()).toContain('Biểu quyết chưa mở hoặc đã kết thúc.')
    expect((await member.post(`${base}/open`, {}, { htmx: true })).status).toBe(404)
  })

  it('an official member votes once present, may change the vote, and the tally counts one vote', async () => {
    const opened = await secretary.post(`${base}/open`, {}, { htmx: true })
    expect(await opened.text()).toContain('Kết thúc biểu quyết')
    const absent = await member.post(base, { choice: 'for' }, { htmx: true })
    expect(await absent.text()).toContain('Chỉ đảng viên chính thức đã điểm danh có mặt mới biểu quyết.')
    await member.post(`/meetings/${meetingId}/check-in`, {}, { htmx: true })
    const first = await (await member.post(base, { choice: 'for' }, { htmx: true })).text()
    expect(first).toContain('Bạn đã chọn: <strong>Tán thành</strong>')
    expect(tallyOf(first)).toEqual(['Tán thành 1', 'Không tán thành 0', 'Không biểu quyết 0'])
    const changed = await (await member.post(base, { choice: 'against' }, { htmx: true })).text()
    expect(tallyOf(changed)).toEqual(['Tán thành 0', 'Không tán thành 1', 'Không biểu quyết 0'])
    const bad = await member.post(base, { choice: 'maybe' }, { htmx: true })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Hãy chọn: tán thành, không tán thành hoặc không biểu quyết.')
  })

  it('a probationary member present does not vote, in the page and in the database', async () => {
    const probationer = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const id = await memberIdOf(t, probationer.login)
    await setStatus(id, 'probationary')
    await probationer.post(`/meetings/${meetingId}/check-in`, {}, { htmx: true })
    const res = await probationer.post(base, { choice: 'for' }, { htmx: true })
    expect(await res.text()).toContain('Chỉ đảng viên chính thức')
    const claims = await claimsOf(t, probationer.login)
    await expect(
      t.runtime.data.withUser(claims, (tx) => tx.query(`insert into public.meeting_votes (meeting_id, choice) values ($1, 'for')`, [meetingId])),
    ).rejects.toMatchObject({ code: '42501' })
  })

  it('an open stream receives the tally when someone votes, without the voter being named', async () => {
    const stream = await secretary.get(`${base}/stream`)
    const received = sseFrames(stream, 2)
    await new Promise((r) => setTimeout(r, 100))
    await member.post(base, { choice: 'abstain' }, { htmx: true })
    const [initial, live] = await received
    expect(tallyOf(initial.data)).toEqual(['Tán thành 0', 'Không tán thành 1', 'Không biểu quyết 0'])
    expect(tallyOf(live.data)).toEqual(['Tán thành 0', 'Không tán thành 0', 'Không biểu quyết 1'])
    expect(live.data).toContain('id="vote-tally"')
    expect(live.data).not.toContain('vote-buttons')
  })

  it('closing records the result, removes the buttons live, and no vote changes afterwards', async () => {
    const stream = await member.get(`${base}/stream`)
    const received = sseFrames(stream, 3)
    await new Promise((r) => setTimeout(r, 100))
    await member.post(base, { choice: 'for' }, { htmx: true })
    await new Promise((r) => setTimeout(r, 200))
    const closed = await (await secretary.post(`${base}/close`, {}, { htmx: true })).text()
    expect(closed).toContain('Đã kết thúc biểu quyết. Kết quả đã được ghi lại.')
    const frames = await received
    const last = frames.at(-1)!.data
    expect(last).toContain('<div id="vote-buttons" hx-swap-oob="true"></div>')
    expect(last).toContain('Nghị quyết được thông qua')
    const [ballot] = await t.runtime.data.asSystem('test: the recorded result', (tx) =>
      tx.query<{ status: string; result: Record<string, unknown> }>(`select status, result from public.meeting_ballots where meeting_id = $1`, [meetingId]),
    )
    expect(ballot).toEqual({ status: 'closed', result: { for: 1, against: 0, abstain: 0, eligible: 1, passed: true } })
    const late = await member.post(base, { choice: 'against' }, { htmx: true })
    expect(await late.text()).toContain('Biểu quyết chưa mở hoặc đã kết thúc.')
    const claims = await claimsOf(t, LOGINS.member)
    const changed = await t.runtime.data.withUser(claims, (tx) =>
      tx.query(`update public.meeting_votes set choice = 'against' where meeting_id = $1 returning 1`, [meetingId]),
    )
    expect(changed).toEqual([])
    // the page the member's plain post led to, reloaded after the close, no longer says the choice can change
    const reloaded = await (await member.get(`${base}?notice=cast`)).text()
    expect(reloaded).toContain('Biểu quyết đã kết thúc, không đổi được nữa.')
    expect(reloaded).not.toContain('Bạn có thể đổi')
    await expect(
      t.runtime.data.withUser(await claimsOf(t, LOGINS.cellSecretary), (tx) =>
        tx.query(`update public.meeting_ballots set status = 'open' where meeting_id = $1`, [meetingId]),
      ),
    ).rejects.toMatchObject({ code: '42501' })
  })

  it('someone from another cell sees nothing and can change nothing, including the stream', async () => {
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    for (const path of [base, `${base}/stream`]) expect((await outsider.get(path, { htmx: true })).status).toBe(404)
    expect((await outsider.post(base, { choice: 'for' }, { htmx: true })).status).toBe(404)
    const claims = await claimsOf(t, outsider.login)
    const seen = await t.runtime.data.withUser(claims, async (tx) => [
      ...(await tx.query(`select 1 from public.meeting_ballots where meeting_id = $1`, [meetingId])),
      ...(await tx.query(`select 1 from public.meeting_votes where meeting_id = $1`, [meetingId])),
    ])
    expect(seen).toEqual([])
    await expect(
      t.runtime.data.withUser(claims, (tx) => tx.query(`insert into public.meeting_votes (meeting_id, choice) values ($1, 'for')`, [meetingId])),
    ).rejects.toMatchObject({ code: '42501' })
  })
})
