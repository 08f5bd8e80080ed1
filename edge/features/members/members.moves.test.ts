import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asUser, LOGINS, newPerson, orgIdByPath, studyMaterials, testApp, type TestApp } from '../../../test/support.ts'

/*
 * A member's own records follow the member (the member-copies rule): when his/her cell changes
 * (a transfer accepted, an edit, a merge) every row that copies the member's cell key is rewritten
 * to the cell of now. The tables are read from the catalog exactly as the database's rewrite
 * reads them, so a table added later is checked without being named here; only the kinds of row
 * that belong to something of the old cell (a meeting, a residence, an evaluation period) stay,
 * and they are named.
 */
let t: TestApp
// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc fixture queries
type Rows = any[]
const system = (sql: string, params?: unknown[]): Promise<Rows> => t.runtime.data.asSystem('test: member moves', (tx) => tx.query(sql, params))
const as = (login: string, sql: string, params?: unknown[]): Promise<Rows> => asUser(t, login, (tx) => tx.query(sql, params))

/** Tables that keep the cell they were made in, and why (the migration names the same). */
const STAY = {
  'public.meeting_attendance': 'the cell that held the meeting',
  'public.meeting_votes': 'the cell that held the meeting',
  'public.resident_registrations': 'the cell where the member lives',
  'public.resident_comments': 'the cell where the member lives',
  'public.evaluations': 'the cell that opened the period evaluates that year',
  'public.evaluation_history': 'the cell that opened the period evaluates that year',
}

let mover: { id: string; login: string }
let ids: { document: string; exam: string; campaign: string }

beforeAll(async () => {
  t = await testApp({ members: 60 })
  mover = await newPerson(t, 'ns.tp1.g1.c1', 'Người Đổi Chi Bộ')
  const ward = await orgIdByPath(t, 'ns.tp1.g1')
  const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
  // the ward publishes an item, keeps a bank, sets an exam and opens a campaign for its subtree;
  // the cell gives the member a task
  ids = await studyMaterials(t, LOGINS.grassroots, ward, 7)
  await as(
    LOGINS.cellSecretary,
    `with task as (insert into public.tasks (org_id, title, due_on) values ($1, 'Việc của đảng viên', app.today() + 3) returning id)
     insert into public.task_assignees (task_id, member_id) select id, $2 from task`,
    [cell, mover.id],
  )
  await as(mover.login, `insert into public.document_reads (document_id, member_id) values ($1, app.current_member_id())`, [ids.document])
  await as(mover.login, `insert into public.document_bookmarks (document_id) values ($1)`, [ids.document])
  await as(mover.login, `insert into public.study_records (campaign_id, member_id, studied_at) values ($1, app.current_member_id(), now())`, [ids.campaign])
  await as(mover.login, `select app.exam_submit((select attempt_id from app.exam_start($1)))`, [ids.exam])
  // a line of the task's history, as the task's own trigger writes it when the member reports
  await system(
    `insert into public.task_updates (assignee_id, task_key, org_key, member_id, kind, progress)
     select id, task_key, org_key, member_id, 'progress', 50 from public.task_assignees where member_id = $1`,
    [mover.id],
  )
})
afterAll(() => t?.close())

async function followingTables(): Promise<string[]> {
  const rows = await system(
    `select format('%I.%I', n.nspname, c.relname) as name from app.member_cell_copies() f
       join pg_class c on c.oid = f.table_name join pg_namespace n on n.oid = c.relnamespace order by 1`,
  )
  return rows.map((r) => r.name)
}

/** Per following table: the mover's rows, and those that do not have his/her cell of now. */
async function moverRows(): Promise<Record<string, { rows: number; elsewhere: number }>> {
  const result: Record<string, { rows: number; elsewhere: number }> = {}
  for (const table of await followingTables()) {
    const [row] = await system(
      `select count(*)::int as rows, count(*) filter (where t.org_key is distinct from m.org_key)::int as elsewhere
         from ${table} t join public.members m on m.id = t.member_id where t.member_id = $1`,
      [mover.id],
    )
    result[table] = row
  }
  return result
}

async function expectAllFollow(path: string) {
  expect((await system(`select org_key from public.members where id = $1`, [mover.id]))[0].org_key).toBe(path)
  const rows = await moverRows()
  for (const [table, counts] of Object.entries(rows)) expect(counts, table).toEqual({ rows: counts.rows, elsewhere: 0 })
}

describe('a member who changes cell takes his/her own records along', () => {
  it('every table with a member and a copied cell key either follows the member or is named as staying, and why', async () => {
    const all = await system(
      `select format('%I.%I', n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'app') and c.relkind = 'r'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_key' and not a.attisdropped and a.attgenerated = '')
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'member_id' and not a.attisdropped)
        order by 1`,
    )
    const following = await followingTables()
    expect(following.length).toBeGreaterThan(0)
    expect(
      all
        .map((r) => r.name)
        .filter((name) => !following.includes(name))
        .sort(),
    ).toEqual(Object.keys(STAY).sort())
  })

  it('the fixtures give the member a row in every following table (the check can fail)', async () => {
    const empty = Object.entries(await moverRows())
      .filter(([, counts]) => counts.rows === 0)
      .map(([table]) => table)
    expect(empty).toEqual([])
  })

  it('an accepted transfer, an edit of the cell and a merge each leave no copy in the old cell', async () => {
    // an ordinary transfer inside the ward: asked by the member, confirmed by the cell, the letter and acceptance by the ward
    const target = await orgIdByPath(t, 'ns.tp1.g1.c2')
    const [{ id }] = await as(mover.login, `select public.transfer_request($1, 'permanent', $2, null, 'Chuyển nơi ở', null, null) as id`, [mover.id, target])
    await as(LOGINS.cellSecretary, `select public.transfer_confirm($1, date_trunc('month', app.today())::date, true)`, [id])
    await as(LOGINS.grassroots, `select public.transfer_issue($1, '7-GGT/ĐU', app.today())`, [id])
    await as(LOGINS.grassroots, `select public.transfer_accept($1)`, [id])
    await expectAllFollow('ns.tp1.g1.c2')

    // the city's staff corrects the member's cell by an edit (into another ward)
    await as(LOGINS.staff, `update public.members set org_id = $2 where id = $1`, [mover.id, await orgIdByPath(t, 'ns.tp1.g3.c1')])
    await expectAllFollow('ns.tp1.g3.c1')

    // that ward's cell is merged into its other cell, through the page
    const staff = await t.signIn(LOGINS.staff)
    const merged = await staff.post(`/orgs/${await orgIdByPath(t, 'ns.tp1.g3.c1')}/merge`, { into: await orgIdByPath(t, 'ns.tp1.g3.c2') })
    expect(merged.status).toBe(303)
    await expectAllFollow('ns.tp1.g3.c2')
  })

  it('moved out of the audience, the member is told why an item, an exam or a campaign he/she had is gone, and what was kept', async () => {
    await system(`update public.members set org_id = (select id from public.organizations where path = 'ns.tp1.g1.c1') where id = $1`, [mover.id])
    const agent = await t.signIn(mover.login)
    expect((await agent.get('/library/bookmarks')).status).toBe(200)
    expect(await (await agent.get(`/library/${ids.document}`)).text()).not.toContain('không còn trong phạm vi')
    await system(`update public.members set org_id = (select id from public.organizations where path = 'ns.tp1.g2.c1') where id = $1`, [mover.id])
    await expectAllFollow('ns.tp1.g2.c1')
    const gone = [
      [`/library/${ids.document}`, 'Tài liệu này không còn trong phạm vi bạn được xem'],
      [`/exams/${ids.exam}`, 'Bài kiểm tra này không còn trong phạm vi của bạn'],
      [`/study/${ids.campaign}`, 'Đợt học tập này không còn trong phạm vi của bạn'],
    ]
    for (const [path, words] of gone) {
      const res = await agent.get(path)
      expect(res.status, path).toBe(404)
      expect(await res.text(), path).toContain(words)
    }
    expect(await (await agent.get('/library/bookmarks')).text()).toContain('1 tài liệu bạn đã đánh dấu không còn xem được')
    // someone who never had them learns nothing from the 404
    const outsider = await t.signIn((await newPerson(t, 'ns.tp1.g2.c1', 'Người Ngoài Phường')).login)
    for (const [path, words] of gone) expect(await (await outsider.get(path)).text(), path).not.toContain(words)
  })
})
