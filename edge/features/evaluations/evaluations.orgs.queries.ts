import type { Tx } from '../../kernel/db/types.ts'

/** The bands, best first; 'pending' counts what has no decision yet. */
export const BANDS = ['excellent', 'good', 'complete', 'not_complete'] as const
export type Band = (typeof BANDS)[number]
export type BandCounts = Record<Band | 'pending', number>

const zeroCounts = (): BandCounts => ({ excellent: 0, good: 0, complete: 0, not_complete: 0, pending: 0 })

function toCounts(rows: { band: string; n: number }[]): BandCounts {
  const counts = zeroCounts()
  for (const r of rows) counts[r.band as Band | 'pending'] += r.n
  return counts
}

export interface Period {
  id: string
  title: string
  year: number
  status: string
  org_id: string
  org_key: string
  org_name: string | null
}

/** A period the user can see (its policy decides), or null. */
export async function period(tx: Tx, id: string): Promise<Period | null> {
  const [row] = await tx.query<Period>(
    `select p.id, p.title, p.year, p.status, p.org_id, p.org_key, o.name as org_name
       from public.evaluation_periods p left join public.organizations o on o.id = p.org_id
      where p.id = $1`,
    [id],
  )
  return row ?? null
}

export interface Org {
  id: string
  name: string
  kind: string
  key: string
  parent_id: string | null
  parent_name: string | null
}

/**
 * An organization ranked in the period that the user manages (itself or from above), or null:
 * inside the period's subtree, not a party group. Managers only: the page is theirs.
 */
export async function rankedOrg(tx: Tx, p: Period, orgId: string): Promise<Org | null> {
  const [row] = await tx.query<Org>(
    `select o.id, o.name, o.kind, o.path::text as key, o.parent_id, parent.name as parent_name
       from public.organizations o left join public.organizations parent on parent.id = o.parent_id
      where o.id = $1 and o.kind <> 'party_group'
        and (o.path::text collate "C") >= $2::text and (o.path::text collate "C") < $2::text || '/'
        and app.in_scope(o.path::text)`,
    [orgId, p.org_key],
  )
  return row ?? null
}

/** Where the list of a period starts for this user: the period's committee, or the top of the user's scope inside it. */
export async function startOrg(tx: Tx, p: Period): Promise<string | null> {
  const [row] = await tx.query<{ id: string }>(
    `select o.id from public.organizations o
      where o.id = any (array[$1::uuid] || (select app.scope_head_ids())::uuid[])
        and (o.path::text collate "C") >= $2::text and (o.path::text collate "C") < $2::text || '/'
        and app.in_scope(o.path::text)
      order by extensions.nlevel(o.path), o.path limit 1`,
    [p.org_id, p.org_key],
  )
  return row?.id ?? null
}

export interface OrgEvaluation {
  id: string
  step: 'self_assessment' | 'committee_decision' | 'decided'
  self_band: Band | null
  self_report: string | null
  self_at: string | null
  decision_band: Band | null
  decision_note: string | null
  decided_at: string | null
  return_reason: string | null
  returned_at: string | null
}

export interface UnitRow {
  id: string
  name: string
  kind: string
  step: OrgEvaluation['step'] | null
  self_band: Band | null
  decision_band: Band | null
  members: BandCounts
}

/** Everything the collective report form shows: the row, who may do what, and the results beside it. */
export interface OrgForm {
  org: Org
  evaluation: OrgEvaluation | null
  /** the organization's side (its managers, or a committee above on its behalf) */
  canWrite: boolean
  /** the committee above the organization */
  canDecide: boolean
  /** its members' results (the whole subtree), decided bands */
  members: BandCounts
  /** its sub-units' results: their decided bands */
  units: BandCounts
  subUnits: UnitRow[]
}

export async function orgForm(tx: Tx, p: Period, org: Org): Promise<OrgForm> {
  const [row] = await tx.query<OrgEvaluation & { can_write: boolean; can_decide: boolean }>(
    `select e.id, e.step, e.self_band, e.self_report, e.self_at, e.decision_band, e.decision_note, e.decided_at,
            e.return_reason, e.returned_at, rights.can_write, rights.can_decide
       from (select app.in_scope($3::text) as can_write, app.manages_above($2::uuid) as can_decide) rights
       left join public.org_evaluations e on e.period_id = $1 and e.org_id = $2`,
    [p.id, org.id, org.key],
  )
  // each direct sub-unit with its own row and its members' decided bands, in one pass over the subtree
  const units = await tx.query<{
    id: string
    name: string
    kind: string
    key: string
    step: OrgEvaluation['step'] | null
    self_band: Band | null
    decision_band: Band | null
  }>(
    `select c.id, c.name, c.kind, c.path::text as key, e.step, e.self_band, e.decision_band
       from public.organizations c
       left join public.org_evaluations e on e.period_id = $1 and e.org_id = c.id
      where c.parent_id = $2 and c.valid_to is null and c.kind <> 'party_group'
      order by c.name`,
    [p.id, org.id],
  )
  // members' bands from the counts kept per organization (a row per organization and band, not per member)
  const perUnit = await tx.query<{ unit: string; band: string; n: number }>(
    `select split_part(substr(c.org_key, length($2::text) + 2), '.', 1) as unit, c.band, sum(c.members)::int as n
       from public.evaluation_band_counts c
      where c.period_id = $1 and c.org_key >= $2::text and c.org_key < $2::text || '/'
      group by 1, 2`,
    [p.id, org.key],
  )
  const byUnit = new Map<string, { band: string; n: number }[]>()
  for (const r of perUnit) byUnit.set(`${org.key}.${r.unit}`, [...(byUnit.get(`${org.key}.${r.unit}`) ?? []), r])
  const subUnits = units.map(({ key, ...u }) => ({ ...u, members: toCounts(byUnit.get(key) ?? []) }))
  const unitCounts = zeroCounts()
  for (const u of subUnits) unitCounts[u.step === 'decided' && u.decision_band ? u.decision_band : 'pending']++
  const { can_write, can_decide, ...evaluation } = row
  return {
    org,
    evaluation: evaluation.id ? evaluation : null,
    canWrite: can_write,
    canDecide: can_decide,
    members: toCounts(perUnit),
    units: unitCounts,
    subUnits,
  }
}

/** Saves the report as a draft (creating the row on the first save) and, with `send`, sends it to the committee above. */
export async function saveReport(tx: Tx, periodId: string, orgId: string, input: { self_band?: Band; self_report?: string; send: boolean }) {
  // one update when the row exists, so that a send is one move (and one audit entry), not a save and a send
  const update = () =>
    tx.query(
      `update public.org_evaluations set self_band = $3, self_report = $4, step = case when $5 then 'committee_decision' else step end
        where period_id = $1 and org_id = $2 returning id`,
      [periodId, orgId, input.self_band ?? null, input.self_report ?? null, input.send],
    )
  if ((await update()).length) return
  // two first saves at once (two secretaries, a double tap): the second finds the row the first made and updates it
  const inserted = await tx.query(
    `insert into public.org_evaluations (period_id, org_id, self_band, self_report) values ($1, $2, $3, $4)
     on conflict (period_id, org_id) do nothing returning id`,
    [periodId, orgId, input.self_band ?? null, input.self_report ?? null],
  )
  if (!inserted.length) {
    await update()
    return
  }
  if (input.send) await tx.query(`update public.org_evaluations set step = 'committee_decision' where period_id = $1 and org_id = $2`, [periodId, orgId])
}

/** The committee above decides; false when the report is not waiting for a decision. */
export async function decide(tx: Tx, periodId: string, orgId: string, input: { decision_band: Band; decision_note?: string }): Promise<boolean> {
  const rows = await tx.query(
    `update public.org_evaluations set step = 'decided', decision_band = $3, decision_note = $4
      where period_id = $1 and org_id = $2 and step = 'committee_decision' returning id`,
    [periodId, orgId, input.decision_band, input.decision_note ?? null],
  )
  return rows.length === 1
}

/** The committee above returns a sent report (or reopens a decision), with its reason. */
export async function returnReport(tx: Tx, periodId: string, orgId: string, reason: string): Promise<boolean> {
  const rows = await tx.query(
    `update public.org_evaluations
        set step = case step when 'committee_decision' then 'self_assessment' else 'committee_decision' end, return_reason = $3
      where period_id = $1 and org_id = $2 and step in ('committee_decision', 'decided') returning id`,
    [periodId, orgId, reason],
  )
  return rows.length === 1
}

export interface DecisionRow {
  full_name: string
  position: string | null
  cell_name: string
  band: Band | null
}

export interface DecisionList {
  rows: DecisionRow[]
  counts: BandCounts
}

/** The decision list of a period for an organization's subtree: every evaluated member, by cell then name, with the decided band. */
export async function decisionList(tx: Tx, periodId: string, key: string): Promise<DecisionList> {
  const rows = await tx.query<DecisionRow>(
    `select coalesce(m.full_name, app.evaluated_member_name(e.id)) as full_name, m.position, o.name as cell_name,
            case when e.step = 'decided' then e.decision_band end as band
       from public.evaluations e
       -- one transferred out during the period is still on the list of the cell that evaluated him/her
       left join public.members m on m.id = e.member_id
       join public.organizations o on o.id = e.org_id
      where e.period_id = $1 and e.org_key >= $2::text and e.org_key < $2::text || '/'
      order by e.org_key, 1, e.member_id`,
    [periodId, key],
  )
  const counts = zeroCounts()
  for (const r of rows) counts[r.band ?? 'pending']++
  return { rows, counts }
}

/** Exports of personal data are audited, as member exports are (DESIGN, "Personal data"). */
export async function recordDecisionExport(tx: Tx, periodId: string, orgId: string, format: 'xlsx' | 'print', count: number) {
  await tx.query(`select app.write_audit('evaluation.decision_list_export', 'evaluation_period', $1, $2, $3::jsonb)`, [
    periodId,
    orgId,
    JSON.stringify({ format, count }),
  ])
}
