import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, inDays, LOGINS, orgIdByPath, setClock, testApp, type TestApp } from '../../../test/support.ts'

/*
 * Moving or merging organizations carries every copy of their key with them. The copies are
 * found in the catalog, exactly as the database's rewrite finds them, so a table added later
 * with an org_key or task_key is checked without being named here; a fixture must exist for
 * it or the first test says which is missing.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 60 })
  // the cell's meeting was held two hours before: at 14:00 its day is still open for check-in, at any hour the suite runs
  await setClock(t, `${inDays(0)}T14:00:00+07:00`)
})
afterAll(() => t?.close())

const CELL = 'ns.tp1.g1.c2'
const NEW_PARENT = 'ns.tp1.g2'
const MOVED = 'ns.tp1.g2.c2'

// fixtures read whatever columns they select
// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc fixture queries
type Query = (sql: string, params?: unknown[]) => Promise<any[]>
const system = <T>(reason: string, fn: (q: Query) => Promise<T>) =>
  t.runtime.data.asSystem(`test: ${reason}`, (tx) => fn((sql, params) => tx.query(sql, params)))

/** Every column that copies an organization's path: text *_key / ltree *_path columns of the app's schemas, generated ones aside. */
async function keyColumns(): Promise<{ table: string; column: string; ltree: boolean }[]> {
  return system('read the catalog', (q) =>
    q(`select format('%I.%I', n.nspname, c.relname) as table, a.attname as column, t.typname = 'ltree' as ltree
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_type t on t.oid = a.atttypid
        where n.nspname in ('public', 'app') and c.relkind = 'r' and not a.attisdropped and a.attgenerated = ''
          and (a.attname ~ '_key$' and t.typname = 'text' and a.attname not in ('storage_key', 'search_key')
               or a.attname ~ '_path$' and t.typname = 'ltree')
        order by 1, 2`),
  )
}

/** Rows of one column inside the subtree at `path` (the path itself and below). */
async function countUnder(column: { table: string; column: string; ltree: boolean }, path: string): Promise<number> {
  const test = column.ltree ? `${column.column} <@ $1::ltree` : `(${column.column} = $1 or ${column.column} like $1 || '.%')`
  const [row] = await system('count copies of a key', (q) => q(`select count(*)::int as n from ${column.table} where ${test}`, [path]))
  return row.n
}

/** One row of every kind that copies the cell's key, through the tables' own triggers; the final states (closed vote, approved minutes) set as the app would leave them. */
async function fillCell() {
  await system('rows of every kind in one cell', async (q) => {
    const [cell] = await q(`select id from public.organizations where path = $1::ltree`, [CELL])
    const members = (await q(`select id from public.members where org_id = $1 order by full_name limit 2`, [cell.id])).map((r) => r.id)
    const [meeting] = await q(
      `insert into public.meetings (org_id, kind, title, starts_at, chair_id, recorded_late) values ($1, 'regular', 'Sinh hoạt trước khi chuyển', app.now() - interval '2 hours', $2, true) returning id`,
      [cell.id, members[0]],
    )
    await q(`insert into public.meeting_attendance (meeting_id, member_id, status) values ($1, $2, 'present')`, [meeting.id, members[0]])
    await q(`insert into public.meeting_comments (meeting_id, author_id, body) values ($1, $2, 'Ý kiến trước khi chuyển')`, [meeting.id, members[0]])
    await q(`insert into public.meeting_ballots (meeting_id) values ($1)`, [meeting.id])
    await q(`insert into public.meeting_votes (meeting_id, member_id, choice) values ($1, $2, 'for')`, [meeting.id, members[0]])
    await q(`update public.meeting_ballots set status = 'closed' where meeting_id = $1`, [meeting.id])
    await q(`insert into public.meeting_minutes (meeting_id, body) values ($1, 'Biên bản')`, [meeting.id])
    await q(
      `insert into public.meeting_materials (meeting_id, kind, title, body, published_at) values ($1, 'draft_resolution', 'Dự thảo', 'Nội dung', now())`,
      [meeting.id],
    )
    const [task] = await q(`insert into public.tasks (org_id, title, due_on) values ($1, 'Việc trước khi chuyển', app.today() + 3) returning id`, [cell.id])
    const [assignee] = await q(`insert into public.task_assignees (task_id, member_id) values ($1, $2) returning id`, [task.id, members.at(-1)])
    await q(`insert into public.task_assignees (task_id, org_id) values ($1, $2)`, [task.id, cell.id])
    await q(
      `insert into public.task_updates (assignee_id, task_key, org_key, member_id, kind, progress)
             select id, task_key, org_key, member_id, 'progress', 50 from public.task_assignees where id = $1`,
      [assignee.id],
    )
    await q(`insert into public.task_files (task_id, file_name, content_type, byte_size, storage_key) values ($1, 'a.pdf', 'application/pdf', 1, $2)`, [
      task.id,
      `test/${crypto.randomUUID()}`,
    ])
    await q(`insert into public.task_fanouts (task_id, org_ids, requested_by) values ($1, array[$2::uuid], $3)`, [task.id, cell.id, crypto.randomUUID()])
    await q(
      `insert into public.events (org_id, title, starts_at, ends_at) values ($1, 'Hội nghị', now() + interval '1 day', now() + interval '1 day 2 hours')`,
      [cell.id],
    )
    // the cell's members sign in and open a page: the registration report's counters of the cell
    await q(`update public.accounts set last_sign_in_at = now() where member_id in (select id from public.members where org_id = $1)`, [cell.id])
    await q(`insert into app.visits (user_id, day) select user_id, app.today() from public.accounts where member_id = any ($1::uuid[])`, [members])
    // approved minutes are locked against every edit but a key rewrite
    await q(`set local session_replication_role = replica`)
    await q(`update public.meeting_minutes set status = 'approved', approved_at = now() where meeting_id = $1`, [meeting.id])
    await q(`set local session_replication_role = origin`)
  })
  await fillCellFeatures()
}

/** As a signed-in user, exactly as requests run (RLS, auth.uid(), the features' own functions and triggers). */
const asUser = async <T>(login: string, fn: (q: Query) => Promise<T>) =>
  t.runtime.data.withUser(await claimsOf(t, login), (tx) => fn((sql, params) => tx.query(sql, params)))

/**
 * The later features' rows of the cell, each made the way its feature makes it: the ward's
 * secretary (LOGINS.grassroots, manager of ns.tp1.g1 and so of the cell) writes for the cell, the
 * cell's own member acts for himself/herself, the city's staff runs the transfer and residence steps.
 */
async function fillCellFeatures() {
  const cell = await orgIdByPath(t, CELL)
  const [own] = await system('the cell’s registered member', (q) =>
    q(
      `select m.id, c.login_phone from public.members m join public.accounts a on a.member_id = m.id
         join app.credentials c on c.user_id = a.user_id
        where m.org_id = $1 and m.deceased_on is null and m.left_on is null order by m.full_name limit 1`,
      [cell],
    ),
  )
  const [resident] = await system('a member of another ward', (q) =>
    q(
      `select m.id from public.members m where m.org_path <@ 'ns.tp1.g3'::ltree and m.deceased_on is null and m.left_on is null
        order by m.full_name limit 1`,
    ),
  )
  const otherCell = await orgIdByPath(t, 'ns.tp1.g1.c1')
  const ward = await orgIdByPath(t, 'ns.tp1.g1')

  // evaluations: the ward opens a period for its subtree (the cell's member gets an evaluation and
  // its band count), the member assesses himself/herself (history), the ward starts the cell's own report
  const period = await asUser(LOGINS.grassroots, async (q) => {
    const [row] = await q(
      `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due)
       values ($1, extract(year from app.today())::int, 'Đánh giá trước khi chuyển', app.today() + 7, app.today() + 14, app.today() + 21)
       returning id`,
      [ward],
    )
    await q(`insert into public.org_evaluations (period_id, org_id, self_band, self_report) values ($1, $2, 'good', 'Báo cáo kiểm điểm của chi bộ')`, [
      row.id,
      cell,
    ])
    return row.id as string
  })
  await asUser(own.login_phone, (q) =>
    q(
      `update public.evaluations e
          set step = 'cell_proposal', self_all_tasks_done = true,
              self_scores = (select jsonb_object_agg(c.id, c.max_points) from public.evaluation_criteria c where c.period_id = e.period_id)
        where e.period_id = $1 and e.member_id = app.current_member_id()`,
      [period],
    ),
  )
  // A period, its form and its conditions carry the key of the committee that opened it, and only
  // a committee opens one: no row the app makes has the cell's key there. The same rewrite carries a
  // moved committee's periods; to see it carry these columns, one period (closed, so nothing acts on
  // it) is keyed to the cell with the opening's triggers off, and its form and conditions are written
  // through their own triggers (they copy the period's key).
  await system('a period keyed to the cell (a state only a committee reaches)', async (q) => {
    await q(`set local session_replication_role = replica`)
    const [row] = await q(
      `insert into public.evaluation_periods (org_id, org_key, kind, year, title, self_due, proposal_due, decision_due, status)
       values ($1, $2, 'term', extract(year from app.today())::int, 'Kỳ gắn với chi bộ', app.today(), app.today(), app.today(), 'closed')
       returning id`,
      [cell, CELL],
    )
    await q(`set local session_replication_role = origin`)
    await q(
      `insert into public.evaluation_criteria (period_id, section, position, title, max_points)
       values ($1, 'general', 1, 'Tư tưởng chính trị', 30), ($1, 'tasks', 1, 'Kết quả thực hiện nhiệm vụ', 70)`,
      [row.id],
    )
    await q(`insert into public.evaluation_conditions (period_id, code, label, max_band) values ($1, 'discipline', 'Bị thi hành kỷ luật', 'complete')`, [
      row.id,
    ])
  })

  // a transfer asked for the cell's member (its sending side); a member of another ward registers
  // to live in the cell, the cell's side confirms and writes the year's comment
  await asUser(LOGINS.staff, async (q) => {
    await q(`select public.transfer_request($1, 'permanent', $2, null, 'Chuyển nơi làm việc')`, [own.id, otherCell])
    const [registration] = await q(`select app.resident_register($1, $2, 'Số 1, khu phố 2') as id`, [resident.id, cell])
    await q(`select app.resident_decide($1, true, null)`, [registration.id])
    await q(`select app.resident_write_comment($1, extract(year from app.today())::int, 'exemplary', 'Gương mẫu nơi cư trú')`, [registration.id])
  })

  // the library: the ward publishes an item from the cell to the cell, with a file; the member reads it.
  // Exams: the ward keeps a bank for the cell and sets an exam; the member starts it.
  // Study: the ward opens a campaign for the cell on that item; the member records study.
  const { document, exam, campaign } = await asUser(LOGINS.grassroots, async (q) => {
    const [doc] = await q(
      `insert into public.documents (org_id, kind, category, title, body) values ($1, 'news', 'news', 'Tin của chi bộ', 'Nội dung') returning id`,
      [cell],
    )
    await q(`insert into public.document_audiences (document_id, org_id) values ($1, $2)`, [doc.id, cell])
    await q(
      `insert into public.document_files (document_id, role, file_name, content_type, byte_size, storage_key) values ($1, 'main', 'a.pdf', 'application/pdf', 1, $2)`,
      [doc.id, `test/${crypto.randomUUID()}`],
    )
    await q(`update public.documents set status = 'published' where id = $1`, [doc.id])
    const [bank] = await q(`insert into public.question_banks (org_id, title) values ($1, 'Của chi bộ') returning id`, [cell])
    const [question] = await q(`insert into public.questions (bank_id, kind, body, fingerprint) values ($1, 'single', 'Câu hỏi', 'fp') returning id`, [bank.id])
    const options = await q(`insert into public.question_options (question_id, position, body) values ($1, 1, 'Đúng'), ($1, 2, 'Sai') returning id`, [
      question.id,
    ])
    await q(`insert into public.question_keys (question_id, correct_ids) values ($1, $2)`, [question.id, [options[0].id]])
    const [ex] = await q(
      `insert into public.exams (bank_id, org_id, title, opens_at, closes_at, time_limit_minutes, pass_percent)
       values ($1, $2, 'Kiểm tra trước khi chuyển', now() - interval '1 hour', now() + interval '1 day', 10, 50) returning id`,
      [bank.id, cell],
    )
    const [study] = await q(
      `insert into public.study_campaigns (org_id, title, document_id, exam_id, starts_on, due_on)
       values ($1, 'Học tập nghị quyết', $2, $3, app.today(), app.today() + 2) returning id`,
      [cell, doc.id, ex.id],
    )
    return { document: doc.id as string, exam: ex.id as string, campaign: study.id as string }
  })
  await asUser(own.login_phone, async (q) => {
    await q(
      `insert into public.document_reads (document_id, member_id) select d.id, app.current_member_id() from public.documents d
        where d.id = $1 and d.status = 'published'`,
      [document],
    )
    const [started] = await q(`select attempt_id from app.exam_start($1)`, [exam])
    expect(started.attempt_id).not.toBeNull()
    await q(`insert into public.study_records (campaign_id, member_id, studied_at) values ($1, app.current_member_id(), now())`, [campaign])
  })
  // the reminders pass: the campaign's deadline is two days away
  await system('the study reminders pass', (q) => q(`select app.plan_reminders_resolution_study(now())`))
}

async function meetingsSeenBy(login: string): Promise<number> {
  const claims = await claimsOf(t, login)
  return t.runtime.data.withUser(
    claims,
    async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.meetings where title = 'Sinh hoạt trước khi chuyển'`))[0].n,
  )
}

describe('moving a cell carries every copy of its key', () => {
  it('every key column of the catalog has rows of the cell before the move (the fixtures are complete)', async () => {
    await fillCell()
    const missing: string[] = []
    for (const column of await keyColumns()) if ((await countUnder(column, CELL)) === 0) missing.push(`${column.table}.${column.column}`)
    expect(missing).toEqual([])
  })

  it('after a move no copy keeps the old path, every one has the new, and who sees the cell’s meetings follows', async () => {
    const columns = await keyColumns()
    const before = new Map<string, number>()
    for (const column of columns) before.set(`${column.table}.${column.column}`, await countUnder(column, CELL))
    const ward = await claimsOf(t, LOGINS.grassroots)
    const wardSees = await t.runtime.data.withUser(
      ward,
      async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.meetings where title = 'Sinh hoạt trước khi chuyển'`))[0].n,
    )
    expect(wardSees).toBe(1)
    const staff = await t.signIn(LOGINS.staff)
    const res = await staff.submit(`/orgs/${await orgIdByPath(t, CELL)}/move`, { target: await orgIdByPath(t, NEW_PARENT) })
    expect(await res.text()).toContain('Đã chuyển tổ chức')
    const stale: string[] = []
    const moved: Record<string, number> = {}
    for (const column of columns) {
      const name = `${column.table}.${column.column}`
      if ((await countUnder(column, CELL)) > 0) stale.push(name)
      moved[name] = await countUnder(column, MOVED)
    }
    expect(stale).toEqual([])
    expect(moved).toEqual(Object.fromEntries(before))
    // the old ward no longer sees the meeting; the city still does
    expect(await meetingsSeenBy(LOGINS.grassroots)).toBe(0)
    expect(await meetingsSeenBy(LOGINS.staff)).toBe(1)
  })

  it('the locked rows stayed as they were: approved minutes, the closed vote, who recorded attendance', async () => {
    const [row] = await system('read the moved meeting', (q) =>
      q(`select mm.status as minutes, b.status as ballot, (b.result ->> 'for')::int as votes_for, a.recorded_at is not null as recorded
           from public.meetings mt join public.meeting_minutes mm on mm.meeting_id = mt.id join public.meeting_ballots b on b.meeting_id = mt.id
           join public.meeting_attendance a on a.meeting_id = mt.id where mt.title = 'Sinh hoạt trước khi chuyển'`),
    )
    expect(row).toEqual({ minutes: 'approved', ballot: 'closed', votes_for: 1, recorded: true })
  })

  it('after a merge every copied key still names an existing organization', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const res = await staff.submit(`/orgs/${await orgIdByPath(t, MOVED)}/merge`, { into: await orgIdByPath(t, 'ns.tp1.g2.c1') })
    expect(res.status).toBe(200)
    const dangling: string[] = []
    for (const column of await keyColumns()) {
      const value = column.ltree ? `${column.column}::text` : column.column
      const [row] = await system('find keys of no organization', (q) =>
        q(
          `select count(*)::int as n from ${column.table} x where ${value} <> '' and not exists (select 1 from public.organizations o where o.path::text = x.${value})`,
        ),
      )
      if (row.n > 0) dangling.push(`${column.table}.${column.column}: ${row.n}`)
    }
    expect(dangling).toEqual([])
  })
})
