import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LOGINS,
  orgIdByPath,
  scheduleMeeting,
  sseFrames as frames,
  signInMemberOf,
  testApp,
  tomorrow,
  type Agent,
  type TestApp,
} from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let member: Agent
let base: string

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  member = await t.signIn(LOGINS.member)
  const cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
  const res = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title: 'Họp trực tiếp', date: tomorrow(), time: '19:30' })
  base = `/comments/meetings/${res.headers.get('Location')!.split('?')[0].split('/').pop()}`
})
afterAll(() => t?.close())

describe('live comment stream', () => {
  it('a comment posted by one participant reaches another open stream, escaped, with its id', async () => {
    const stream = await secretary.get(`${base}/stream`)
    expect(stream.headers.get('Content-Type')).toContain('text/event-stream')
    const received = frames(stream, 1)
    await new Promise((r) => setTimeout(r, 100))
    await member.post(base, { body: 'Trực tiếp: <script>alert(1)</script>' }, { htmx: true })
    const [frame] = await received
    expect(frame.data).toContain('&lt;script&gt;')
    expect(frame.data).not.toContain('<script>')
    expect(frame.data).toContain(`id="comment-${frame.id}"`)
    expect(frame.data).toContain('Tiếp thu vào nghị quyết')
    // the counter travels with the comment, so "n ý kiến" follows the list
    expect(frame.data).toMatch(/<p class="muted" id="comment-count" hx-swap-oob="true">1 ý kiến<\/p>/)
  })

  it('a reconnect with Last-Event-ID gets exactly what it missed, in order', async () => {
    const first = await member.post(base, { body: 'Mốc trước khi mất kết nối' }, { htmx: true })
    expect(first.status).toBe(200)
    const firstId = [...(await (await member.get(base, { htmx: true })).text()).matchAll(/id="comment-([0-9a-f-]{36})"/g)].at(-1)![1]
    for (const n of [1, 2, 3]) await member.post(base, { body: `Khi mất kết nối ${n}` }, { htmx: true })
    const resumed = await member.request(`${base}/stream`, { headers: { 'Last-Event-ID': firstId } })
    const missed = await frames(resumed, 3)
    expect(missed.map((f) => /<p class="agenda">([^<]*)<\/p>/.exec(f.data)?.[1])).toEqual(['Khi mất kết nối 1', 'Khi mất kết nối 2', 'Khi mất kết nối 3'])
    expect(missed.some((f) => f.data.includes('Tiếp thu vào nghị quyết'))).toBe(false)
  })

  it('a page that showed no comment yet gets, on connecting, those posted since it loaded', async () => {
    const fresh = `/comments/meetings/${await scheduleMeeting(t, secretary, { title: 'Họp mới' })}`
    const page = await (await member.get(fresh, { htmx: true })).text()
    expect(page).toContain(`hx-sse:connect="${fresh}/stream?after="`)
    await member.post(fresh, { body: 'Gửi trước khi luồng kịp mở' }, { htmx: true })
    const [frame] = await frames(await member.get(`${fresh}/stream?after=`), 1)
    expect(frame.data).toContain('Gửi trước khi luồng kịp mở')
  })

  it('hiding a comment reaches open streams as an in-place replacement', async () => {
    const posted = await member.post(base, { body: 'Sẽ bị ẩn' }, { htmx: true })
    expect(posted.status).toBe(200)
    const id = [...(await (await member.get(base, { htmx: true })).text()).matchAll(/id="comment-([0-9a-f-]{36})"/g)].at(-1)![1]
    const stream = await member.get(`${base}/stream`)
    const received = frames(stream, 1)
    await new Promise((r) => setTimeout(r, 100))
    await secretary.post(`${base}/${id}/hide`, { reason: 'Lạc đề' }, { htmx: true })
    const [frame] = await received
    expect(frame.id).toBe(id)
    expect(frame.data).toContain('hx-swap-oob="true"')
    expect(frame.data).toContain('Ý kiến đã bị ẩn: Lạc đề')
    expect(frame.data).not.toContain('Sẽ bị ẩn')
  })

  it('a member moved to another cell loses the stream at once, not at the next periodic check', async () => {
    const leaving = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const stream = await leaving.get(`${base}/stream`)
    expect(stream.status).toBe(200)
    const reader = stream.body!.getReader()
    await new Promise((r) => setTimeout(r, 100))
    const started = Date.now()
    await t.runtime.data.asSystem('test: the member is transferred to a sibling cell', async (tx) =>
      tx.query(
        `update public.members m set org_id = (select id from public.organizations where path = 'ns.tp1.g1.c2')
                 from public.accounts a join app.credentials c on c.user_id = a.user_id where a.member_id = m.id and c.login_phone = $1`,
        [leaving.login],
      ),
    )
    let done = false
    while (!done && Date.now() - started < 5000) done = (await reader.read()).done
    expect(done).toBe(true)
    expect((await leaving.get(`${base}/stream`)).status).toBe(404)
  })

  it('the stream answers 404 outside the cell, exactly like a missing meeting', async () => {
    const sibling = await signInMemberOf(t, 'ns.tp1.g1.c2')
    const outside = await sibling.get(`${base}/stream`)
    const missing = await sibling.get(`/comments/meetings/${crypto.randomUUID()}/stream`)
    expect(outside.status).toBe(404)
    expect(await outside.text()).toBe(await missing.text())
  })
})
