import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/*
 * Moving or merging organizations carries every copy of their key with them. The copies are
 * found in the catalog, exactly as the database's rewrite finds them, so a table added later
 * with an org_key or task_key is checked without being named here; a fixture must exist for
 * it or the first test says which is missing.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 60 })
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
      `insert into public.meetings (org_id, kind, title, starts_at, chair_id, recorded_late) values ($1, 'regular', 'Sinh hoạt trước khi chuyển', now() - interval '2 hours', $2, true) returning id`,
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
