import type { Tx } from '../../kernel/db/types.ts'

/**
 * Data quality of the member records in a subtree ("Chuẩn hóa dữ liệu"): what is missing, what
 * looks duplicated, what cannot be true. Under the user's RLS, so a cell secretary's report
 * holds his/her cell and a duplicate is seen only where both records are in sight.
 */

/** The checks, in the order the page shows them. */
export const CHECKS = [
  'missing_phone',
  'missing_birth',
  'missing_card',
  'missing_admitted',
  'duplicate_card',
  'duplicate_person',
  'impossible_dates',
  'shared_phone',
] as const
export type Check = (typeof CHECKS)[number]

export type CheckCounts = Record<Check, number> & { members: number; with_problems: number }

/**
 * One pass: each check a flag. Duplicates are counted by window functions over every active
 * member the user can see, not only the subtree asked for, so a cell's page still shows that its
 * member is also recorded in the next ward (a card number written with dots or spaces is the same
 * number; names compare without accents or case). No check costs a query per member.
 */
const FLAGGED = `
  with root as (select o.path from public.organizations o where o.id = $1),
  visible as (
    select m.id, m.org_id, m.org_path, m.full_name, m.phone, m.birth_date, m.card_number, m.admitted_on, m.official_on,
           count(*) over (partition by nullif(regexp_replace(upper(coalesce(m.card_number, '')), '[^0-9A-Z]', '', 'g'), '')) as same_card,
           count(*) over (partition by app.search_key(m.full_name), m.birth_date) as same_person,
           count(*) over (partition by m.phone) as same_phone
      from public.members m
     where m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
  ),
  flagged as (
    select p.*,
           p.phone is null as missing_phone,
           p.birth_date is null as missing_birth,
           p.card_number is null as missing_card,
           p.admitted_on is null as missing_admitted,
           p.card_number is not null and p.same_card > 1 as duplicate_card,
           p.birth_date is not null and p.same_person > 1 as duplicate_person,
           coalesce(p.official_on < p.admitted_on or p.admitted_on < p.birth_date + interval '18 years' or p.birth_date > app.today()
                    or p.admitted_on > app.today() or p.official_on > app.today(), false) as impossible_dates,
           p.phone is not null and p.same_phone > 1 as shared_phone
      from visible p
     where p.org_path <@ (select path from root)
  )`

const COUNTS = `count(*)::int as members,
  count(*) filter (where missing_phone or missing_birth or missing_card or missing_admitted or duplicate_card or duplicate_person or impossible_dates or shared_phone)::int as with_problems,
  ${CHECKS.map((c) => `count(*) filter (where ${c})::int as ${c}`).join(',\n  ')}`

export interface QualityRow extends CheckCounts {
  id: string
  name: string
  kind: string
  /** has organizations below it (the row opens a further breakdown) */
  leaf: boolean
}

export interface QualityReport {
  org: { id: string; name: string; kind: string; parent_id: string | null }
  total: CheckCounts
  /** members of the organization itself (a grassroots cell's, a committee's own office) */
  direct: CheckCounts
  children: QualityRow[]
}

/** The organization's subtree: each open child's subtree, its own members, and the whole. */
export async function qualityReport(tx: Tx, orgId: string): Promise<QualityReport | undefined> {
  const [org] = await tx.query<QualityReport['org']>(`select id, name, kind, parent_id from public.organizations where id = $1`, [orgId])
  if (!org) return undefined
  const rows = await tx.query<CheckCounts & { child: string | null; whole: boolean }>(
    `${FLAGGED},
     kids as (select o.id, o.path from public.organizations o where o.parent_id = $1 and o.valid_to is null)
     select k.id as child, grouping(k.id) = 1 as whole, ${COUNTS}
       from flagged f left join kids k on f.org_path <@ k.path
      group by rollup (k.id)`,
    [orgId],
  )
  const children = await tx.query<{ id: string; name: string; kind: string; leaf: boolean }>(
    `select o.id, o.name, o.kind, not exists (select 1 from public.organizations x where x.parent_id = o.id and x.valid_to is null) as leaf
       from public.organizations o where o.parent_id = $1 and o.valid_to is null order by o.name limit 500`,
    [orgId],
  )
  const zero = Object.fromEntries([...CHECKS, 'members', 'with_problems'].map((k) => [k, 0])) as CheckCounts
  const counts = (row: (CheckCounts & { child: string | null; whole: boolean }) | undefined): CheckCounts => {
    if (!row) return zero
    const { child: _child, whole: _whole, ...c } = row
    return c
  }
  // the rollup's rows: one per child, one (child null) for the organization's own members, and the whole
  const group = (id: string | null) => rows.find((r) => !r.whole && r.child === id)
  return {
    org,
    total: counts(rows.find((r) => r.whole)),
    direct: counts(group(null)),
    children: children.map((c) => ({ ...c, ...counts(group(c.id)) })),
  }
}

export interface FlaggedMember {
  id: string
  full_name: string
  org_name: string
  problems: Check[]
  /** which date cannot be true, and the dates themselves, to say so */
  date_problem: 'official_before_admitted' | 'admitted_under_18' | 'born_in_future' | 'admitted_in_future' | 'official_in_future' | null
  birth_date: string | null
  admitted_on: string | null
  official_on: string | null
}

export const LIST_SIZE = 100

/** The members of the subtree with a problem (one check, or any), to open and fix; a page of LIST_SIZE. */
export async function flaggedMembers(tx: Tx, orgId: string, check: Check | undefined, page: number): Promise<FlaggedMember[]> {
  const where = check ? check : CHECKS.join(' or ')
  return tx.query<FlaggedMember>(
    `${FLAGGED}
     select f.id, f.full_name, o.name as org_name,
            array_remove(array[${CHECKS.map((c) => `case when f.${c} then '${c}' end`).join(', ')}], null) as problems,
            case when f.birth_date > app.today() then 'born_in_future'
                 when f.admitted_on > app.today() then 'admitted_in_future'
                 when f.official_on > app.today() then 'official_in_future'
                 when f.official_on < f.admitted_on then 'official_before_admitted'
                 when f.admitted_on < f.birth_date + interval '18 years' then 'admitted_under_18' end as date_problem,
            f.birth_date::text, f.admitted_on::text, f.official_on::text
       from flagged f join public.organizations o on o.id = f.org_id
      where ${where}
      order by o.name, f.full_name, f.id
      limit ${LIST_SIZE + 1} offset $2`,
    [orgId, (page - 1) * LIST_SIZE],
  )
}

/** The organizations at the top of the user's scope (where the report opens), and whether he/she may see one. */
export async function qualityTops(tx: Tx): Promise<{ id: string; name: string }[]> {
  return tx.query(
    `select o.id, o.name from public.organizations o where o.id = any ((select app.scope_head_ids())::uuid[]) and o.valid_to is null order by o.path limit 50`,
  )
}

export async function canSeeOrg(tx: Tx, orgId: string): Promise<boolean> {
  const [row] = await tx.query<{ ok: boolean }>(
    `select exists (select 1 from public.organizations o where o.id = $1 and o.path <@ any ((select app.managed_scope())::ltree[])) as ok`,
    [orgId],
  )
  return row.ok
}
