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
  const rows = await tx.query<RegistrationRow & { is_total: boolean }>(
    `with scope as (
       select o.id, o.name, o.kind, o.path, true as is_total from public.organizations o where o.id = $1
       union all
       select c.id, c.name, c.kind, c.path, false from public.organizations c where c.parent_id = $1 and c.valid_to is null
     ), counted as (
       select m.registered_at, m.org_path as path
         from public.members m
        where m.org_path <@ (select path from scope where is_total)
          and m.deceased_on is null and m.left_on is null
     )
     select s.id, s.name, s.kind, s.is_total,
            (select count(*)::int from counted c where c.path <@ s.path) as members,
            (select count(registered_at)::int from counted c where c.path <@ s.path) as registered
       from scope s
      order by s.is_total desc, s.name`,
    [orgId],
  )
  const total = rows.find((r) => r.is_total)
  return total ? { total, children: rows.filter((r) => !r.is_total) } : null
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
