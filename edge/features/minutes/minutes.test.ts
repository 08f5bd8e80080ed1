import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  claimsOf,
  LOGINS,
  memberIdOf,
  orgIdByPath,
  scheduleMeeting,
  setClock,
  signInMemberOf,
  tomorrow,
  testApp,
  type Agent,
  type TestApp,
} from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let noteTaker: Agent
let meetingId: string
let base: string
let cellId: string
let mates: { id: string; full_name: string }[]

const textarea = (html: string) => /<textarea id="f-minutes"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? ''
/** A plain form post answers 303 to the minutes' page: read where it leads. */
const follow = async (agent: Agent, res: Response) => (res.status === 303 ? agent.get(res.headers.get('Location')!) : res)
const revisionIn = (html: string) => /name="revision" value="(\d+)"/.exec(html)?.[1] ?? ''

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  noteTaker = await t.signIn(LOGINS.member)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
  meetingId = await scheduleMeeting(t, secretary, {
    title: 'Sinh hoạt tháng 12',
    place: 'Hội trường khu phố',
    agenda: 'Kiểm điểm công tác tháng',
    chair_id: await memberIdOf(t, LOGINS.cellSecretary),
    note_taker_id: await memberIdOf(t, LOGINS.member),
  })
  // the meeting (tomorrow 19:30) are under way
  await setClock(t, `${tomorrow()}T19:45:00+07:00`)
  base = `/minutes/meetings/${meetingId}`
  const officers = [await memberIdOf(t, LOGINS.cellSecretary), await memberIdOf(t, LOGINS.member)]
  mates = await t.runtime.data.asSystem('test: cell-mates', (tx) =>
    tx.query<{ id: string; full_name: string }>(
      `select id, full_name from public.members where org_id = $1 and id <> all ($2::uuid[]) order by full_name limit 2`,
      [cellId, officers],
    ),
  )
  await noteTaker.post(`/meetings/${meetingId}/check-in`, {}, { htmx: true })
  await secretary.post(`/meetings/${meetingId}/attendance`, { member_id: mates[0].id, status: 'absent_excused', reason: 'Ốm' }, { htmx: true })
  await secretary.post(`/meetings/${meetingId}/attendance`, { member_id: mates[1].id, status: 'absent_unexcused' }, { htmx: true })
  await noteTaker.post(`/comments/meetings/${meetingId}`, { body: 'Đề nghị bổ sung chỉ tiêu kết nạp đảng viên' }, { htmx: true })
  await secretary.post(`/votes/meetings/${meetingId}/open`, {}, { htmx: true })
  await secretary.post(`/votes/meetings/${meetingId}/close`, {}, { htmx: true })
})
afterAll(() => t?.close())

describe('minutes', () => {
  it('only the note-taker (or a manager) starts them; the draft is written from the meeting data', async () => {
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    expect((await other.post(base, {})).status).toBe(404)
    const html = await (await follow(noteTaker, await noteTaker.post(base, {}))).text()
    expect(html).toContain('Đã lập dự thảo biên bản')
    const body = textarea(html)
    const [counts] = await t.runtime.data.asSystem('test: the cell totals', (tx) =>
      tx.query<{ total: number; official: number; probationary: number; exempt: number }>(
        `select count(*)::int as total, count(*) filter (where status = 'official')::int as official,
                count(*) filter (where status = 'probationary')::int as probationary, count(*) filter (where exempt)::int as exempt
           from public.members where org_id = $1 and deceased_on is null and left_on is null`,
        [cellId],
      ),
    )
    expect(body).toContain(
      `Tổng số đảng viên của chi bộ: ${counts.total} (chính thức: ${counts.official}; dự bị: ${counts.probationary}; miễn sinh hoạt: ${counts.exempt}; sinh hoạt tạm thời: 0).`,
    )
    expect(body).toContain(`Vắng có lý do: 1 — ${mates[0].full_name} (Ốm).`)
    expect(body).toContain(`Vắng không lý do: 1 — ${mates[1].full_name}.`)
    expect(body).toContain('Có mặt: 1.')
    expect(body).toContain('Đề nghị bổ sung chỉ tiêu kết nạp đảng viên')
    expect(body).toContain('Kiểm điểm công tác tháng')
    expect(body).toMatch(/Tán thành: 0; không tán thành: 0; không biểu quyết: 0\. Nghị quyết chưa được thông qua\./)
    expect((await noteTaker.post(base, {})).status).toBe(409)
  })

  it('a draft is hidden from other members of the cell', async () => {
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const html = await (await other.get(base)).text()
    expect(html).toContain('Chưa có biên bản')
    expect(html).not.toContain('TÌNH HÌNH ĐẢNG VIÊN')
  })

  it('the note-taker edits; a stale revision keeps the text and says why; the chair cannot edit', async () => {
    const page = await (await noteTaker.get(base)).text()
    const revision = revisionIn(page)
    const saved = await (
      await follow(noteTaker, await noteTaker.post(`${base}/edit`, { body: `${textarea(page)}\nBổ sung: chi bộ thống nhất.`, revision }))
    ).text()
    expect(saved).toContain('Đã lưu biên bản.')
    expect(revisionIn(saved)).toBe(String(Number(revision) + 1))
    const stale = await noteTaker.post(`${base}/edit`, { body: 'Bản viết trên máy khác', revision })
    expect(stale.status).toBe(409)
    const staleHtml = await stale.text()
    expect(staleHtml).toContain('Biên bản vừa được người khác sửa hoặc đã duyệt.')
    expect(textarea(staleHtml)).toBe('Bản viết trên máy khác')
    const empty = await noteTaker.post(`${base}/edit`, { body: '  ', revision: revisionIn(saved) })
    expect(empty.status).toBe(400)
    expect((await secretary.post(`${base}/edit`, { body: 'Chủ trì sửa', revision: revisionIn(saved) })).status).toBe(404)
  })

  it('the chair approves the current revision; then the minutes are locked and every member reads them', async () => {
    const page = await (await secretary.get(base)).text()
    expect(page).toContain('Duyệt và khóa biên bản')
    // approving cannot be undone: the form asks once, saying what it locks
    expect(page).toMatch(/action="[^"]*\/approve" data-confirm="Duyệt biên bản sẽ khóa biên bản và chốt điểm danh/)
    expect((await secretary.post(`${base}/approve`, { revision: '1' })).status).toBe(409)
    const approved = await (await follow(secretary, await secretary.post(`${base}/approve`, { revision: revisionIn(page) }))).text()
    expect(approved).toContain('Đã duyệt biên bản.')
    expect(approved).not.toContain('id="f-minutes"')
    const refused = await noteTaker.post(`${base}/edit`, { body: 'Sửa sau khi duyệt', revision: revisionIn(page) })
    expect(refused.status).toBe(409)
    const claims = await claimsOf(t, LOGINS.member)
    expect(
      await t.runtime.data.withUser(claims, (tx) => tx.query(`update public.meeting_minutes set body = 'x' where meeting_id = $1 returning 1`, [meetingId])),
    ).toEqual([])
    await expect(
      t.runtime.data.asSystem('test: even the system path cannot rewrite approved minutes', (tx) =>
        tx.query(`update public.meeting_minutes set body = 'x' where meeting_id = $1`, [meetingId]),
      ),
    ).rejects.toMatchObject({ code: '42501' })
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const read = await (await other.get(base)).text()
    expect(read).toContain('Bổ sung: chi bộ thống nhất.')
    expect(read).toContain('In biên bản (A4)')
    // the attendance is final: the meeting page offers no control the database would refuse
    const meetingPage = await (await secretary.get(`/meetings/${meetingId}`)).text()
    expect(meetingPage).toContain('Biên bản đã duyệt: điểm danh đã chốt')
    expect(meetingPage).toContain('<span class="badge">Đã diễn ra</span>')
    expect(meetingPage).not.toContain(`action="/meetings/${meetingId}/attendance"`)
    // the comments the minutes record stay as recorded: no "taken" toggle, and a post or SQL changing one is refused
    const thread = await (await secretary.get(`/comments/meetings/${meetingId}`)).text()
    expect(thread).not.toContain('Tiếp thu vào nghị quyết</button>')
    const [comment] = await t.runtime.data.asSystem('test: the meeting’s comment', (tx) =>
      tx.query<{ id: string }>(`select id from public.meeting_comments where meeting_id = $1 limit 1`, [meetingId]),
    )
    const toggled = await secretary.post(`/comments/meetings/${meetingId}/${comment.id}/taken`, { taken: 'true' }, { htmx: true })
    expect(toggled.status).toBe(400)
    expect(await toggled.text()).toContain('Biên bản đã được duyệt và khóa')
    await expect(
      t.runtime.data.withUser(await claimsOf(t, LOGINS.cellSecretary), (tx) =>
        tx.query(`update public.meeting_comments set taken_into_resolution = true where id = $1`, [comment.id]),
      ),
    ).rejects.toMatchObject({ code: '55000' })
  })

  it('someone from another cell sees nothing and can change nothing', async () => {
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    expect((await outsider.get(base)).status).toBe(404)
    expect((await outsider.post(base, {})).status).toBe(404)
    const claims = await claimsOf(t, outsider.login)
    expect(await t.runtime.data.withUser(claims, (tx) => tx.query(`select 1 from public.meeting_minutes where meeting_id = $1`, [meetingId]))).toEqual([])
    expect(
      await t.runtime.data.withUser(claims, (tx) => tx.query(`update public.meeting_minutes set body = 'x' where meeting_id = $1 returning 1`, [meetingId])),
    ).toEqual([])
  })
})

describe('minutes and meeting agree', () => {
  it('the meeting page and the minutes count alike (an exempt member is counted apart, never "not yet recorded"); the names come from the meeting and stay once approved', async () => {
    await t.runtime.data.asSystem('test: one exempt member in the cell', (tx) =>
      tx.query(`update public.members set exempt = true, exempt_reason = 'Tuổi cao' where id = $1`, [mates[1].id]),
    )
    const chair = await memberIdOf(t, LOGINS.cellSecretary)
    const id = await scheduleMeeting(t, secretary, {
      title: 'Họp đối chiếu',
      time: '19:40',
      recorded_late: 'on',
      chair_id: chair,
      note_taker_id: await memberIdOf(t, LOGINS.member),
    })
    await noteTaker.post(`/meetings/${id}/check-in`, {}, { htmx: true })
    const page = await (await secretary.get(`/meetings/${id}`)).text()
    const unrecorded = /chưa điểm danh <strong>(\d+)<\/strong>/.exec(page)![1]
    await noteTaker.post(`/minutes/meetings/${id}`, {})
    const minutesPage = await (await noteTaker.get(`/minutes/meetings/${id}`)).text()
    expect(textarea(minutesPage)).toContain(`Chưa điểm danh: ${unrecorded} — `)
    expect(textarea(minutesPage)).not.toContain(mates[1].full_name)
    expect(textarea(minutesPage)).not.toContain('Chủ trì:')
    const revision = revisionIn(await (await secretary.get(`/minutes/meetings/${id}`)).text())
    expect((await secretary.post(`/minutes/meetings/${id}/approve`, { revision })).status).toBe(303)
    const moved = await secretary.post(`/meetings/${id}`, {
      org_id: cellId,
      kind: 'regular',
      title: 'Họp đối chiếu',
      date: tomorrow(),
      time: '19:40',
      recorded_late: 'on',
      chair_id: mates[0].id,
    })
    expect(moved.status).toBe(400)
    expect(await moved.text()).toContain('Biên bản đã được duyệt: không đổi được chủ trì')
  })

  it('a meeting without a note-taker has its chair write the minutes, and one without a chair has the cell secretary approve them', async () => {
    const chairOnly = await scheduleMeeting(t, secretary, {
      title: 'Họp không có thư ký',
      time: '19:35',
      recorded_late: 'on',
      chair_id: await memberIdOf(t, LOGINS.cellSecretary),
    })
    await secretary.post(`/minutes/meetings/${chairOnly}`, {})
    const drafted = await (await secretary.get(`/minutes/meetings/${chairOnly}`)).text()
    expect(drafted).toContain('id="f-minutes"')
    const edited = await follow(
      secretary,
      await secretary.post(`/minutes/meetings/${chairOnly}/edit`, { body: 'Biên bản do chủ trì viết', revision: revisionIn(drafted) }),
    )
    const page = await edited.text()
    expect(page).toContain('Đã lưu biên bản.')
    expect((await secretary.post(`/minutes/meetings/${chairOnly}/approve`, { revision: revisionIn(page) })).status).toBe(303)
    // a member who is neither chair nor note-taker still cannot edit
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    expect((await other.post(`/minutes/meetings/${chairOnly}/edit`, { body: 'Sửa trộm', revision: '1' })).status).toBe(404)

    const nobody = await scheduleMeeting(t, secretary, { title: 'Họp không có chủ trì', time: '19:36', recorded_late: 'on' })
    await secretary.post(`/minutes/meetings/${nobody}`, {})
    const open = await (await secretary.get(`/minutes/meetings/${nobody}`)).text()
    expect(open).toContain('id="f-minutes"')
    expect(open).toContain('Duyệt và khóa biên bản')
    expect((await other.post(`/minutes/meetings/${nobody}/approve`, { revision: revisionIn(open) })).status).toBe(404)
    // a manager above the cell does not take the empty seats (he/she could empty them first, then write and approve)
    const ward = await t.signIn(LOGINS.grassroots)
    expect((await ward.post(`/minutes/meetings/${nobody}/edit`, { body: 'Viết thay chi bộ', revision: revisionIn(open) })).status).toBe(404)
    expect((await ward.post(`/minutes/meetings/${nobody}/approve`, { revision: revisionIn(open) })).status).toBe(404)
    expect((await secretary.post(`/minutes/meetings/${nobody}/approve`, { revision: revisionIn(open) })).status).toBe(303)
  })
})
