import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, inDays, LOGINS, memberIdOf, orgIdByPath, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let member: Agent
let cellId: string
let taskUrl: string

const assignmentIds = (html: string) => [...html.matchAll(/action="\/tasks\/assignments\/([0-9a-f-]{36})\/report"/g)].map((m) => m[1])
const reviewIds = (html: string) => [...html.matchAll(/action="\/tasks\/assignments\/([0-9a-f-]{36})\/review"/g)].map((m) => m[1])
const noticesOf = (memberId: string, kind: string) =>
  t.runtime.data.asSystem(
    'test: notices of a member',
    async (tx) =>
      (await tx.query<{ n: number }>(`select count(*)::int as n from public.notifications where member_id = $1 and kind = $2`, [memberId, kind]))[0].n,
  )

beforeAll(async () => {
  t = await testApp({ members: 200 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  member = await t.signIn(LOGINS.member)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
})
afterAll(() => t?.close())

describe('assigning', () => {
  it('the form explains what is missing and keeps the input', async () => {
    const res = await secretary.post('/tasks', { org_id: cellId, title: 'Rà soát hồ sơ', due_on: inDays(-1), priority: 'normal' })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Hạn hoàn thành: không được trước hôm nay.')
    expect(html).toContain('Hãy chọn ít nhất một đảng viên hoặc một tổ chức nhận việc.')
    expect(html).toContain('value="Rà soát hồ sơ"')
  })

  it('a cell secretary assigns to two members; each is told', async () => {
    const form = new FormData()
    for (const [k, v] of Object.entries({
      org_id: cellId,
      title: 'Thu đảng phí quý IV',
      description: 'Thu và nộp trước hạn.',
      due_on: inDays(5),
      priority: 'high',
    }))
      form.set(k, v)
    form.append('member_ids', await memberIdOf(t, LOGINS.member))
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    form.append('member_ids', await memberIdOf(t, other.login))
    const res = await secretary.post('/tasks', form)
    expect(res.status).toBe(303)
    taskUrl = res.headers.get('Location')!.split('?')[0]
    const page = await (await secretary.get(res.headers.get('Location')!)).text()
    expect(page).toContain('Đã giao việc cho 2 người/tổ chức.')
    expect(await noticesOf(await memberIdOf(t, LOGINS.member), 'task.assigned')).toBe(1)
    const list = await (await secretary.get('/tasks?view=assigned&status=open')).text()
    expect(list).toContain('Thu đảng phí quý IV')
    expect(list).toContain('0/2 hoàn thành')
  })

  it('a member from another cell cannot be assigned by a cell secretary (nothing is created)', async () => {
    const outsider = await t.runtime.data.asSystem(
      'test: a member of another cell',
      async (tx) => (await tx.query<{ id: string }>(`select id from public.members where org_id <> $1 limit 1`, [cellId]))[0].id,
    )
    const res = await secretary.post('/tasks', { org_id: cellId, title: 'Giao nhầm', due_on: inDays(3), priority: 'normal', member_ids: outsider })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Chỉ giao việc trong phạm vi tổ chức bạn quản lý.')
    const [{ n }] = await t.runtime.data.asSystem('test: no task left behind', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.tasks where title = 'Giao nhầm'`),
    )
    expect(n).toBe(0)
  })

  it('an organization outside the scope refuses the whole task, as assignee or as every-member target (nothing is created)', async () => {
    const ward = await t.signIn(LOGINS.grassroots)
    const outside = await orgIdByPath(t, 'ns.tp1.g2.c1')
    for (const extra of [{}, { every_member: 'on' }] as Record<string, string>[]) {
      const res = await ward.post('/tasks', {
        org_id: await orgIdByPath(t, 'ns.tp1.g1'),
        title: 'Giao sang phường khác',
        due_on: inDays(3),
        priority: 'normal',
        org_ids: outside,
        ...extra,
      })
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('Chỉ giao việc trong phạm vi tổ chức bạn quản lý.')
    }
    const [{ n }] = await t.runtime.data.asSystem('test: no task left behind', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.tasks where title = 'Giao sang phường khác'`),
    )
    expect(n).toBe(0)
  })

  it('a ward secretary assigns to a cell, or to every member of it', async () => {
    const ward = await t.signIn(LOGINS.grassroots)
    const wardId = await orgIdByPath(t, 'ns.tp1.g1')
    const toCell = await ward.post('/tasks', { org_id: wardId, title: 'Báo cáo sơ kết', due_on: inDays(10), priority: 'normal', org_ids: cellId })
    expect(await (await ward.get(toCell.headers.get('Location')!)).text()).toContain('Đã giao việc cho 1 người/tổ chức.')
    expect(await (await secretary.get('/tasks?view=mine&status=open')).text()).toContain('Báo cáo sơ kết')
    const everyone = await ward.post('/tasks', {
      org_id: wardId,
      title: 'Học tập chuyên đề',
      due_on: inDays(10),
      priority: 'low',
      org_ids: cellId,
      every_member: 'on',
    })
    const [{ n }] = await t.runtime.data.asSystem('test: members of the cell', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.members where org_id = $1 and deceased_on is null and left_on is null`, [cellId]),
    )
    expect(await (await ward.get(everyone.headers.get('Location')!)).text()).toContain(`Đã giao việc cho ${n} người/tổ chức.`)
    // a whole subtree: the ward and every cell under it
    const wardWide = await ward.post('/tasks', {
      org_id: wardId,
      title: 'Tổng kết năm',
      due_on: inDays(12),
      priority: 'low',
      org_ids: wardId,
      every_member: 'on',
    })
    const [{ all }] = await t.runtime.data.asSystem('test: members of the ward', (tx) =>
      tx.query<{ all: number }>(
        `select count(*)::int as all from public.members m join public.organizations w on w.id = $1
          where m.org_path <@ w.path and m.deceased_on is null and m.left_on is null`,
        [wardId],
      ),
    )
    expect(all).toBeGreaterThan(n)
    expect(await (await ward.get(wardWide.headers.get('Location')!)).text()).toContain(`Đã giao việc cho ${all} người/tổ chức.`)
  })
})

describe('changing a task', () => {
  it('the assigner changes what is asked and by when; an assignee cannot', async () => {
    const form = await (await secretary.get(`${taskUrl}/edit`)).text()
    expect(form).toContain('value="Thu đảng phí quý IV"')
    expect((await member.get(`${taskUrl}/edit`)).status).toBe(404)
    const bad = await secretary.post(taskUrl, { title: '', due_on: inDays(6), priority: 'high' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Tên công việc: bắt buộc nhập.')
    const saved = await (
      await secretary.submit(taskUrl, { title: 'Thu đảng phí quý IV', description: 'Thu và nộp trước ngày 25.', due_on: inDays(6), priority: 'high' })
    ).text()
    expect(saved).toContain('Đã lưu thay đổi.')
    expect(await (await member.get(taskUrl)).text()).toContain('Thu và nộp trước ngày 25.')
    expect((await member.post(taskUrl, { title: 'Tự sửa', due_on: inDays(60), priority: 'low' })).status).toBe(404)
  })
})

describe('reporting and reviewing', () => {
  it('the assignee reports progress, then completion; the assigner is told', async () => {
    const page = await (await member.get(taskUrl)).text()
    const [mine] = assignmentIds(page)
    expect(assignmentIds(page)).toHaveLength(1)
    const half = await (await member.submit(`/tasks/assignments/${mine}/report`, { progress: '50', report: 'Đã thu 10/20 đồng chí.' })).text()
    expect(half).toContain('Đã gửi báo cáo tiến độ.')
    expect(half).toContain('Đang làm · 50%')
    const bad = await member.post(`/tasks/assignments/${mine}/report`, { progress: '150' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Tiến độ: từ 0 đến 100.')
    // a plain form post goes (303) to the task's page, so a reload reloads the page, not the post
    const finished = await member.post(`/tasks/assignments/${mine}/report`, { progress: '90', report: 'Đã thu đủ.', finished: 'on' })
    expect(finished.status).toBe(303)
    expect(finished.headers.get('Location')).toMatch(/^\/tasks\/[0-9a-f-]{36}\?done=finished$/)
    expect(await (await member.get(finished.headers.get('Location')!)).text()).toContain('Đã báo cáo hoàn thành.')
    expect(await noticesOf(await memberIdOf(t, LOGINS.cellSecretary), 'task.reported')).toBe(1)
    expect((await member.post(`/tasks/assignments/${mine}/review`, { decision: 'accept' })).status).toBe(404)
  })

  it('the assigner returns with a reason, then accepts; the list shows it done', async () => {
    const page = await (await secretary.get(taskUrl)).text()
    const [reported] = reviewIds(page)
    const noReason = await secretary.post(`/tasks/assignments/${reported}/review`, { decision: 'return' })
    expect(await noReason.text()).toContain('Trả lại: hãy ghi lý do')
    expect(await (await secretary.submit(`/tasks/assignments/${reported}/review`, { decision: 'return', note: 'Thiếu biên lai.' })).text()).toContain(
      'Đã trả lại để làm tiếp.',
    )
    expect(await noticesOf(await memberIdOf(t, LOGINS.member), 'task.returned')).toBe(1)
    await member.post(`/tasks/assignments/${reported}/report`, { progress: '100', report: 'Đã bổ sung biên lai.', finished: 'on' })
    expect(await (await secretary.submit(`/tasks/assignments/${reported}/review`, { decision: 'accept' })).text()).toContain('Đã chấp nhận kết quả.')
    expect(await (await member.get('/tasks?view=mine&status=done')).text()).toContain('Thu đảng phí quý IV')
    const history = await t.runtime.data.asSystem('test: the history', (tx) =>
      tx.query<{ kind: string }>(`select kind from public.task_updates where assignee_id = $1 order by at`, [reported]),
    )
    expect(history.map((h) => h.kind)).toEqual(['progress', 'reported', 'returned', 'reported', 'done'])
  })

  it('the home page card sums up one’s open tasks', async () => {
    const card = await (await secretary.get('/tasks/summary', { htmx: true })).text()
    expect(card).toMatch(/Chưa xong <strong>\d+<\/strong>/)
    expect(card).toContain('Báo cáo sơ kết')
    const idle = await signInMemberOf(t, 'ns.tp1.g3.c1')
    expect(await (await idle.get('/tasks/summary', { htmx: true })).text()).toContain('Bạn không có việc nào chưa xong.')
  })

  it('an overdue task is marked and counted', async () => {
    await t.runtime.data.asSystem('test: a task whose due date passed', (tx) =>
      tx.query(`update public.tasks set due_on = current_date - 3 where title = 'Báo cáo sơ kết'`),
    )
    const list = await (await secretary.get('/tasks?view=mine&status=overdue')).text()
    expect(list).toContain('Báo cáo sơ kết')
    expect(list).toContain('Quá hạn')
    expect(list).toMatch(/Quá hạn <span class="badge">1<\/span>/)
  })
})

describe('attachments', () => {
  const PDF = new TextEncoder().encode('%PDF-1.4\n%%EOF\n')
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2])

  it('the assigner attaches files to the task and the assignee to the report; each is served only to those who see it', async () => {
    const form = new FormData()
    for (const [k, v] of Object.entries({
      org_id: cellId,
      title: 'Việc có tệp',
      due_on: inDays(4),
      priority: 'normal',
      member_ids: await memberIdOf(t, LOGINS.member),
    }))
      form.set(k, v)
    form.append('files', new File([PDF], 'Kế hoạch.pdf'))
    const created = await secretary.post('/tasks', form)
    expect(created.status).toBe(303)
    const page = await (await member.get(created.headers.get('Location')!)).text()
    const [planId] = [...page.matchAll(/href="\/tasks\/files\/([0-9a-f-]{36})">Kế hoạch.pdf/g)].map((m) => m[1])
    const plan = await member.get(`/tasks/files/${planId}`)
    expect(plan.headers.get('Content-Security-Policy')).toContain('sandbox')
    expect(new Uint8Array(await plan.arrayBuffer())).toEqual(PDF)

    const [mine] = assignmentIds(page)
    const report = new FormData()
    report.set('progress', '40')
    report.set('report', 'Ảnh chụp buổi vận động')
    report.append('files', new File([PNG], 'anh.png'))
    const reported = await (await member.submit(`/tasks/assignments/${mine}/report`, report)).text()
    expect(reported).toContain('anh.png')
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    for (const id of [...reported.matchAll(/href="\/tasks\/files\/([0-9a-f-]{36})"/g)].map((m) => m[1])) {
      expect((await secretary.get(`/tasks/files/${id}`)).status).toBe(200)
      expect((await outsider.get(`/tasks/files/${id}`)).status).toBe(404)
    }
  })

  it('a file that is not a document is refused with its name, and nothing is assigned', async () => {
    const form = new FormData()
    for (const [k, v] of Object.entries({
      org_id: cellId,
      title: 'Việc có tệp lạ',
      due_on: inDays(4),
      priority: 'normal',
      member_ids: await memberIdOf(t, LOGINS.member),
    }))
      form.set(k, v)
    form.append('files', new File([new TextEncoder().encode('MZ\x90\x00 not a document')], 'chay.exe'))
    const res = await secretary.post('/tasks', form)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('chay.exe: Chỉ nhận tệp PDF, Word (.docx) hoặc ảnh')
    const [{ n }] = await t.runtime.data.asSystem('test: nothing created', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.tasks where title = 'Việc có tệp lạ'`),
    )
    expect(n).toBe(0)
  })
})

describe('the task counters', () => {
  it('always equal the assignments they stand for', async () => {
    const rows = await t.runtime.data.asSystem('test: counters against a recount', (tx) =>
      tx.query(
        `select t.id from public.tasks t
           left join lateral (select count(*)::int as total, count(*) filter (where a.status in ('in_progress', 'returned'))::int as active,
                                     count(*) filter (where a.status = 'reported')::int as reported, count(*) filter (where a.status = 'done')::int as done,
                                     coalesce(sum(a.progress), 0)::bigint as progress
                                from public.task_assignees a where a.task_id = t.id) r on true
          where (t.assignee_count, t.active_count, t.reported_count, t.done_count, t.progress_sum) is distinct from (r.total, r.active, r.reported, r.done, r.progress)`,
      ),
    )
    expect(rows).toEqual([])
    const [{ n }] = await t.runtime.data.asSystem('test: there is something to count', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.tasks where done_count > 0 and active_count + reported_count + assignee_count > 1`),
    )
    expect(n).toBeGreaterThan(0)
  })
})

describe('who sees a task', () => {
  it('nobody outside the assigner’s scope and the assignees sees or changes it', async () => {
    const id = taskUrl.split('/').pop()!
    const bystander = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const notAssigned = await t.runtime.data.asSystem(
      'test: a cell-mate with no part in it',
      async (tx) =>
        (
          await tx.query<{ login_phone: string }>(
            `select c.login_phone from app.credentials c join public.accounts a on a.user_id = c.user_id join public.members m on m.id = a.member_id
          where m.org_id = $1 and c.login_phone <> all ($2::text[])
            and not exists (select 1 from public.task_assignees ta where ta.member_id = m.id)
            and not exists (select 1 from public.org_roles r where r.member_id = m.id) limit 1`,
            [cellId, [LOGINS.member, LOGINS.cellSecretary, bystander.login]],
          )
        )[0]?.login_phone,
    )
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    for (const login of [outsider.login, ...(notAssigned ? [notAssigned] : [])]) {
      const claims = await claimsOf(t, login)
      const seen = await t.runtime.data.withUser(claims, async (tx) => [
        ...(await tx.query(`select 1 from public.tasks where id = $1`, [id])),
        ...(await tx.query(`select 1 from public.task_assignees where task_id = $1`, [id])),
        ...(await tx.query(`update public.task_assignees set progress = 1 where task_id = $1 returning 1`, [id])),
        ...(await tx.query(`update public.tasks set title = 'x' where id = $1 returning 1`, [id])),
      ])
      expect(seen).toEqual([])
    }
    expect((await outsider.get(taskUrl)).status).toBe(404)
    await expect(
      t.runtime.data.withUser(await claimsOf(t, outsider.login), (tx) =>
        tx.query(`insert into public.tasks (org_id, title, due_on) values ($1, 'x', current_date)`, [cellId]),
      ),
    ).rejects.toMatchObject({ code: '42501' })
  })
})
