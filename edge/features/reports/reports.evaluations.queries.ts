import type { Tx } from '../../kernel/db/types.ts'

/*
 * The evaluation distribution of a subtree for one period: members and organizations per band,
 * per direct child of the chosen organization. Read from the evaluations feature's tables under
 * the user's RLS (features meet in the database, never by imports); rows are reached by key
 * ranges over the copied organization keys, which the tables' indexes serve, never by `<@`.
 */

export const BAND_KEYS = ['excellent', 'good', 'complete', 'not_complete', 'pending'] as const
export type BandKey = (typeof BAND_KEYS)[number]
export type BandCounts = Record<BandKey, number>

export interface DistributionRow {
  id: string
  name: string
  kind: string
  members: BandCounts
  orgs: BandCounts
}

export interface EvaluationPeriodOption {
  id: string
  title: string
  year: number
  org_id: string
}

export interface Distribution {
  period: EvaluationPeriodOption
  total: DistributionRow
  children: DistributionRow[]
  /** members evaluated directly in the organization (not under a listed child) */
  direct: BandCounts | null
}

const zero = (): BandCounts => ({ excellent: 0, good: 0, complete: 0, not_complete: 0, pending: 0 })
const sum = (a: BandCounts, b: BandCounts): BandCounts => ({
  excellent: a.excellent + b.excellent,
  good: a.good + b.good,
  complete: a.complete + b.complete,
  not_complete: a.not_complete + b.not_complete,
  pending: a.pending + b.pending,
})

/** The periods the user can see (their policy decides), latest first. */
export async function evaluationPeriods(tx: Tx): Promise<EvaluationPeriodOption[]> {
  return tx.query(`select id, title, year, org_id from public.evaluation_periods order by year desc, created_at desc limit 20`)
}

/** One period, if the user can see it. */
export async function evaluationPeriod(tx: Tx, id: string): Promise<EvaluationPeriodOption | undefined> {
  const [row] = await tx.query<EvaluationPeriodOption>(`select id, title, year, org_id from public.evaluation_periods where id = $1`, [id])
  return row
}

export async function evaluationDistribution(tx: Tx, period: EvaluationPeriodOption, orgId: string): Promise<Distribution | null> {
  const [org] = await tx.query<{ id: string; name: string; kind: string; key: string }>(
    `select id, name, kind, path::text as key from public.organizations where id = $1`,
    [orgId],
  )
  if (!org) return null
  const children = await tx.query<{ id: string; name: string; kind: string; code: string }>(
    `select id, name, kind, code from public.organizations where parent_id = $1 and valid_to is null order by name`,
    [orgId],
  )
  // the child's code is the label after the organization's key: "<key>.<code>[.…]"
  // from the counts kept per organization and band (a row per organization, not per member)
  const members = await tx.query<{ child: string | null; band: BandKey; n: number }>(
    `select nullif(split_part(substr(c.org_key, length($2::text) + 2), '.', 1), '') as child, c.band, sum(c.members)::int as n
       from public.evaluation_band_counts c
      where c.period_id = $1 and c.org_key >= $2::text and c.org_key < $2::text || '/'
      group by 1, 2`,
    [period.id, org.key],
  )
  // every organization ranked in the period (the period's subtree, no party groups), decided or not
  const orgs = await tx.query<{ child: string | null; band: BandKey; n: number }>(
    `select nullif(split_part(substr(o.path::text, length($2::text) + 2), '.', 1), '') as child,
            coalesce(case when r.step = 'decided' then r.decision_band end, 'pending') as band, count(*)::int as n
       from public.organizations o
       join public.evaluation_periods p on p.id = $1
       left join public.org_evaluations r on r.period_id = p.id and r.org_id = o.id
      where (o.path::text collate "C") >= $2::text and (o.path::text collate "C") < $2::text || '/'
        and (o.path::text collate "C") >= p.org_key and (o.path::text collate "C") < p.org_key || '/'
        and o.valid_to is null and o.kind <> 'party_group'
      group by 1, 2`,
    [period.id, org.key],
  )
  const byChild = (rows: { child: string | null; band: BandKey; n: number }[]) => {
    const map = new Map<string | null, BandCounts>()
    for (const r of rows) {
      const counts = map.get(r.child) ?? zero()
      counts[r.band] += r.n
      map.set(r.child, counts)
    }
    return map
  }
  const memberMap = byChild(members)
  const orgMap = byChild(orgs)
  const listed = children.map((c) => ({ id: c.id, name: c.name, kind: c.kind, members: memberMap.get(c.code) ?? zero(), orgs: orgMap.get(c.code) ?? zero() }))
  const codes = new Set(children.map((c) => c.code))
  const direct = [...memberMap].filter(([code]) => code === null || !codes.has(code)).reduce((s, [, c]) => sum(s, c), zero())
  const total = {
    id: org.id,
    name: org.name,
    kind: org.kind,
    members: [...memberMap.values()].reduce(sum, zero()),
    orgs: [...orgMap.values()].reduce(sum, zero()),
  }
  return {
    period,
    total,
    children: listed.filter((c) => Object.values(c.members).some((n) => n > 0) || Object.values(c.orgs).some((n) => n > 0)),
    direct: Object.values(direct).some((n) => n > 0) ? direct : null,
  }
}
