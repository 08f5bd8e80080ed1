import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, LOGINS, inDays, memberIdOf, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'
import { examWithResults, openCampaign, personOf, publishedDocument } from './resolution-study.support.ts'
import { asUser } from '../../../test/support.ts'

/*
 * The study pages as members and managers use them: the ward secretary (ns.tp1.g1) opens a
 * campaign through the form; the demo member of ns.tp1.g1.c1 studies and hands in a reflection;
 * the cell's secretary records a fellow member by proxy and reviews the reflection. Outsiders:
 * the secretary of ns.tp1.g2.c1 and the secretary of the sibling cell ns.tp1.g1.c2.
 */

let t: TestApp
let ward: Agent
let member: Agent
let secretary: Agent
let campaignId: string
let memberId: string
let fellow: Awaited<ReturnType<typeof personOf>>
let outsider: Awaited<ReturnType<typeof personOf>>
let sibling: Awaited<ReturnType<typeof personOf>>
let DOC: string

const studyRow = (member: string, campaign = campaignId) =>
  t.runtime.data.asSystem(
    'test: a study record',
    async (tx) =>
      (await tx.query<Record<string, unknown>>(`select * from public.study_records where campaign_id = $1 and member_id = $2`, [campaign, member]))[0],
  )

beforeAll(async () => {
  t = await testApp({ members: 200 })
  ward = await t.signIn(LOGINS.grassroots)
  member = await t.signIn(LOGINS.member)
  secretary = await t.signIn(LOGINS.cellSecretary)
  memberId = await memberIdOf(t, LOGINS.member)
  fellow = await personOf(t, 'ns.tp1.g1.c1', 'plain')
  outsider = await personOf(t, 'ns.tp1.g2.c1', 'secretary')
  sibling = await personOf(t, 'ns.tp1.g1.c2', 'secretary')
  DOC = await publishedDocument(t, 'ns', 'Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ')
})
afterAll(() => t?.close())

const form = (fields: Record<string, string> = {}) => ({
  title: 'Học tập, quán triệt Nghị quyết số 57-NQ/TW',
  document_id: DOC,
  extra_document_ids: '',
  extra_links: 'https://example.org/nq57-hoi-dap',
  exam_id: '',
  starts_on: inDays(0),
  due_on: inDays(10),
  description: '',
  ...fields,
})

describe('opening a campaign', () => {
  it('a committee opens a campaign for its ward through the form', async () => {
    const page = await (await ward.get('/study/new')).text()
    expect(page).toContain('Mở đợt học tập nghị quyết')
    const res = await ward.post('/study', form({ org_id: await orgIdByPath(t, 'ns.tp1.g1') }))
    expect(res.status).toBe(303)
    campaignId = res.headers.get('Location')!.split('?')[0].split('/').pop()!
    const shown = await (await ward.get(`/study/${campaignId}`)).text()
    expect(shown).toContain(`/library/${DOC}`)
    expect(shown).toContain('Nghị quyết số 57-NQ/TW về đột phá')
    expect(shown).toContain('https://example.org/nq57-hoi-dap')
    // a long address breaks after its slashes and dots (at 200 % zoom, 180 px, it widened the page)
    expect(shown).toMatch(/nofollow">https:\/\/<wbr\s*\/?>example\.<wbr\s*\/?>org\/<wbr\s*\/?>nq57-<wbr/)
  })

  it('the resolution and the quiz are picked by title or by a pasted address of their page', async () => {
    const page = await (await ward.get('/study/new')).text()
    expect(page).toContain(`<option value="/library/${DOC}" label="Nghị quyết số 57-NQ/TW về đột phá`)
    expect(page).toContain('list="study-documents"')
    const res = await ward.post(
      '/study',
      form({
        org_id: await orgIdByPath(t, 'ns.tp1.g1'),
        title: 'Đợt dán địa chỉ',
        document_id: `https://sotay.example.vn/library/${DOC.toUpperCase()}?part=2`,
      }),
    )
    expect(res.status).toBe(303)
    const id = res.headers.get('Location')!.split('?')[0].split('/').pop()!
    expect(await (await ward.get(`/study/${id}`)).text()).toContain(`/library/${DOC}`)
    const wrong = await ward.post(
      '/study',
      form({ org_id: await orgIdByPath(t, 'ns.tp1.g1'), title: 'Đợt sai', document_id: 'https://sotay.example.vn/library/' }),
    )
    expect(wrong.status).toBe(400)
  })

  it('shows errors next to the fields and keeps what was typed', async () => {
    const res = await ward.post(
      '/study',
      form({ org_id: await orgIdByPath(t, 'ns.tp1.g1'), title: '', due_on: inDays(-3), extra_links: 'javascript:alert(1)', document_id: 'abc' }),
    )
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Tên đợt học tập: bắt buộc nhập.')
    expect(html).toContain('Hạn hoàn thành: phải từ ngày bắt đầu trở đi.')
    expect(html).toContain('Liên kết: mỗi dòng là một địa chỉ')
    expect(html).toContain('Văn bản nghị quyết: không hợp lệ.')
    expect(html).toContain('javascript:alert(1)</textarea>')
    expect(html).toMatch(/aria-describedby="f-title-err"/)
  })

  it('a cell secretary cannot open one for the ward above, and a member without a role has no form', async () => {
    const before = await t.runtime.data.asSystem(
      'test: count',
      async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.study_campaigns`))[0].n,
    )
    const res = await secretary.post('/study', form({ org_id: await orgIdByPath(t, 'ns.tp1.g1') }))
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Chỉ mở đợt học tập cho tổ chức bạn quản lý.')
    const hostile = await ward.post('/study', form({ org_id: await orgIdByPath(t, 'ns.tp1.g2') }))
    expect(hostile.status).toBe(400)
    expect((await member.get('/study/new')).status).toBe(404)
    const after = await t.runtime.data.asSystem(
      'test: count',
      async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.study_campaigns`))[0].n,
    )
    expect(after).toBe(before)
  })
  it('the resolution, extra documents and the quiz must be ones the author can see in the library and exams', async () => {
    const other = await examWithResults(t, 'ns.tp1.g2', [])
    const nsId = await orgIdByPath(t, 'ns')
    const draft = await t.runtime.data.asSystem(
      'test: a draft',
      async (tx) =>
        (
          await tx.query<{ id: string }>(
            `insert into public.documents (org_id, kind, category, title) values ($1, 'document', 'party', 'Bản nháp') returning id`,
            [nsId],
          )
        )[0].id,
    )
    const res = await ward.post(
      '/study',
      form({ org_id: await orgIdByPath(t, 'ns.tp1.g1'), document_id: crypto.randomUUID(), extra_document_ids: `${DOC}\n${draft}`, exam_id: other }),
    )
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Mã văn bản nghị quyết: không tìm thấy văn bản đã phát hành trong thư viện.')
    expect(html).toContain('Tài liệu tham khảo: có mã không tìm thấy')
    expect(html).toContain('Mã bài kiểm tra: không tìm thấy bài kiểm tra bạn được xem.')
  })
})

describe('the member studies', () => {
  it('sees the campaign on the list and on the home card, with what is left to do', async () => {
    expect(await (await member.get('/study')).text()).toContain('Học tập, quán triệt Nghị quyết số 57-NQ/TW')
    const card = await (await member.get('/study/summary', { htmx: true })).text()
    expect(card).toMatch(/^<section class="card"/)
    expect(card).toContain('Còn: ghi nhận đã học tập, nộp bài thu hoạch.')
  })

  it('an outsider sees neither the campaign nor it on his list or card (404 on its page)', async () => {
    const other = await outsider.agent()
    expect((await other.get(`/study/${campaignId}`)).status).toBe(404)
    expect(await (await other.get('/study')).text()).not.toContain('Nghị quyết số 57')
    expect(await (await other.get('/study/summary')).text()).toContain('Không có đợt học tập nào đang chờ bạn.')
    expect((await other.post(`/study/${campaignId}/studied`, {})).status).toBe(404)
    expect((await other.post(`/study/${campaignId}/reflection`, { reflection: 'x' })).status).toBe(404)
  })

  it('records her own study', async () => {
    const res = await member.submit(`/study/${campaignId}/studied`, {})
    expect(await res.text()).toContain('Đã ghi nhận bạn đã học tập nghị quyết.')
    expect(await studyRow(memberId)).toMatchObject({ studied_by_proxy: false })
  })

  it('a reflection too long or empty is refused beside the field, the text kept', async () => {
    const empty = await member.post(`/study/${campaignId}/reflection`, { reflection: '   ' })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('Bài thu hoạch: bắt buộc nhập.')
    const long = await member.post(`/study/${campaignId}/reflection`, { reflection: `Dài ${'a'.repeat(4001)}` })
    expect(long.status).toBe(400)
    const html = await long.text()
    expect(html).toContain('Bài thu hoạch: tối đa 4000 ký tự.')
    expect(html).toContain(`Dài ${'a'.repeat(50)}`)
    expect((await studyRow(memberId)).reflection_status).toBe('none')
  })

  it('hands in a reflection', async () => {
    const res = await member.submit(`/study/${campaignId}/reflection`, { reflection: 'Nghị quyết 57 về khoa học, công nghệ…' })
    expect(await res.text()).toContain('Đã nộp bài thu hoạch.')
    expect((await studyRow(memberId)).reflection_status).toBe('submitted')
  })
})

describe('the cell secretary', () => {
  it('records by proxy a fellow member of his cell who attended the study session', async () => {
    const page = await (await secretary.get(`/study/${campaignId}/progress`)).text()
    expect(page).toContain('Đảng viên của chi bộ')
    expect(page).toContain(fellow.memberId)
    const res = await secretary.submit(`/study/${campaignId}/members/${fellow.memberId}/studied`, {})
    expect(await res.text()).toContain('Đã ghi nhận thay')
    expect(await studyRow(fellow.memberId)).toMatchObject({ studied_by_proxy: true, recorded_by: await memberIdOf(t, LOGINS.cellSecretary) })
    const again = await secretary.post(`/study/${campaignId}/members/${fellow.memberId}/studied`, {})
    expect(await again.text()).toContain('đã được ghi nhận học tập trước đó')
  })

  it('the secretary of a sibling cell and the ward above cannot record by proxy for the cell', async () => {
    const secretaryId = await memberIdOf(t, LOGINS.cellSecretary)
    const target = await t.runtime.data.asSystem(
      'test: another member of the cell',
      async (tx) =>
        (
          await tx.query<{ id: string }>(
            `select m.id from public.members m join public.organizations o on o.id = m.org_id where o.path = 'ns.tp1.g1.c1' and m.id <> all ($1::uuid[]) and m.deceased_on is null and m.left_on is null limit 1`,
            [[memberId, fellow.memberId, secretaryId]],
          )
        )[0].id,
    )
    const bySibling = await (await sibling.agent()).post(`/study/${campaignId}/members/${target}/studied`, {})
    expect(bySibling.status).toBe(404)
    const byWard = await ward.post(`/study/${campaignId}/members/${target}/studied`, {})
    expect(byWard.status).toBe(403)
    expect(await studyRow(target)).toBeUndefined()
  })

  it('returns a reflection with a reason; the member revises and hands it in again; the secretary accepts it', async () => {
    const recordId = (await studyRow(memberId)).id as string
    const page = await (await secretary.get(`/study/${campaignId}/records/${recordId}`)).text()
    expect(page).toContain('Nghị quyết 57 về khoa học, công nghệ…')
    const noReason = await secretary.post(`/study/${campaignId}/records/${recordId}/return`, { return_reason: ' ' })
    expect(noReason.status).toBe(400)
    expect(await noReason.text()).toContain('Lý do trả lại: bắt buộc nhập.')
    const card = await (await secretary.get('/study/summary')).text()
    expect(card).toContain('1 bài thu hoạch chờ đọc: Học tập, quán triệt Nghị quyết số 57-NQ/TW')
    expect(await (await ward.get('/study/summary')).text()).not.toContain('chờ đọc')
    await secretary.submit(`/study/${campaignId}/records/${recordId}/return`, { return_reason: 'Cần nêu việc làm cụ thể của bản thân.' })
    const mine = await (await member.get(`/study/${campaignId}`)).text()
    expect(mine).toContain('Lý do trả lại: Cần nêu việc làm cụ thể của bản thân.')
    expect(mine).toContain('Nộp lại bài thu hoạch')
    expect(await (await member.get('/study/summary')).text()).toContain('sửa và nộp lại bài thu hoạch')
    await member.submit(`/study/${campaignId}/reflection`, { reflection: 'Bản sửa: tôi sẽ số hóa sổ sách của chi bộ.' })
    // the ward reads it but does not review it; the member does not review her own
    expect((await ward.get(`/study/${campaignId}/records/${recordId}`)).status).toBe(200)
    expect((await ward.post(`/study/${campaignId}/records/${recordId}/accept`, {})).status).toBe(404)
    expect((await member.post(`/study/${campaignId}/records/${recordId}/accept`, {})).status).toBe(404)
    await secretary.submit(`/study/${campaignId}/records/${recordId}/accept`, {})
    expect(await studyRow(memberId)).toMatchObject({ reflection_status: 'accepted', reflection: 'Bản sửa: tôi sẽ số hóa sổ sách của chi bộ.' })
    expect(await (await member.get(`/study/${campaignId}`)).text()).toContain('Đã được chấp nhận')
  })
})

describe('completion per organization', () => {
  it('the ward sees its cells with members, studied, handed in and accepted; the cell row adds up', async () => {
    const c1 = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const counts = await asUser(t, LOGINS.grassroots, async (tx) => {
      const q = await import('./resolution-study.queries.ts')
      const org = await q.completionOrg(tx, campaignId, undefined)
      return { org, ...(await q.completion(tx, campaignId, org!, 1)) }
    })
    expect(counts.org?.path).toBe('ns.tp1.g1')
    const cell = counts.children.find((r) => r.id === c1)!
    expect(cell).toMatchObject({ studied: 2, proxied: 1, handed_in: 1, accepted: 1 })
    expect(cell.members).toBeGreaterThanOrEqual(3)
    expect(counts.total).toMatchObject({ studied: 2, proxied: 1, handed_in: 1, accepted: 1 })
    // the denominators (from the registration rollup) agree with a direct count of the members now
    const direct = await t.runtime.data.asSystem('test: members of the ward and of the cell', (tx) =>
      tx.query<{ ward: number; cell: number }>(
        `select count(*)::int as ward, count(*) filter (where m.org_id = $1)::int as cell from public.members m
          where m.org_path <@ 'ns.tp1.g1'::extensions.ltree and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())`,
        [c1],
      ),
    )
    expect(counts.total.members).toBe(direct[0].ward)
    expect(cell.members).toBe(direct[0].cell)
    const html = await (await ward.get(`/study/${campaignId}/progress`)).text()
    expect(html).toContain(`/study/${campaignId}/progress?org=${c1}`)
  })

  it('the pages of cells are paginated and swapped as a fragment', async () => {
    const res = await ward.get(`/study/${campaignId}/progress?page=1`, { htmx: true })
    const html = await res.text()
    expect(html).toMatch(/^<div id="study-progress">/)
  })

  it('hostile ids: an organization outside the campaign or the scope, a record of another campaign, garbage (404, nothing changed)', async () => {
    expect((await ward.get(`/study/${campaignId}/progress?org=${await orgIdByPath(t, 'ns.tp1.g2')}`)).status).toBe(404)
    expect((await secretary.get(`/study/${campaignId}/progress?org=${await orgIdByPath(t, 'ns.tp1.g1.c2')}`)).status).toBe(404)
    expect((await ward.get(`/study/${campaignId}/progress?org=nonsense`)).status).toBe(404)
    expect((await ward.get('/study/not-a-uuid')).status).toBe(404)
    expect((await ward.get(`/study/${crypto.randomUUID()}`)).status).toBe(404)
    const other = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', inDays(5), 'Đợt khác')
    const recordId = (await studyRow(memberId)).id as string
    expect((await secretary.get(`/study/${other}/records/${recordId}`)).status).toBe(404)
    expect((await secretary.post(`/study/${other}/records/${recordId}/return`, { return_reason: 'x' })).status).toBe(404)
    const outside = await outsider.agent()
    expect((await outside.get(`/study/${campaignId}/progress`)).status).toBe(404)
    expect((await outside.get(`/study/${campaignId}/records/${recordId}`)).status).toBe(404)
    expect((await outside.post(`/study/${campaignId}/records/${recordId}/accept`, {})).status).toBe(404)
    expect((await outside.post(`/study/${campaignId}/close`, {})).status).toBe(404)
    expect((await member.post(`/study/${campaignId}/close`, {})).status).toBe(404)
    expect((await studyRow(memberId)).reflection_status).toBe('accepted')
  })

  it('with a quiz: passed attempts count per organization; the member sees she passed, the secretary sees who did', async () => {
    const exam = await examWithResults(t, 'ns.tp1.g1', [
      { memberId, passed: true },
      { memberId: fellow.memberId, passed: false },
    ])
    const res = await ward.post('/study', form({ org_id: await orgIdByPath(t, 'ns.tp1.g1'), exam_id: exam, title: 'Đợt có bài kiểm tra' }))
    expect(res.status).toBe(303)
    const id = res.headers.get('Location')!.split('?')[0].split('/').pop()!
    const counts = await asUser(t, LOGINS.grassroots, async (tx) => {
      const q = await import('./resolution-study.queries.ts')
      const org = await q.completionOrg(tx, id, undefined)
      return q.completion(tx, id, org!, 1)
    })
    expect(counts.total.quiz_passed).toBe(1)
    const page = await (await member.get(`/study/${id}`)).text()
    expect(page).toContain(`/exams/${exam}`)
    expect(page).toContain('Bạn đã đạt')
    const cell = await (await secretary.get(`/study/${id}/progress`)).text()
    expect(cell).toContain('Đạt bài kiểm tra')
    // the fellow took it and failed; the cell's others have not taken it, which is not failing it
    expect(cell).toContain('Chưa đạt')
    expect(cell).toContain('Chưa làm')
  })

  it('the committee ends a campaign: nothing more is recorded, and it leaves the home card once done with', async () => {
    const id = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', inDays(2), 'Đợt sẽ kết thúc')
    expect(await (await member.get('/study/summary')).text()).toContain('Đợt sẽ kết thúc')
    expect((await secretary.post(`/study/${id}/close`, {})).status).toBe(404)
    const closed = await ward.submit(`/study/${id}/close`, {})
    expect(await closed.text()).toContain('Đã kết thúc đợt học tập.')
    const refused = await member.post(`/study/${id}/studied`, {})
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Đợt học tập chưa bắt đầu hoặc đã kết thúc.')
    expect(await studyRow(memberId, id)).toBeUndefined()
    expect(await (await member.get('/study/summary')).text()).not.toContain('Đợt sẽ kết thúc')
  })

  it('the committee edits an open campaign (not its audience); others cannot (404, nothing changed)', async () => {
    const id = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', inDays(4), 'Đợt để sửa')
    const page = await (await ward.get(`/study/${id}/edit`)).text()
    expect(page).toContain('Đợt để sửa')
    for (const agent of [secretary, member, await outsider.agent()]) {
      expect((await agent.get(`/study/${id}/edit`)).status).toBe(404)
      expect((await agent.post(`/study/${id}`, form({ org_id: await orgIdByPath(t, 'ns.tp1.g1'), title: 'Chiếm quyền' }))).status).toBe(404)
    }
    const invalid = await ward.post(`/study/${id}`, form({ org_id: await orgIdByPath(t, 'ns.tp1.g1'), title: 'Tên mới', due_on: 'ngày mai' }))
    expect(invalid.status).toBe(400)
    const html = await invalid.text()
    expect(html).toContain('Hạn hoàn thành: ngày không hợp lệ')
    expect(html).toContain('value="Tên mới"')
    // a hostile audience in the form is ignored: the campaign keeps its organization
    const saved = await ward.submit(`/study/${id}`, form({ org_id: await orgIdByPath(t, 'ns.tp1.g2'), title: 'Đợt đã sửa', due_on: inDays(9) }))
    expect(await saved.text()).toContain('Đã lưu thay đổi của đợt học tập.')
    const row = await t.runtime.data.asSystem(
      'test: the campaign',
      async (tx) =>
        (
          await tx.query<{ title: string; org_id: string; due_on: string }>(
            `select title, org_id, to_char(due_on, 'YYYY-MM-DD') as due_on from public.study_campaigns where id = $1`,
            [id],
          )
        )[0],
    )
    expect(row).toEqual({ title: 'Đợt đã sửa', org_id: await orgIdByPath(t, 'ns.tp1.g1'), due_on: inDays(9) })
  })

  it('a member without a role sees no completion', async () => {
    expect((await member.get(`/study/${campaignId}/progress`)).status).toBe(404)
    expect(await (await member.get(`/study/${campaignId}`)).text()).not.toContain('Xem kết quả học tập')
  })

  it('a member who left the Party is no longer counted, in the records as in the members', async () => {
    const c1 = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const before = await asUser(t, LOGINS.grassroots, async (tx) => {
      const q = await import('./resolution-study.queries.ts')
      return (await q.completion(tx, campaignId, (await q.completionOrg(tx, campaignId, c1))!, 1)).total
    })
    await t.runtime.data.asSystem('test: a member leaves', (tx) =>
      tx.query(`update public.members set left_on = app.today() - 1 where id = $1`, [fellow.memberId]),
    )
    const after = await asUser(t, LOGINS.grassroots, async (tx) => {
      const q = await import('./resolution-study.queries.ts')
      return (await q.completion(tx, campaignId, (await q.completionOrg(tx, campaignId, c1))!, 1)).total
    })
    expect(after.members).toBe(before.members - 1)
    expect(after.studied).toBe(before.studied - 1)
    expect(after.proxied).toBe(before.proxied - 1)
  })

  it("a reflection is shown as text: markup in it is escaped on the member's and the secretary's pages", async () => {
    const id = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', inDays(6), 'Đợt kiểm tra hiển thị')
    await member.submit(`/study/${id}/reflection`, { reflection: '<script>alert(1)</script> & <b>đậm</b>' })
    const mine = await (await member.get(`/study/${id}`)).text()
    expect(mine).not.toContain('<script>alert(1)')
    expect(mine).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const recordId = (await studyRow(memberId, id)).id as string
    const read = await (await secretary.get(`/study/${id}/records/${recordId}`)).text()
    expect(read).not.toContain('<b>đậm</b>')
    expect(read).toContain('&lt;b&gt;đậm&lt;/b&gt;')
  })
})
