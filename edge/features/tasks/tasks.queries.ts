import type { Tx } from '../../kernel/db/types.ts'
import { narrowScopeOrgIdsSql } from '../../kernel/db/scope.ts'
import { KNOWN_NAMES, knownName } from '../../kernel/db/member-names.ts'
import type { TaskInput } from './tasks.forms.ts'
import type { TaskRowView } from '../../../views/tasks/TasksPage.tsx'
import type { AssigneeView, FileView, TaskView } from '../../../views/tasks/TaskPage.tsx'

export const PAGE_SIZE = 30
/** Assignments listed on a task's page (beyond one's own); the rest are counted. */
export const SHOWN_ASSIGNEES = 100
const assignee = knownName('a.member_id')
export type View = 'mine' | 'assigned' | 'org'
export type StatusFilter = 'open' | 'overdue' | 'assigned' | 'in_progress' | 'reported' | 'done' | 'returned' | 'all'

/** Today in Vietnam: a task due today is not yet overdue. */
const TODAY = `app.today()`

/** A list row: the shape the list view renders. */
export type TaskRow = TaskRowView

/** Each view as one row source: an assignment of mine, or a task (with its assignees summed up). */
function source(view: View): string {
  if (view === 'mine')
    return `select t.id, t.title, t.due_on::text, t.priority, o.name as org_name, a.status, a.progress,
                   1 as assignees, (a.status = 'done')::int as done
              from public.task_assignees a join public.tasks t on t.id = a.task_id join public.organizations o on o.id = t.org_id
             where a.member_id = (select app.current_member_id())
                or (a.org_id is not null and a.org_key >= (select (app.scope_bounds())[1]) and a.org_key < (select (app.scope_bounds())[2])
                    and app.in_scope(a.org_key))`
  const which =
    view === 'assigned'
      ? `t.assigner_id = (select app.current_member_id())`
      : `t.org_key >= (select (app.scope_bounds())[1]) and t.org_key < (select (app.scope_bounds())[2])`
  // the task's counters (kept by triggers) stand for its assignments: no adding up per page
  return `select t.id, t.title, t.due_on::text, t.priority, o.name as org_name,
                 case when t.assignee_count > 0 and t.done_count = t.assignee_count then 'done' when t.reported_count > 0 then 'reported'
                      when t.active_count > 0 then 'in_progress' else 'assigned' end as status,
                 case when t.assignee_count > 0 then (t.progress_sum / t.assignee_count)::int else 0 end as progress,
                 t.assignee_count as assignees, t.done_count as done
            from public.tasks t join public.organizations o on o.id = t.org_id
           where ${which}`
}

function statusCondition(filter: StatusFilter): string {
  if (filter === 'all') return 'true'
  if (filter === 'open') return `s.status <> 'done'`
  if (filter === 'overdue') return `s.status <> 'done' and s.due_on::date < ${TODAY}`
  return `s.status = '${filter}'`
}

/** A page of tasks for a view and a filter, soonest due first, and the count in each filter. */
export async function list(tx: Tx, view: View, filter: StatusFilter, page: number) {
  const rows = await tx.query<TaskRow>(
    `select s.*, s.status <> 'done' and s.due_on::date < ${TODAY} as overdue
       from (${source(view)}) s
      where ${statusCondition(filter)}
      order by s.status = 'done', s.due_on, s.title
      limit ${PAGE_SIZE + 1} offset ${(page - 1) * PAGE_SIZE}`,
  )
  const [counts] = await tx.query<Record<StatusFilter, number>>(
    `select count(*) filter (where s.status <> 'done')::int as open,
            count(*) filter (where s.status <> 'done' and s.due_on::date < ${TODAY})::int as overdue,
            count(*) filter (where s.status = 'reported')::int as reported,
            count(*) filter (where s.status = 'done')::int as done,
            count(*)::int as all
       from (${source(view)}) s`,
  )
  return { rows: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE, counts }
}

export type AssigneeRow = AssigneeView

export type FileRow = FileView & { content_type: string }

export type TaskDetail = TaskView & { assignees: AssigneeRow[]; files: FileRow[] }

export async function detail(tx: Tx, id: string): Promise<TaskDetail | undefined> {
  const [task] = await tx.query<Omit<TaskDetail, 'assignees' | 'files'>>(
    `select t.id, t.title, t.description, t.due_on::text, t.priority, o.name as org_name,
            app.visible_member_name(t.assigner_id) as assigner_name,
            t.due_on < ${TODAY} as overdue, app.in_scope(t.org_key) as can_review, t.assignee_count, t.done_count
       from public.tasks t join public.organizations o on o.id = t.org_id where t.id = $1`,
    [id],
  )
  if (!task) return undefined
  // one's own assignments, then up to SHOWN_ASSIGNEES others, reports waiting for review first
  // (a task given to a whole province has 100,000 of them: the page shows the counts)
  const MINE = `(a.member_id = (select app.current_member_id()) or (a.org_id is not null and app.in_scope(a.org_key)))`
  const assignees = await tx.query<AssigneeRow>(
    `with ${KNOWN_NAMES}
     select a.id, coalesce(o.name, ${assignee.name}, 'Đảng viên') as name, a.org_id is not null as is_org,
            a.status, a.progress, a.report, a.review_note, a.reported_at, ${MINE} as mine
       from public.task_assignees a left join public.organizations o on o.id = a.org_id ${assignee.joins}
      where a.id in (select a.id from public.task_assignees a where a.task_id = $1 and ${MINE}
                     union all
                     (select a.id from public.task_assignees a where a.task_id = $1
                       order by a.status = 'reported' desc, a.updated_at desc limit ${SHOWN_ASSIGNEES}))
      order by mine desc, a.status = 'reported' desc, name`,
    [id],
  )
  const files = await tx.query<FileRow>(
    `select id, assignee_id, file_name, content_type, byte_size from public.task_files where task_id = $1 order by created_at limit 500`,
    [id],
  )
  return { ...task, overdue: task.overdue && assignees.some((a) => a.status !== 'done'), assignees, files }
}

/** Where a task may come from (organizations the user manages), and whom it may go to. */
export async function candidates(tx: Tx, orgId?: string) {
  const origins = await tx.query<{ id: string; name: string }>(
    `select o.id, o.name from public.organizations o
      where o.id = any ((select app.scope_head_ids())::uuid[]) order by o.path limit 50`,
  )
  const origin = origins.find((o) => o.id === orgId) ?? origins[0]
  if (!origin) return { origins, origin: undefined, orgs: [], members: [] }
  const orgs = await tx.query<{ id: string; name: string }>(
    `select o.id, o.name from public.organizations o where o.parent_id = $1 and o.valid_to is null order by o.name limit 300`,
    [origin.id],
  )
  const members = await tx.query<{ id: string; name: string }>(
    `select m.id, m.full_name as name from public.members m
      where m.org_id = $1 and m.deceased_on is null and m.left_on is null order by m.full_name limit 300`,
    [origin.id],
  )
  return { origins, origin, orgs, members }
}

/**
 * Creates the task and its assignments (organizations, or every member of their subtrees when
 * asked). More members than `bulkThreshold` are left to a background job (tasks.fanout.ts).
 */
export async function create(tx: Tx, input: TaskInput, bulkThreshold = Infinity): Promise<{ id: string; assigned: number; background: boolean }> {
  const id = crypto.randomUUID()
  await tx.query(`insert into public.tasks (id, org_id, title, description, due_on, priority) values ($1, $2, $3, $4, $5, $6)`, [
    id,
    input.org_id,
    input.title,
    input.description ?? null,
    input.due_on,
    input.priority,
  ])
  // an organization asked for but not managed (outside the scope, or only visible as one's own cell's ancestor) refuses the whole task
  if (input.org_ids.length) {
    const [{ n }] = await tx.query<{ n: number }>(
      `select count(*)::int as n from public.organizations o where o.id = any ($1::uuid[]) and o.path <@ any ((select app.managed_scope())::ltree[])`,
      [input.org_ids],
    )
    if (n < new Set(input.org_ids).size) throw Object.assign(new Error('organization outside the scope'), { code: '42501' })
  }
  const subtrees = input.every_member && input.org_ids.length ? await subtreesOf(tx, input.org_ids) : null
  if (subtrees && (await targetCount(tx, subtrees, bulkThreshold + 1)) > bulkThreshold) {
    await tx.query(`insert into public.task_fanouts (task_id, org_ids) values ($1, $2::uuid[])`, [id, input.org_ids])
    return { id, assigned: 0, background: true }
  }
  const members = await tx.query(
    `insert into public.task_assignees (task_id, member_id)
     select $1, m.id from public.members m
      where m.deceased_on is null and m.left_on is null
        and (m.id = any ($2::uuid[]) ${subtrees ? `or ${subtrees.clause('$3')}` : ''})
     on conflict do nothing returning id`,
    subtrees ? [id, input.member_ids, subtrees.param] : [id, input.member_ids],
  )
  const orgs = input.every_member
    ? []
    : await tx.query(
        `insert into public.task_assignees (task_id, org_id) select $1, o.id from public.organizations o where o.id = any ($2::uuid[]) returning id`,
        [id, input.org_ids],
      )
  // someone asked for but not assignable (outside the scope, or gone) refuses the whole task
  if (!input.every_member && members.length < new Set(input.member_ids).size) throw Object.assign(new Error('assignee outside the scope'), { code: '42501' })
  return { id, assigned: members.length + orgs.length, background: false }
}

/** How members in the subtrees of some organizations are reached: a clause on m, given its one parameter's place. */
export interface Subtrees {
  clause: (param: string) => string
  param: string[]
}

/**
 * The subtrees as their organization ids when they are few (uuid equality reaches the
 * (org_id, …) index under RLS), else by path. ltree's <@ is not leakproof, so under RLS it never
 * uses an index: a ward secretary's task for one cell read all 1,000,000 members, twice (420 ms each).
 */
export async function subtreesOf(tx: Tx, orgIds: string[]): Promise<Subtrees> {
  const [{ ids }] = await tx.query<{ ids: string[] | null }>(
    `select case when bool_and(p.part is not null) then coalesce(array_agg(distinct x) filter (where x is not null), '{}') end as ids
       from unnest($1::uuid[]) within
       cross join lateral (select ${narrowScopeOrgIdsSql('within')} as part) p
       left join lateral unnest(p.part) x on true`,
    [orgIds],
  )
  return ids
    ? { clause: (p) => `m.org_id = any (${p}::uuid[])`, param: ids }
    : { clause: (p) => `m.org_path <@ any (select o.path from public.organizations o where o.id = any (${p}::uuid[]))`, param: orgIds }
}

/** Current members in the subtrees, counted up to `cap` (under RLS). */
async function targetCount(tx: Tx, subtrees: Subtrees, cap: number): Promise<number> {
  const [{ n }] = await tx.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from public.members m
        where m.deceased_on is null and m.left_on is null and ${subtrees.clause('$1')}
        limit $2) capped`,
    [subtrees.param, cap],
  )
  return n
}

export interface Fanout {
  status: 'pending' | 'done' | 'failed'
  assigned: number
}

/** How the background assignment of a task goes, if it has one. */
export async function fanout(tx: Tx, taskId: string): Promise<Fanout | undefined> {
  const [row] = await tx.query<Fanout>(`select status, assigned from public.task_fanouts where task_id = $1`, [taskId])
  return row
}

export async function update(tx: Tx, id: string, input: { title: string; description?: string; due_on: string; priority: string }): Promise<boolean> {
  const rows = await tx.query(`update public.tasks set title = $2, description = $3, due_on = $4, priority = $5 where id = $1 returning id`, [
    id,
    input.title,
    input.description ?? null,
    input.due_on,
    input.priority,
  ])
  return rows.length === 1
}

/** The assignee's report: progress so far, or done (waiting for the assigner's review). */
export async function report(tx: Tx, assigneeId: string, progress: number, text: string | undefined, finished: boolean): Promise<boolean> {
  const rows = await tx.query(
    `update public.task_assignees set progress = $2, report = coalesce($3, report), status = $4
      where id = $1 and status <> 'done' returning id`,
    [assigneeId, finished ? 100 : progress, text ?? null, finished ? 'reported' : 'in_progress'],
  )
  return rows.length === 1
}

export async function review(tx: Tx, assigneeId: string, accept: boolean, note: string | undefined): Promise<boolean> {
  const rows = await tx.query(`update public.task_assignees set status = $2, review_note = $3 where id = $1 and status = 'reported' returning id`, [
    assigneeId,
    accept ? 'done' : 'returned',
    note ?? null,
  ])
  return rows.length === 1
}

export async function addFile(
  tx: Tx,
  file: { task_id: string; assignee_id: string | null; file_name: string; content_type: string; byte_size: number; storage_key: string },
): Promise<void> {
  await tx.query(`insert into public.task_files (task_id, assignee_id, file_name, content_type, byte_size, storage_key) values ($1, $2, $3, $4, $5, $6)`, [
    file.task_id,
    file.assignee_id,
    file.file_name,
    file.content_type,
    file.byte_size,
    file.storage_key,
  ])
}

export async function file(tx: Tx, id: string) {
  const [row] = await tx.query<{ file_name: string; content_type: string; storage_key: string }>(
    `select file_name, content_type, storage_key from public.task_files where id = $1`,
    [id],
  )
  return row
}

/** The task an assignment belongs to (to answer with the task page). */
export async function taskOf(tx: Tx, assigneeId: string): Promise<string | undefined> {
  const [row] = await tx.query<{ task_id: string }>(`select task_id from public.task_assignees where id = $1`, [assigneeId])
  return row?.task_id
}
