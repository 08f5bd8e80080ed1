import type { PlaceableOrg } from './members.sheet.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { inIndexOrder, narrowScopeOrgIdsSql } from '../../kernel/db/scope.ts'
import type { ListQuery, MemberInput, StatusChange } from './members.forms.ts'
import type { MemberRowView } from '../../../views/members/MemberRows.tsx'

export const PAGE_SIZE = 50
/** Lists count exactly up to this many rows; beyond, "more than" (exact totals: reports). */
export const COUNT_LIMIT = 10_000
const SEARCH_LIMIT = 10_000

/** The list row is exactly what the list view shows. */
export type MemberRow = MemberRowView

const AGE_RANGES: Record<string, [number, number]> = {
  under30: [0, 29],
  '30to45': [30, 45],
  '46to60': [46, 60],
  '61to75': [61, 75],
  over75: [76, 200],
}

/**
 * How a list reaches its rows (see kernel/db/scope.ts): the planner cannot see the size of a
 * policy's scope, and a branch filter on org_path reaches no index under RLS (ltree's operators
 * are not leakproof).
 */
type Reach =
  /** a narrow scope or branch spelled out as organization ids, with the user's own cell where it
      lies in the branch (his/her own record is readable; the policy keeps the cell-mates out) */
  | { by: 'orgs'; ids: string[] }
  /** a wide scope: walk the name index in order and let the policy filter */
  | { by: 'scope' }
  /** a wide branch under RLS: its key range (leakproof text comparisons), walking the name index in order */
  | { by: 'branch'; key: string }
  /** a branch on the system path (no scope, no member, no policy): its GiST index */
  | { by: 'subtree'; key: string }

/**
 * One round trip: the branch, the user's own cell and, for the scope or its part in the branch,
 * the organization ids when they are few. A branch that covers the user's whole scope adds
 * nothing (two correlated filters also mislead the planner).
 */
async function reachOf(tx: Tx, orgId: string | undefined): Promise<Reach> {
  const [row] = await tx.query<{ key: string | null; covers: boolean | null; home: string | null; home_inside: boolean; ids: string[] | null }>(
    `select s.path::text as key, me.org_id as home, coalesce(s.id is null or me.org_path <@ s.path, false) as home_inside, c.covers,
            ${narrowScopeOrgIdsSql('case when c.covers is false then s.id end')} as ids
       from (select 1) one
       left join public.organizations s on s.id = $1
       left join public.members me on me.id = (select app.current_member_id())
       left join lateral (select bool_and(root <@ s.path) as covers from unnest((select app.managed_scope())::ltree[]) root) c on true`,
    [orgId ?? null],
  )
  if (orgId && row.key === null) return { by: 'orgs', ids: [] }
  const withHome = (ids: string[]) => (row.home && row.home_inside && !ids.includes(row.home) ? [...ids, row.home] : ids)
  if (orgId && row.covers === null) return row.home ? { by: 'orgs', ids: withHome([]) } : { by: 'subtree', key: row.key! }
  if (row.ids === null) return orgId && row.covers === false ? { by: 'branch', key: row.key! } : { by: 'scope' }
  return row.ids.length || row.home ? { by: 'orgs', ids: withHome(row.ids) } : { by: 'scope' }
}

/** The clause that reaches the rows, its parameters appended to params. */
function reachClause(reach: Reach, param: (v: unknown) => string): string | null {
  if (reach.by === 'orgs') return `m.org_id = any (${param(reach.ids)}::uuid[])`
  // the key range of a branch: its own key and every key below it ('/' sorts right after '.')
  if (reach.by === 'branch') return `m.org_key >= ${param(reach.key)} and m.org_key < ${param(`${reach.key}/`)}`
  if (reach.by === 'subtree') return `m.org_path <@ ${param(reach.key)}::ltree`
  return null
}

function listFilter(f: Omit<ListQuery, 'page'>, reach: Reach): { where: string; params: unknown[] } {
  const params: unknown[] = []
  const clauses: string[] = []
  const param = (v: unknown) => `$${params.push(v)}`
  const reaching = reachClause(reach, param)
  if (reaching) clauses.push(reaching)
  // ids from the trigram index first (see member_ids_matching), then the same LIKE under RLS
  if (f.q) {
    const q = param(f.q)
    clauses.push(`m.id = any ((select public.member_ids_matching(${q}, ${SEARCH_LIMIT}))::uuid[])`)
    clauses.push(`m.search_name like app.contains_pattern(${q})`)
  }
  if (f.status === 'current') clauses.push('m.deceased_on is null and m.left_on is null')
  if (f.status === 'official' || f.status === 'probationary') {
    clauses.push(`m.status = ${param(f.status)} and m.deceased_on is null and m.left_on is null`)
  }
  if (f.status === 'deceased') clauses.push('m.deceased_on is not null')
  if (f.status === 'left') clauses.push('m.left_on is not null')
  if (f.exempt) clauses.push(`m.exempt = ${param(f.exempt === 'yes')}`)
  if (f.gender) clauses.push(`m.gender = ${param(f.gender)}`)
  if (f.age) {
    const [min, max] = AGE_RANGES[f.age]
    clauses.push(`m.birth_date > app.today() - make_interval(years => ${param(max + 1)})
                  and m.birth_date <= app.today() - make_interval(years => ${param(min)})`)
  }
  return { where: clauses.length ? `where ${clauses.join(' and ')}` : '', params }
}

export async function listMembers(tx: Tx, f: ListQuery): Promise<{ rows: MemberRow[]; total: number; capped: boolean }> {
  const reach = await reachOf(tx, f.org)
  const { where, params } = listFilter(f, reach)
  if (f.q) return searchPage(tx, where, params, f.page)
  // The page is chosen before its organizations are joined: joined first, each of a province's thousands of
  // namesakes looked its organization up under that policy before the sort kept fifty.
  const read = () =>
    tx.query<MemberRow>(
      `select m.id, m.full_name, m.birth_date, m.gender, m.status, m.exempt, m.deceased_on, m.left_on, o.name as org_name
         from (select m.id, m.full_name, m.birth_date, m.gender, m.status, m.exempt, m.deceased_on, m.left_on, m.org_id
                 from public.members m ${where}
                order by m.full_name, m.id
                limit ${PAGE_SIZE} offset ${(f.page - 1) * PAGE_SIZE}) m
         join public.organizations o on o.id = m.org_id
        order by m.full_name, m.id`,
      params,
    )
  const rows = reach.by === 'scope' || reach.by === 'branch' ? await inIndexOrder(tx, read) : await read()
  const [{ total }] = await tx.query<{ total: number }>(
    `select count(*)::int as total from (select 1 from public.members m ${where} limit ${COUNT_LIMIT + 1}) capped`,
    params,
  )
  return { rows, total: Math.min(total, COUNT_LIMIT), capped: total > COUNT_LIMIT }
}

/**
 * A search's page and its count in one statement: the matching ids (at most SEARCH_LIMIT, from
 * the trigram index) are found once and read once under RLS, then sorted; so few rows are
 * sorting's to do.
 */
async function searchPage(tx: Tx, where: string, params: unknown[], page: number) {
  const found = await tx.query<MemberRow & { total: number }>(
    `with hits as materialized (
       select m.id, m.full_name, m.birth_date, m.gender, m.status, m.exempt, m.deceased_on, m.left_on, m.org_id
         from public.members m ${where})
     select t.total, p.id, p.full_name, p.birth_date, p.gender, p.status, p.exempt, p.deceased_on, p.left_on, o.name as org_name
       from (select count(*)::int as total from hits) t
       left join lateral (select * from hits order by full_name, id limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}) p on true
       left join public.organizations o on o.id = p.org_id
      order by p.full_name, p.id`,
    params,
  )
  const total = found[0].total
  const rows = found.filter((r) => r.id !== null).map(({ total: _, ...row }) => row)
  return { rows, total, capped: total >= SEARCH_LIMIT }
}

export const EXPORT_COLUMNS = [
  'full_name',
  'birth_date',
  'gender',
  'ethnicity',
  'religion',
  'hometown',
  'phone',
  'card_number',
  'citizen_id',
  'admitted_on',
  'official_on',
  'status',
  'exempt',
  'education',
  'theory_level',
  'occupation',
  'position',
  'org_name',
  'org_parent',
  'org_code',
] as const

export async function exportMembers(tx: Tx, f: Omit<ListQuery, 'page'>): Promise<Record<string, unknown>[]> {
  const { where, params } = listFilter(f, await reachOf(tx, f.org))
  return tx.query(
    `select m.full_name, m.birth_date, m.gender, m.ethnicity, m.religion, m.hometown, m.phone, m.card_number, m.citizen_id,
            m.admitted_on, m.official_on, m.status, m.exempt, m.education, m.theory_level, m.occupation, m.position,
            o.name as org_name, p.name as org_parent, o.short_code as org_code
       from public.members m join public.organizations o on o.id = m.org_id
       left join public.organizations p on p.id = o.parent_id
       ${where}
      order by o.path, m.full_name
      limit 200000`,
    params,
  )
}

export async function recordExport(tx: Tx, format: string, count: number, filter: object) {
  await tx.query(`select app.write_audit('member.export', 'member_list', null, null, $1::jsonb)`, [JSON.stringify({ format, count, filter })])
}

export interface MemberProfile extends MemberRow {
  [field: string]: unknown
  org_id: string
  org_parent: string | null
  org_code: string | null
  can_manage: boolean
  has_account: boolean
  /** signed in here at least once */
  signed_in: boolean
  /** signed in at least once (or registered in an earlier system, from an import) */
  registered: boolean
  /** the viewer may give this member a login (strictly below the viewer: not oneself, a peer or a superior) */
  can_issue: boolean
}

export async function getMember(tx: Tx, id: string): Promise<MemberProfile | undefined> {
  const [row] = await tx.query<MemberProfile>(
    `select m.*, o.name as org_name, (select p.name from public.organizations p where p.id = o.parent_id) as org_parent, o.short_code as org_code,
            m.org_path <@ any ((select app.managed_scope())::ltree[]) as can_manage,
            exists (select 1 from public.accounts a where a.member_id = m.id) as has_account,
            exists (select 1 from public.accounts a where a.member_id = m.id and a.last_sign_in_at is not null) as signed_in,
            m.org_path <@ any ((select app.managed_scope())::ltree[]) and app.has_authority_over(m.id) as can_issue,
            m.registered_at is not null as registered
       from public.members m join public.organizations o on o.id = m.org_id
      where m.id = $1`,
    [id],
  )
  return row
}

export interface AuditEntry {
  at: Date
  action: string
  details: Record<string, unknown>
  actor_name: string | null
}

export async function auditTrail(tx: Tx, memberId: string): Promise<AuditEntry[]> {
  return tx.query<AuditEntry>(
    `select l.at, l.action, l.details, l.actor_name
       from public.audit_log l
      where l.entity = 'member' and l.entity_id = $1
      order by l.at desc, l.id desc
      limit 100`,
    [memberId],
  )
}

const PROFILE_COLUMNS = [
  'org_id',
  'full_name',
  'other_names',
  'birth_date',
  'gender',
  'ethnicity',
  'religion',
  'hometown',
  'birthplace',
  'permanent_address',
  'current_address',
  'phone',
  'email',
  'citizen_id',
  'card_number',
  'admitted_on',
  'official_on',
  'education',
  'theory_level',
  'occupation',
  'position',
  'rewards',
  'discipline',
  'status',
] as const

export async function createMember(tx: Tx, input: MemberInput): Promise<string> {
  const values = PROFILE_COLUMNS.map((c) => input[c] ?? null)
  const [row] = await tx.query<{ id: string }>(
    `insert into public.members (${PROFILE_COLUMNS.join(', ')})
     values (${PROFILE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
    values,
  )
  return row.id
}

export async function updateMember(tx: Tx, id: string, input: MemberInput): Promise<boolean> {
  const values = PROFILE_COLUMNS.map((c) => input[c] ?? null)
  const rows = await tx.query(
    `update public.members set ${PROFILE_COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ')}
      where id = $1 returning id`,
    [id, ...values],
  )
  return rows.length === 1
}

export async function changeStatus(tx: Tx, id: string, change: StatusChange): Promise<boolean> {
  const statements: Record<StatusChange['change'], string> = {
    official: `update public.members set status = 'official', official_on = $2 where id = $1 and status = 'probationary' returning id`,
    exempt: `update public.members set exempt = true, exempt_reason = $2 where id = $1 returning id`,
    unexempt: `update public.members set exempt = false, exempt_reason = null where id = $1 returning id`,
    deceased: `update public.members set deceased_on = $2 where id = $1 returning id`,
    left: `update public.members set left_on = $2 where id = $1 returning id`,
  }
  const arg = 'date' in change ? change.date : 'reason' in change ? change.reason : undefined
  const rows = await tx.query(statements[change.change], arg === undefined ? [id] : [id, arg])
  return rows.length === 1
}

/** Organizations the user may put members into, for the form's select. */
export async function assignableOrgs(
  tx: Tx,
): Promise<{ id: string; name: string; path: string; kind: string; parent_name: string | null; short_code: string | null }[]> {
  return tx.query(
    `select o.id, o.name, o.path::text as path, o.kind, o.short_code, (select p.name from public.organizations p where p.id = o.parent_id) as parent_name
       from public.organizations o
      where o.path <@ any ((select app.managed_scope())::ltree[]) and o.valid_to is null
        and o.kind in ('cell', 'grassroots_cell', 'party_group')
      order by o.path
      limit 2000`,
  )
}

/**
 * Every open organization the user may put members in, with the names and codes of the three
 * levels above it: an import places rows by them (cell, grassroots committee, ward committee).
 * No limit: a province's import must find all of its cells, not the first 2,000.
 */
export async function placeableOrgs(tx: Tx): Promise<(PlaceableOrg & { path: string })[]> {
  const rows = await tx.query<{ id: string; name: string; path: string; short_code: string | null; above: [string | null, string | null][] }>(
    `select o.id, o.name, o.path::text as path, o.short_code,
            jsonb_build_array(jsonb_build_array(p.name, p.short_code), jsonb_build_array(g.name, g.short_code), jsonb_build_array(gg.name, gg.short_code)) as above
       from public.organizations o
       left join public.organizations p on p.id = o.parent_id
       left join public.organizations g on g.id = p.parent_id
       left join public.organizations gg on gg.id = g.parent_id
      where o.path <@ any ((select app.managed_scope())::ltree[]) and o.valid_to is null
        and o.kind in ('cell', 'grassroots_cell', 'party_group')`,
  )
  return rows.map(({ above, ...o }) => {
    const ancestors = above.flatMap(([name, code]) => (name ? [{ name, code }] : []))
    return { ...o, parent_name: ancestors[0]?.name ?? null, ancestors }
  })
}

/** Subtrees to filter the list by: the top two levels of the user's scope (deeper: via the tree). */
export async function filterOrgs(tx: Tx): Promise<{ id: string; name: string; depth: number }[]> {
  return tx.query(
    `select o.id, o.name, nlevel(o.path) as depth
       from public.organizations o
      where o.id = any ((select app.scope_head_ids(true))::uuid[]) and o.kind <> 'party_group'
      order by o.path
      limit 300`,
  )
}

/** Whether the user may add members anywhere (shows the buttons). */
export async function canAddMembers(tx: Tx): Promise<boolean> {
  const [row] = await tx.query<{ ok: boolean }>(`select cardinality((select app.managed_scope())) > 0 as ok`)
  return row.ok
}

export type LoginOutcome = 'issued' | 'not_yours' | 'login_taken' | 'left' | 'no_contact'

/** Issues or resets a login; the database refuses what only a wider scope may do (see issue_member_login). */
export async function issueLogin(tx: Tx, memberId: string, passwordHash: string): Promise<LoginOutcome> {
  const [row] = await tx.query<{ outcome: LoginOutcome }>(`select public.issue_member_login($1, $2) as outcome`, [memberId, passwordHash])
  return row.outcome
}

// --- spreadsheet import -----------------------------------------------------------------

/** Which of these phones members the user can see already have (under RLS: only the user's own scope is asked), with a name. */
export async function phonesInScope(tx: Tx, phones: string[]): Promise<Map<string, string>> {
  if (!phones.length) return new Map()
  const rows = await tx.query<{ phone: string; full_name: string }>(
    `select distinct on (phone) phone, full_name from public.members where phone = any ($1::text[]) order by phone, full_name`,
    [phones],
  )
  return new Map(rows.map((r) => [r.phone, r.full_name]))
}

export async function existingDuplicateKeys(tx: Tx, cards: string[], citizenIds: string[], nameBirths: string[]): Promise<Set<string>> {
  const rows = await tx.query<{ kind: string; key: string }>(`select kind, key from public.member_duplicate_keys($1::text[], $2::text[], $3::text[])`, [
    cards,
    citizenIds,
    nameBirths,
  ])
  return new Set(rows.map((r) => `${r.kind}:${r.key}`))
}

export async function stageImport(tx: Tx, orgId: string, fileName: string, rows: object[], errorCount: number): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.member_imports (org_id, file_name, rows, row_count, error_count)
     values ($1, $2, $3::jsonb, $4, $5) returning id`,
    [orgId, fileName, JSON.stringify(rows), rows.length, errorCount],
  )
  return row.id
}

export interface StagedImport {
  id: string
  file_name: string
  row_count: number
  error_count: number
  committed_at: string | null
}

export async function stagedImport(tx: Tx, id: string): Promise<StagedImport | undefined> {
  const [row] = await tx.query<StagedImport>(`select id, file_name, row_count, error_count, committed_at from public.member_imports where id = $1`, [id])
  return row
}

// registered_at: "Đã đăng ký" of a committee migrating from an earlier system (members.sheet)
const IMPORT_COLUMNS = [...PROFILE_COLUMNS, 'registered_at'].join(', ')

/** All staged rows in one statement, under the uploader's RLS (each row must land in scope). */
export async function commitImport(tx: Tx, id: string): Promise<number> {
  const inserted = await tx.query<{ n: number }>(
    `with staged as (
       select rows from public.member_imports where id = $1 and committed_at is null for update
     ), done as (
       -- the staged rows (citizen ids, addresses) are not kept once imported: only the fact
       update public.member_imports set committed_at = now(), rows = '[]'::jsonb where id = $1 and committed_at is null
     ), ins as (
       insert into public.members (${IMPORT_COLUMNS})
       select ${IMPORT_COLUMNS} from staged, jsonb_populate_recordset(null::public.members, staged.rows)
       returning 1
     )
     select count(*)::int as n from ins`,
    [id],
  )
  // the slips for these members are often printed next: plan them with the members' real number
  await tx.query(`select app.refresh_statistics('public.members')`)
  return inserted[0].n
}

// --- activation slips ---------------------------------------------------------------------

/** Organizations whose members the user may print slips for: the whole scope, as a tree. */
export async function activationOrgs(tx: Tx): Promise<{ id: string; name: string; depth: number }[]> {
  return tx.query(
    `select o.id, o.name, nlevel(o.path) as depth
       from public.organizations o
      where o.valid_to is null and o.path <@ any ((select app.managed_scope())::ltree[])
      order by o.path
      limit 3000`,
  )
}

export interface SlipCandidate {
  id: string
  full_name: string
  org_id: string
  org_name: string
  parent_name: string | null
}

/** Current members under an organization (or one member), cell by cell, at most `limit`. */
export async function slipCandidates(tx: Tx, target: { orgId: string } | { memberId: string }, limit: number): Promise<SlipCandidate[]> {
  const where = 'orgId' in target ? `m.org_path <@ (select path from public.organizations where id = $1 and valid_to is null)` : `m.id = $1`
  return tx.query(
    `select m.id, m.full_name, m.org_id, o.name as org_name, p.name as parent_name
       from public.members m
       join public.organizations o on o.id = m.org_id
       left join public.organizations p on p.id = o.parent_id
      where ${where} and m.org_path <@ any ((select app.managed_scope())::ltree[])
        and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
      order by m.org_path, m.full_name, m.id
      limit $2`,
    ['orgId' in target ? target.orgId : target.memberId, limit],
  )
}

export type SlipOutcome = 'issued' | 'activated' | 'has_code' | 'not_yours' | 'login_taken' | 'left' | 'no_contact'

/** Issues the codes (their keyed hashes); the database decides who gets one (see issue_activation_codes). */
export async function issueActivationCodes(
  tx: Tx,
  memberIds: string[],
  codeHashes: string[],
  expiresAt: Date,
  mode: 'missing' | 'reissue' | 'reset',
): Promise<{ member_id: string; outcome: SlipOutcome; login: string | null }[]> {
  return tx.query(`select member_id, outcome, login from public.issue_activation_codes($1::uuid[], $2::text[], $3, $4)`, [
    memberIds,
    codeHashes,
    expiresAt.toISOString(),
    mode,
  ])
}
