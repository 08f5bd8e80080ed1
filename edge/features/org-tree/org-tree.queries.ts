import { pathLabel } from '../../kernel/http/text.ts'
import type { Tx } from '../../kernel/db/types.ts'

export interface OrgNode {
  id: string
  parent_id: string | null
  name: string
  kind: string
  path: string
  short_code: string | null
  valid_from: string
  valid_to: string | null
  child_count: number
}

const NODE_COLUMNS = `o.id, o.parent_id, o.name, o.kind, o.path::text as path, o.short_code, o.valid_from, o.valid_to,
  (select count(*)::int from public.organizations ch where ch.parent_id = o.id and ch.valid_to is null) as child_count`

/** The top of what the user manages: nodes whose parent is outside the managed set (or none). */
export async function roots(tx: Tx): Promise<OrgNode[]> {
  return tx.query<OrgNode>(
    `select ${NODE_COLUMNS}
       from public.organizations o
      where o.id = any ((select app.scope_head_ids())::uuid[])
        and not (o.path <@ any (array(select s from unnest((select app.managed_scope())) s where s <> o.path)))
      order by o.path`,
  )
}

export async function children(tx: Tx, parentId: string): Promise<OrgNode[]> {
  return tx.query<OrgNode>(
    `select ${NODE_COLUMNS} from public.organizations o
      where o.parent_id = $1 and o.valid_to is null
      order by o.kind, o.name limit 1000`,
    [parentId],
  )
}

/** Beyond this the page says "more than"; exact figures are in the statistics. */
export const MEMBER_COUNT_LIMIT = 10_000

export interface OrgDetail extends OrgNode {
  parent_name: string | null
  merged_into: string | null
  can_restructure: boolean
  can_manage: boolean
  member_count: number
}

export async function getOrg(tx: Tx, id: string): Promise<OrgDetail | undefined> {
  const [row] = await tx.query<OrgDetail>(
    `select ${NODE_COLUMNS}, p.name as parent_name, o.merged_into,
            o.path <@ any ((select app.managed_scope(true))::ltree[]) as can_restructure,
            o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage,
            (select count(*)::int from (select 1 from public.members m
              where m.org_path <@ o.path and m.deceased_on is null and m.left_on is null
              limit ${MEMBER_COUNT_LIMIT + 1}) capped) as member_count
       from public.organizations o left join public.organizations p on p.id = o.parent_id
      where o.id = $1`,
    [id],
  )
  return row
}

export async function rolesOf(tx: Tx, orgId: string): Promise<{ role: string; member_id: string; full_name: string | null }[]> {
  return tx.query(
    `select r.role, r.member_id, m.full_name
       from public.org_roles r left join public.members m on m.id = r.member_id
      where r.org_id = $1 and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today())
      order by r.role`,
    [orgId],
  )
}

/** Which kind may sit directly under which (public.org_kind_rules, the rows the database's trigger checks). */
export async function kindRules(tx: Tx): Promise<{ parent_kind: string; child_kind: string }[]> {
  return tx.query(`select parent_kind, child_kind from public.org_kind_rules order by parent_kind, child_kind`)
}

export interface OrgTarget {
  id: string
  name: string
  path: string
  short_code: string | null
  parent_name: string | null
}

/**
 * Where a node may go: open nodes the user restructures, outside the node's own subtree, not
 * its present parent, and of a kind that may hold the node's kind.
 */
export async function moveTargets(tx: Tx, id: string): Promise<OrgTarget[]> {
  return tx.query(
    `select o.id, o.name, o.path::text as path, o.short_code,
            (select p.name from public.organizations p where p.id = o.parent_id) as parent_name
       from public.organizations o, public.organizations self
      where self.id = $1 and o.valid_to is null
        and o.path <@ any ((select app.managed_scope(true))::ltree[])
        and not (o.path <@ self.path)
        and o.id is distinct from self.parent_id
        and exists (select 1 from public.org_kind_rules r where r.parent_kind = o.kind and r.child_kind = self.kind)
      order by o.path limit 2000`,
    [id],
  )
}

/** What a node may merge into: open nodes of the same kind that the user restructures, outside its subtree. */
export async function mergeTargets(tx: Tx, id: string): Promise<OrgTarget[]> {
  return tx.query(
    `select o.id, o.name, o.path::text as path, o.short_code,
            (select p.name from public.organizations p where p.id = o.parent_id) as parent_name
       from public.organizations o, public.organizations self
      where self.id = $1 and o.valid_to is null and o.kind = self.kind
        and o.path <@ any ((select app.managed_scope(true))::ltree[])
        and not (o.path <@ self.path)
      order by o.path limit 2000`,
    [id],
  )
}

/** Whether an open child of the organization already has this name (whatever the case and spacing). */
export async function hasChildNamed(tx: Tx, parentId: string, name: string): Promise<boolean> {
  const [row] = await tx.query<{ taken: boolean }>(
    `select exists (select 1 from public.organizations where parent_id = $1 and valid_to is null
                     and lower(regexp_replace(btrim(name), '\\s+', ' ', 'g')) = lower(regexp_replace(btrim($2), '\\s+', ' ', 'g'))) as taken`,
    [parentId, name],
  )
  return row.taken
}

/** No RETURNING: the select policy's scope was computed before the row existed. */
export async function createChild(tx: Tx, parentId: string, name: string, kind: string, shortCode: string | null = null): Promise<string> {
  const id = crypto.randomUUID()
  await tx.query(`insert into public.organizations (id, parent_id, code, name, kind, short_code) values ($1, $2, $3, $4, $5, $6)`, [
    id,
    parentId,
    pathLabel(name),
    name,
    kind,
    shortCode,
  ])
  return id
}

/** Sets or clears the human code; a clash with another open organization is 23505. */
export async function setShortCode(tx: Tx, id: string, shortCode: string | null): Promise<boolean> {
  const rows = await tx.query(`update public.organizations set short_code = $2 where id = $1 and valid_to is null returning id`, [id, shortCode])
  return rows.length === 1
}

/** Updates what an import row says of an existing organization; only changed columns are written. */
export async function updateFromImport(tx: Tx, id: string, change: { name?: string; kind?: string; short_code?: string }): Promise<void> {
  await tx.query(
    `update public.organizations
        set name = coalesce($2, name), kind = coalesce($3, kind), short_code = coalesce($4, short_code)
      where id = $1 and valid_to is null`,
    [id, change.name ?? null, change.kind ?? null, change.short_code ?? null],
  )
}

export interface ScopeOrg {
  id: string
  parent_id: string | null
  name: string
  kind: string
  short_code: string | null
  parent_name: string | null
}

/** The open organizations the user may restructure: where an import may place or change a node. */
export async function restructurable(tx: Tx): Promise<ScopeOrg[]> {
  return tx.query<ScopeOrg>(
    `select o.id, o.parent_id, o.name, o.kind, o.short_code, p.name as parent_name
       from public.organizations o left join public.organizations p on p.id = o.parent_id
      where o.valid_to is null and o.path <@ any ((select app.managed_scope(true))::ltree[])
      order by o.path limit 50000`,
  )
}

/** Open organizations the user can read that carry one of these codes (lower case), to report a clash before the commit. */
export async function visibleCodes(tx: Tx, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set()
  const rows = await tx.query<{ c: string }>(
    `select lower(short_code) as c from public.organizations where valid_to is null and lower(short_code) = any ($1::text[])`,
    [codes],
  )
  return new Set(rows.map((r) => r.c))
}

export async function stageImport(tx: Tx, fileName: string, rows: string[][]): Promise<string> {
  const id = crypto.randomUUID()
  await tx.query(`insert into public.org_imports (id, file_name, rows) values ($1, $2, $3::jsonb)`, [id, fileName, JSON.stringify(rows)])
  return id
}

export async function stagedImport(tx: Tx, id: string): Promise<{ file_name: string; rows: string[][]; committed_at: string | null } | undefined> {
  const [row] = await tx.query<{ file_name: string; rows: string[][]; committed_at: string | null }>(
    `select file_name, rows, committed_at from public.org_imports where id = $1`,
    [id],
  )
  return row
}

export async function markCommitted(tx: Tx, id: string): Promise<void> {
  await tx.query(`update public.org_imports set committed_at = now() where id = $1`, [id])
  // a province's tree may have just arrived: plan what comes next with its real size
  await tx.query(`select app.refresh_statistics('public.organizations')`)
}

export async function rename(tx: Tx, id: string, name: string): Promise<boolean> {
  const rows = await tx.query(`update public.organizations set name = $2 where id = $1 and valid_to is null returning id`, [id, name])
  return rows.length === 1
}

/** Re-parents a node and rewrites the paths of its whole subtree in the same transaction. */
export async function move(tx: Tx, id: string, newParentId: string): Promise<boolean> {
  const [check] = await tx.query<{ node_path: string; node_name: string; inside: boolean }>(
    `select n.path::text as node_path, n.name as node_name, t.path <@ n.path as inside
       from public.organizations n, public.organizations t
      where n.id = $1 and t.id = $2 and n.valid_to is null and t.valid_to is null`,
    [id, newParentId],
  )
  if (!check || check.inside) return false
  // the internal label is unique among a parent's open children: a cell moving into a ward that has one of the same
  // label (its own "khu phố 1") takes a fresh one; the label is no name anyone knows, so nothing visible changes
  const [{ label }] = await tx.query<{ label: string }>(
    `select case when exists (select 1 from public.organizations s join public.organizations t on t.id = $2
                               where s.valid_to is null and s.path = t.path || n.code::ltree and s.id <> n.id)
                 then $3 else n.code end as label
       from public.organizations n where n.id = $1`,
    [id, newParentId, pathLabel(check.node_name)],
  )
  const reparented = await tx.query(`update public.organizations set parent_id = $2, code = $3 where id = $1 returning id`, [id, newParentId, label])
  if (reparented.length !== 1) return false
  await tx.query(
    `update public.organizations o
        set path = (select t.path from public.organizations t where t.id = $2) || $3::ltree
                   || case when o.path = $1::ltree then ''::ltree else subpath(o.path, nlevel($1::ltree)) end
      where o.path <@ $1::ltree`,
    [check.node_path, newParentId, label],
  )
  return true
}

/**
 * Merges `sourceId` into `targetId`: members and child units move to the target, the
 * source's roles end today, and the source is closed (kept, with merged_into) for history.
 */
export async function merge(tx: Tx, sourceId: string, targetId: string): Promise<number> {
  const kids = await tx.query<{ id: string }>(`select id from public.organizations where parent_id = $1 and valid_to is null`, [sourceId])
  for (const kid of kids) if (!(await move(tx, kid.id, targetId))) throw Object.assign(new Error('child move refused'), { code: '42501' })
  const moved = await tx.query(`update public.members set org_id = $2 where org_id = $1 returning id`, [sourceId, targetId])
  await tx.query(`update public.org_roles set valid_to = app.today() where org_id = $1 and (valid_to is null or valid_to > app.today())`, [sourceId])
  const closed = await tx.query(
    `update public.organizations set valid_to = greatest(app.today(), valid_from), merged_into = $2
      where id = $1 and valid_to is null returning id`,
    [sourceId, targetId],
  )
  if (closed.length !== 1) throw Object.assign(new Error('merge source not closable'), { code: '42501' })
  await tx.query(`select app.write_audit('organization.merge', 'organization', $1, $1, jsonb_build_object('into', $2::uuid, 'members_moved', $3::int))`, [
    sourceId,
    targetId,
    moved.length,
  ])
  return moved.length
}
