import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, orgIdByPath, signInMemberOf, testApp, tomorrow, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let member: Agent
let meetingId: string
let base: string

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  member = await t.signIn(LOGINS.member)
  const cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
  const res = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title: 'Họp góp ý', date: tomorrow(), time: '19:30' })
  meetingId = res.headers.get('Location')!.split('?')[0].split('/').pop()!
  base = `/comments/meetings/${meetingId}`
})
afterAll(() => t?.close())

describe('comments before the meeting', () => {
  it('a member comments; the secretary sees it and takes it into the resolution; the member sees that', async () => {
    const posted = await member.post(base, { body: 'Đề nghị bổ sung chỉ tiêu kết nạp đảng viên mới.' }, { htmx: true })
    const html = await posted.text()
    expect(html.startsWith('<form id="comment-form"')).toBe(true)
    expect(html).toContain('Đã gửi ý kiến.')
    expect(html).not.toContain('Đề nghị bổ sung chỉ tiêu')
    const thread = await (await secretary.get(base, { htmx: true })).text()
    expect(thread).toContain('Nguyễn Thị Hồng Nhung')
    const commentId = /id="comment-([0-9a-f-]{36})"/.exec(thread)![1]
    const marked = await (await secretary.post(`${base}/${commentId}/taken`, { taken: 'true' }, { htmx: true })).text()
    expect(marked).toContain('Đã đánh dấu: tiếp thu vào nghị quyết.')
    expect(marked).toContain(`id="comment-${commentId}" hx-swap-oob="true"`)
    expect(await (await member.get(base, { htmx: true })).text()).toContain('Đã tiếp thu vào nghị quyết')
  })

  it('renders hostile text as text, never as markup', async () => {
    const payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "';alert(1);//", '\u202Egnp.exe', '<a href="javascript:alert(1)">x</a>']
    for (const p of payloads) await member.post(base, { body: p }, { htmx: true })
    const html = await (await member.get(base, { htmx: true })).text()
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<a href="javascript:')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('refuses an empty or overlong comment, keeping the draft', async () => {
    const empty = await member.post(base, { body: '   ' }, { htmx: true })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('Ý kiến: hãy viết nội dung.')
    const long = await member.post(base, { body: 'ý'.repeat(2500) }, { htmx: true })
    expect(long.status).toBe(400)
    expect(await long.text()).toContain('Ý kiến: tối đa 2000 ký tự.')
  })

  it('slows down a member who sends more than 10 comments a minute', async () => {
    const secretaryAsMember = secretary
    let last = 0
    for (let i = 0; i < 11; i++) last = (await secretaryAsMember.post(base, { body: `Ý kiến số ${i}` }, { htmx: true })).status
    expect(last).toBe(429)
    const res = await secretaryAsMember.post(base, { body: 'Thêm một ý kiến' }, { htmx: true })
    expect(await res.text()).toContain('Vui lòng đợi một chút')
  })

  it('the secretary hides an improper comment with a reason; others no longer see its text; it is audited', async () => {
    await member.post(base, { body: 'Nội dung không phù hợp cần ẩn' }, { htmx: true })
    const thread = await (await secretary.get(base, { htmx: true })).text()
    const id = /id="comment-([0-9a-f-]{36})"(?:(?!<\/li>).)*Nội dung không phù hợp cần ẩn/s.exec(thread)![1]
    const noReason = await secretary.post(`${base}/${id}/hide`, { reason: '' }, { htmx: true })
    expect(noReason.status).toBe(400)
    await secretary.post(`${base}/${id}/hide`, { reason: 'Không đúng chủ đề' }, { htmx: true })
    const grassroots = await t.signIn(LOGINS.grassroots)
    const seen = await (await grassroots.get(base, { htmx: true })).text()
    expect(seen).toContain('Ý kiến đã bị ẩn: Không đúng chủ đề')
    const audited = await t.runtime.data.asSystem(
      'test: audit of the hide',
      async (tx) =>
        (await tx.query<{ n: number }>(`select count(*)::int as n from public.audit_log where action = 'comment.hide' and entity_id = $1`, [id]))[0].n,
    )
    expect(audited).toBe(1)
    const rows = await t.runtime.data.asSystem(
      'test: hidden rows for another member',
      async (tx) => await tx.query<{ hidden: boolean }>(`select hidden from public.meeting_comments where id = $1`, [id]),
    )
    expect(rows[0].hidden).toBe(true)
  })

  it('a member cannot mark or hide, and a member of a sibling cell gets 404 on the thread', async () => {
    const thread = await (await member.get(base, { htmx: true })).text()
    expect(thread).not.toContain('Tiếp thu vào nghị quyết</button>')
    const id = /id="comment-([0-9a-f-]{36})"/.exec(thread)![1]
    expect((await member.post(`${base}/${id}/taken`, { taken: 'true' }, { htmx: true })).status).toBe(404)
    const sibling = await signInMemberOf(t, 'ns.tp1.g1.c2')
    const outside = await sibling.get(base)
    const missing = await sibling.get(`/comments/meetings/${crypto.randomUUID()}`)
    expect(outside.status).toBe(404)
    expect(await outside.text()).toBe(await missing.text())
    expect((await sibling.post(base, { body: 'Xen ngang' }, { htmx: true })).status).toBe(404)
    expect((await sibling.get('/comments/meetings/not-a-uuid')).status).toBe(404)
  })
})
