import type { Tx } from '../../kernel/db/types.ts'

export interface RegistrationCounts {
  members: number
  registered: number
  /** Members whose account signed in during the period (the last `days` Vietnam dates, today included). */
  active: number
  /** Days on which their accounts opened the app in the period, added up (nothing of what was read is kept). */
  visits: number
}

export interface RegistrationRow extends RegistrationCounts {
  id: string
  name: string
  kind: string
}

/** A subtotal of the listed children of one kind. */
export interface KindSubtotal extends RegistrationCounts {
  kind: string
  orgs: number
}

export interface RegistrationReport {
  /** the period of "active" and "visits", in days */
  days: number
  total: RegistrationRow
  children: RegistrationRow[]
  /** Members not under any listed child: directly in the organization, or under a closed child. */
  direct: RegistrationCounts | null
  subtotals: KindSubtotal[]
}

const ZERO: RegistrationCounts = { members: 0, registered: 0, active: 0, visits: 0 }

function add(a: RegistrationCounts, b: RegistrationCounts): RegistrationCounts {
  return { members: a.members + b.members, registered: a.registered + b.registered, active: a.active + b.active, visits: a.visits + b.visits }
}

/** Child kinds in the order of the hierarchy, so subtotals read top-down. */
const KIND_ORDER = ['province_committee', 'commune_committee', 'grassroots_committee', 'grassroots_cell', 'sub_committee', 'cell', 'party_group']

/**
 * Members, registered accounts and recent sign-ins of an organization's subtree and of each
 * direct child, with a subtotal per kind of child. The counts come from counters kept per
 * organization (migration registration_rollup): a few rows per child, whatever the subtree's size.
 */
/** The periods the report offers, in days. */
export const PERIODS = [7, 30, 90, 365] as const
export type Period = (typeof PERIODS)[number]

export async function registration(tx: Tx, orgId: string, days: Period = 30): Promise<RegistrationReport | null> {
  const [org] = await tx.query<{ id: string; name: string; kind: string; path: string }>(
    `select id, name, kind, path::text as path from public.organizations where id = $1`,
    [orgId],
  )
  if (!org) return null
  // app.registration_counts checks the scope itself; see its comment for why it is not a query under the policies.
  const counts = await tx.query<RegistrationCounts & { child: string | null }>(
    `select child, members, registered, active, visits from app.registration_counts($1, $2)`,
    [orgId, days],
  )
  const listed = await tx.query<{ id: string; name: string; kind: string; path: string }>(
    `select id, name, kind, path::text as path from public.organizations
      where parent_id = $1 and valid_to is null order by name`,
    [orgId],
  )
  const byChild = new Map(counts.map((c) => [c.child, c]))
  const pick = (c: RegistrationCounts | undefined): RegistrationCounts =>
    c ? { members: c.members, registered: c.registered, active: c.active, visits: c.visits } : { ...ZERO }
  const children = listed.map(({ path, ...c }) => ({ ...c, ...pick(byChild.get(path)) }))
  const listedPaths = new Set(listed.map((c) => c.path))
  const direct = counts.filter((c) => c.child === null || !listedPaths.has(c.child)).reduce<RegistrationCounts>((s, c) => add(s, pick(c)), { ...ZERO })
  const byKind = new Map<string, KindSubtotal>()
  for (const c of children) {
    const s = byKind.get(c.kind) ?? { kind: c.kind, orgs: 0, ...ZERO }
    byKind.set(c.kind, { ...s, ...add(s, c), orgs: s.orgs + 1 })
  }
  const subtotals = [...byKind.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
  const total = counts.reduce<RegistrationCounts>((s, c) => add(s, pick(c)), { ...ZERO })
  return {
    days,
    total: { id: org.id, name: org.name, kind: org.kind, ...total },
    children,
    direct: direct.members > 0 ? direct : null,
    subtotals,
  }
}

/** The organizations at the top of the user's scope: the default report. */
export async function topOrgs(tx: Tx): Promise<{ id: string; name: string }[]> {
  return tx.query(
    `select o.id, o.name from public.organizations o
      where o.id = any ((select app.scope_head_ids())::uuid[])
        and not (o.path <@ any (array(select s from unnest((select app.managed_scope())) s where s <> o.path)))
      order by o.path limit 50`,
  )
}

export async function canSee(tx: Tx, orgId: string): Promise<boolean> {
  const rows = await tx.query(`select 1 from public.organizations where id = $1 and path <@ any ((select app.managed_scope())::ltree[])`, [orgId])
  return rows.length === 1
}
