import type { Tx } from '../../kernel/db/types.ts'
import { inIndexOrder, NARROW_SCOPE_ORGS } from '../../kernel/db/scope.ts'
import { type Band, type PeriodInput, type Step, STEPS } from './evaluations.forms.ts'

export const PAGE_SIZE = 30

export interface PeriodRow {
  id: string
  title: string
  kind: string
  year: number
  self_due: string
  proposal_due: string
  decision_due: string
  excellent_quota_percent: string
  status: string
  member_count: number
  org_name: string
  /** the committee's own managers adjust the form and close the period */
  can_manage: boolean
}

export interface MyEvaluationRow {
  id: string
  period_title: string
  step: Step
  decision_band: Band | null
  self_due: string
}

export interface ListRow {
  id: string
  member_id: string
  full_name: string | null
  org_name: string
  step: Step
  self_points: string | null
  self_band: Band | null
  proposal_band: Band | null
  decision_band: Band | null
}

export interface Criterion {
  id: string
  section: 'general' | 'tasks'
  title: string
  max_points: string
}

export interface Condition {
  code: string
  label: string
  max_band: Band
}

export interface HistoryRow {
  action: string
  from_step: Step
  to_step: Step
  points: string | null
  band: Band | null
  note: string | null
  by_name: string | null
  at: string
}

export interface EvaluationDetail {
  id: string
  period_id: string
  member_id: string
  org_id: string
  full_name: string | null
  org_name: string
  step: Step
  self_scores: Record<string, number>
  self_points: string | null
  self_computed_band: Band | null
  self_band: Band | null
  self_all_tasks_done: boolean | null
  self_note: string | null
  proposal_points: string | null
  all_tasks_done: boolean | null
  conditions: string[]
  proposal_band: Band | null
  votes_for: number | null
  votes_against: number | null
  proposal_note: string | null
  decision_band: Band | null
  decision_note: string | null
  return_reason: string | null
  period_title: string
  period_year: number
  period_status: string
  self_due: string
  proposal_due: string
  decision_due: string
  is_self: boolean
  cell_side: boolean
  above_side: boolean
}

/** The periods the user sees (his/her own subtree's, and those covering his/her cell), newest first. */
export function periods(tx: Tx) {
  return tx.query<PeriodRow>(
    `select p.id, p.title, p.kind, p.year, p.self_due::text, p.proposal_due::text, p.decision_due::text,
            p.excellent_quota_percent::text, p.status, p.member_count, o.name as org_name, ${CAN_MANAGE} as can_manage
       from public.evaluation_periods p join public.organizations o on o.id = p.org_id
      order by p.year desc, p.created_at desc limit 50`,
  )
}

/** As the policies on periods, criteria and conditions say: a committee manager of the period's subtree. */
const CAN_MANAGE = `(app.in_scope(p.org_key) and p.org_key::extensions.ltree operator(extensions.<@) any (app.managed_scope(true)))`

export async function period(tx: Tx, id: string) {
  const [row] = await tx.query<PeriodRow & { locked: boolean }>(
    `select p.id, p.title, p.kind, p.year, p.self_due::text, p.proposal_due::text, p.decision_due::text,
            p.excellent_quota_percent::text, p.status, p.member_count, o.name as org_name, ${CAN_MANAGE} as can_manage,
            exists (select 1 from public.evaluations e where e.period_id = p.id and e.self_at is not null) as locked
       from public.evaluation_periods p join public.organizations o on o.id = p.org_id where p.id = $1`,
    [id],
  )
  return row
}

export interface CriterionChange {
  id?: string
  section: 'general' | 'tasks'
  title: string
  max_points: number
  remove?: boolean
}

/** Applies the committee's edits of the form in one transaction (the sums are checked at commit by the database). */
export async function saveCriteria(tx: Tx, periodId: string, changes: CriterionChange[]) {
  await tx.query(`select app.write_audit('evaluation_criteria.changed', 'evaluation_period', $1, null, $2::jsonb)`, [
    periodId,
    JSON.stringify({ criteria: changes }),
  ])
  for (const c of changes) {
    if (c.id && c.remove) await tx.query(`delete from public.evaluation_criteria where id = $1 and period_id = $2`, [c.id, periodId])
    else if (c.id)
      await tx.query(`update public.evaluation_criteria set title = $3, max_points = $4 where id = $1 and period_id = $2`, [
        c.id,
        periodId,
        c.title,
        c.max_points,
      ])
    else
      await tx.query(
        `insert into public.evaluation_criteria (period_id, section, position, title, max_points)
         select $1, $2, coalesce(max(position), 0) + 1, $3, $4 from public.evaluation_criteria where period_id = $1 and section = $2`,
        [periodId, c.section, c.title, c.max_points],
      )
  }
}

export interface ConditionChange {
  code?: string
  label: string
  max_band: Exclude<Band, 'excellent'>
  remove?: boolean
}

/** Applies the committee's edits of the disqualifying conditions (audited); a new one gets a fresh code. */
export async function saveConditions(tx: Tx, periodId: string, changes: ConditionChange[]) {
  await tx.query(`select app.write_audit('evaluation_conditions.changed', 'evaluation_period', $1, null, $2::jsonb)`, [
    periodId,
    JSON.stringify({ conditions: changes }),
  ])
  for (const c of changes) {
    if (c.code && c.remove) await tx.query(`delete from public.evaluation_conditions where period_id = $1 and code = $2`, [periodId, c.code])
    else if (c.code)
      await tx.query(`update public.evaluation_conditions set label = $3, max_band = $4 where period_id = $1 and code = $2`, [
        periodId,
        c.code,
        c.label,
        c.max_band,
      ])
    else
      await tx.query(
        `insert into public.evaluation_conditions (period_id, code, label, max_band)
         values ($1, 'custom_' || translate(substr(md5(gen_random_uuid()::text), 1, 10), '0123456789', 'ghijklmnop'), $2, $3)`,
        [periodId, c.label, c.max_band],
      )
  }
}

export async function closePeriod(tx: Tx, id: string) {
  const closed = await tx.query<{ org_id: string }>(
    `update public.evaluation_periods set status = 'closed' where id = $1 and status = 'open' returning org_id`,
    [id],
  )
  if (closed.length) await tx.query(`select app.write_audit('evaluation_period.closed', 'evaluation_period', $1, $2, '{}')`, [id, closed[0].org_id])
  return closed.length > 0
}

export function myEvaluations(tx: Tx) {
  return tx.query<MyEvaluationRow>(
    `select e.id, p.title as period_title, e.step, e.decision_band, p.self_due::text
       from public.evaluations e join public.evaluation_periods p on p.id = e.period_id
      where e.member_id = (select app.current_member_id())
      order by p.year desc, p.created_at desc`,
  )
}

/** Committees the user may open a period for (the committees of his/her structural scope). */
export function openableOrgs(tx: Tx) {
  return tx.query<{ id: string; name: string }>(
    `select o.id, o.name from public.organizations o
      where (o.path::text collate "C") >= (select (app.scope_bounds(true))[1])
        and (o.path::text collate "C") < (select (app.scope_bounds(true))[2])
        and o.kind not in ('cell', 'party_group') and o.valid_to is null
      order by o.path limit 200`,
  )
}

/** Organizations to narrow a list to: the top levels of the user's scope (roots, their children and grandchildren). */
export function filterOrgs(tx: Tx) {
  return tx.query<{ id: string; name: string }>(
    `select o.id, o.name from public.organizations o
       join unnest((select app.managed_scope())) r on o.path operator(extensions.<@) r and extensions.nlevel(o.path) <= extensions.nlevel(r) + 2
      where o.valid_to is null
      order by o.path limit 300`,
  )
}

export async function openPeriod(tx: Tx, input: PeriodInput): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.evaluation_periods (org_id, kind, year, title, self_due, proposal_due, decision_due, excellent_quota_percent)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
    [input.org_id, input.kind, input.year, input.title, input.self_due, input.proposal_due, input.decision_due, input.excellent_quota_percent],
  )
  return row.id
}

/**
 * A page of a period's evaluations in the user's scope, optionally under one organization and at
 * one step. A narrow scope (or branch) is spelled out as organization ids for the (org_id, …)
 * index; a wide one is a key range (never `org_path <@`, which RLS would check row by row).
 */
export async function list(tx: Tx, periodId: string, filter: { orgId?: string; step?: Step }, page: number) {
  const [narrow] = await tx.query<{ ids: string[] | null; low: string; high: string }>(
    `select app.small_scope_org_ids(${NARROW_SCOPE_ORGS}, $1::uuid)::text[] as ids,
            greatest((app.scope_bounds())[1] collate "C", coalesce((select o.path::text from public.organizations o where o.id = $1::uuid), '') collate "C") as low,
            least((app.scope_bounds())[2] collate "C", coalesce((select o.path::text || '/' from public.organizations o where o.id = $1::uuid), '~') collate "C") as high`,
    [filter.orgId ?? null],
  )
  const params: unknown[] = [periodId]
  const add = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  const where = narrow.ids ? `e.org_id = any(${add(narrow.ids)}::uuid[])` : `e.org_key >= ${add(narrow.low)} and e.org_key < ${add(narrow.high)}`
  const counted = params.length
  const atStep = filter.step ? `and e.step = ${add(filter.step)}` : ''
  const read = () =>
    tx.query<ListRow>(
      `select e.id, e.member_id, coalesce(m.full_name, app.evaluated_member_name(e.id)) as full_name, o.name as org_name, e.step, e.self_points::text,
              e.self_band, e.proposal_band, e.decision_band
         from public.evaluations e
         join public.organizations o on o.id = e.org_id
         left join public.members m on m.id = e.member_id
        where e.period_id = $1 and ${where} ${atStep}
        order by e.org_key, m.full_name, e.id
        limit ${PAGE_SIZE + 1} offset ${(page - 1) * PAGE_SIZE}`,
      params,
    )
  // a wide scope walks (period, key) and sorts each cell's few names only (a province: 3 ms, not 200)
  const rows = narrow.ids ? await read() : await inIndexOrder(tx, read)
  // from the counts the triggers keep per cell and step (evaluation_orgs migration): counting a
  // province's 100,000 evaluations under RLS on every page took 33-35 ms, these rows 3.5-4 ms
  const [tally] = await tx.query<Record<Step, number>>(
    `select ${STEPS.map((s) => `coalesce(sum(e.members) filter (where e.step = '${s}'), 0)::int as ${s}`).join(', ')}
       from public.evaluation_band_counts e where e.period_id = $1 and ${where}`,
    params.slice(0, counted),
  )
  return { rows: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE, counts: tally }
}

export async function detail(tx: Tx, id: string): Promise<EvaluationDetail | undefined> {
  const [row] = await tx.query<EvaluationDetail>(
    `select e.id, e.period_id, e.member_id, e.org_id, coalesce(m.full_name, app.evaluated_member_name(e.id)) as full_name, coalesce(o.name, '') as org_name, e.step, e.self_scores, e.self_points::text,
            e.self_computed_band, e.self_band, e.self_all_tasks_done, e.self_note, e.proposal_points::text, e.all_tasks_done,
            e.conditions, e.proposal_band, e.votes_for, e.votes_against, e.proposal_note, e.decision_band, e.decision_note,
            e.return_reason, p.title as period_title, p.year as period_year, p.status as period_status, p.self_due::text, p.proposal_due::text,
            p.decision_due::text,
            e.member_id = (select app.current_member_id()) as is_self,
            -- the steps after the self-assessment are never the evaluated member's own (app.evaluations_prepare)
            (app.in_scope(e.org_key) and e.member_id is distinct from (select app.current_member_id())) as cell_side,
            (app.manages_above(e.org_id) and e.member_id is distinct from (select app.current_member_id())) as above_side
       from public.evaluations e
       join public.evaluation_periods p on p.id = e.period_id
       -- a member transferred out during the period no longer reads the cell that evaluates him/her
       left join public.organizations o on o.id = e.org_id
       left join public.members m on m.id = e.member_id
      where e.id = $1`,
    [id],
  )
  return row
}

export function criteria(tx: Tx, periodId: string) {
  return tx.query<Criterion>(
    `select id, section, title, max_points::text from public.evaluation_criteria where period_id = $1 order by section, position, title`,
    [periodId],
  )
}

export function conditions(tx: Tx, periodId: string) {
  return tx.query<Condition>(`select code, label, max_band from public.evaluation_conditions where period_id = $1 order by code`, [periodId])
}

export function history(tx: Tx, evaluationId: string) {
  return tx.query<HistoryRow>(
    `select action, from_step, to_step, points::text, band, note, by_name, at::text from public.evaluation_history where evaluation_id = $1 order by at, id`,
    [evaluationId],
  )
}

/** The band points, tasks and conditions give in the period (the database's rule, asked before saving). */
export async function computedBand(tx: Tx, periodId: string, points: number, allTasksDone: boolean, codes: string[]): Promise<Band> {
  const [row] = await tx.query<{ band: Band }>(`select app.evaluation_band($2, $3, app.evaluation_cap($1, $4::text[])) as band`, [
    periodId,
    points,
    allTasksDone,
    codes,
  ])
  return row.band
}

export async function quota(tx: Tx, id: string) {
  const [row] = await tx.query<{
    quota_percent: string
    good_or_better: number
    excellent: number
    allowed: number
    over: number
    names: string[]
    hidden: number
  }>(`select * from app.evaluation_quota($1, 'excellent')`, [id])
  return row
}

/** Each move is one UPDATE of the step; the database decides whether it is this user's to make. */
export async function submitSelf(
  tx: Tx,
  id: string,
  scores: Record<string, number>,
  v: { self_band?: Band; self_all_tasks_done: boolean; self_note?: string },
) {
  const rows = await tx.query(
    `update public.evaluations set step = 'cell_proposal', self_scores = $2::jsonb, self_band = $3, self_all_tasks_done = $4, self_note = $5
      where id = $1 and step = 'self_assessment' returning id`,
    [id, JSON.stringify(scores), v.self_band ?? null, v.self_all_tasks_done, v.self_note ?? null],
  )
  return rows.length > 0
}

export async function propose(
  tx: Tx,
  id: string,
  v: {
    proposal_points: number
    all_tasks_done: boolean
    conditions: string[]
    proposal_band?: Band
    votes_for: number
    votes_against: number
    proposal_note?: string
  },
) {
  const rows = await tx.query(
    `update public.evaluations set step = 'committee_decision', proposal_points = $2, all_tasks_done = $3, conditions = $4::text[], proposal_band = $5,
            votes_for = $6, votes_against = $7, proposal_note = $8
      where id = $1 and step = 'cell_proposal' returning id`,
    [id, v.proposal_points, v.all_tasks_done, v.conditions, v.proposal_band ?? null, v.votes_for, v.votes_against, v.proposal_note ?? null],
  )
  return rows.length > 0
}

export async function decide(tx: Tx, id: string, v: { decision_band: Band; conditions: string[]; decision_note?: string }) {
  const rows = await tx.query(
    `update public.evaluations set step = 'decided', decision_band = $2, conditions = $3::text[], decision_note = $4
      where id = $1 and step = 'committee_decision' returning id`,
    [id, v.decision_band, v.conditions, v.decision_note ?? null],
  )
  return rows.length > 0
}

const BEFORE: Partial<Record<Step, Step>> = { cell_proposal: 'self_assessment', committee_decision: 'cell_proposal', decided: 'committee_decision' }

/** Returns an evaluation from the step it stands at to the one before, with the reason. */
export async function returnStep(tx: Tx, id: string, from: Step, reason: string) {
  const to = BEFORE[from]
  if (!to) return false
  const rows = await tx.query(`update public.evaluations set step = $3, return_reason = $4 where id = $1 and step = $2 returning id`, [id, from, to, reason])
  return rows.length > 0
}

/** A member's evaluations the user may see (own, or in scope), newest first, each with its moves. */
export async function memberEvaluations(tx: Tx, memberId: string) {
  const evaluations = await tx.query<{
    id: string
    period_title: string
    step: Step
    decision_band: Band | null
    proposal_band: Band | null
    self_band: Band | null
  }>(
    `select e.id, p.title as period_title, e.step, e.decision_band, e.proposal_band, e.self_band
       from public.evaluations e join public.evaluation_periods p on p.id = e.period_id
      where e.member_id = $1
      order by p.year desc, p.created_at desc limit 20`,
    [memberId],
  )
  const moves = evaluations.length
    ? await tx.query<HistoryRow & { evaluation_id: string }>(
        `select evaluation_id, action, from_step, to_step, points::text, band, note, by_name, at::text
           from public.evaluation_history where member_id = $1 and evaluation_id = any($2::uuid[]) order by at, id`,
        [memberId, evaluations.map((e) => e.id)],
      )
    : []
  return evaluations.map((e) => ({ ...e, moves: moves.filter((m) => m.evaluation_id === e.id) }))
}

/** The official members of a cell today: who votes on its proposals. */
export async function cellVoters(tx: Tx, orgId: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `select count(*)::int as n from public.members m
      where m.org_id = $1 and m.status = 'official' and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())`,
    [orgId],
  )
  return row.n
}
