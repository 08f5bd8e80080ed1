import type { Tx } from '../../kernel/db/types.ts'

export interface RegistrationRow {
  id: string
  name: string
  kind: string
  members: number
  registered: number
}

/** Members and registered accounts of an organization's subtree and of each direct child. */
export async function registration(tx: Tx, orgId: string): Promise<{ total: RegistrationRow; children: RegistrationRow[] } | null> {
  const [total] = await tx.query<RegistrationRow & { path: string }>(`select id, name, kind, path::text as path from public.organizations where id = $1`, [
    orgId,
  ])
  if (!total) return null
  // One pass over the subtree's members, grouped by the child each one sits under.
  const counts = await tx.query<{ child: string | null; members: number; registered: number }>(
    `select case when nlevel(m.org_path) > nlevel($1::ltree) then subpath(m.org_path, 0, nlevel($1::ltree) + 1)::text end as child,
            count(*)::int as members, count(m.registered_at)::int as registered
       from public.members m
      where m.org_path <@ $1::ltree and m.deceased_on is null and m.left_on is null
      group by 1`,
    [total.path],
  )
  const children = await tx.query<RegistrationRow & { path: string }>(
    `select id, name, kind, path::text as path from public.organizations
      where parent_id = $1 and valid_to is null order by name`,
    [orgId],
  )
  const byChild = new Map(counts.map((c) => [c.child, c]))
  const sum = (key: 'members' | 'registered') => counts.reduce((n, c) => n + c[key], 0)
  return {
    total: { ...total, members: sum('members'), registered: sum('registered') },
    children: children.map((c) => ({ ...c, members: byChild.get(c.path)?.members ?? 0, registered: byChild.get(c.path)?.registered ?? 0 })),
  }
}

/** The organizations at the top of the user's scope: the default report. */
export async function topOrgs(tx: Tx): Promise<{ id: string; name: string }[]> {
  return tx.query(
    `select o.id, o.name from public.organizations o
      where o.valid_to is null and o.path = any ((select app.managed_scope())::ltree[])
        and not (o.path <@ any (array(select s from unnest((select app.managed_scope())) s where s <> o.path)))
      order by o.path limit 50`,
  )
}

export async function canSee(tx: Tx, orgId: string): Promise<boolean> {
  const rows = await tx.query(`select 1 from public.organizations where id = $1 and path <@ any ((select app.managed_scope())::ltree[])`, [orgId])
  return rows.length === 1
}
