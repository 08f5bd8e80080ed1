import type { Tx } from '../../kernel/db/types.ts'

export interface HomeSummary {
  is_admin: boolean
  member_id: string | null
  full_name: string | null
  cell_id: string | null
  cell_name: string | null
  ancestors: { id: string; name: string }[]
  roles: { role: string; org_id: string; org_name: string }[]
  cell_size: number
}

/** Everything the home page shows, in one round trip, under the user's RLS. */
export async function homeSummary(tx: Tx): Promise<HomeSummary> {
  const [row] = await tx.query<HomeSummary>(
    `with me as (
       select m.id, m.full_name, m.org_id from public.members m where m.id = (select app.current_member_id())
     )
     select app.is_admin() as is_admin,
            (select id from me) as member_id,
            (select full_name from me) as full_name,
            (select org_id from me) as cell_id,
            (select o.name from public.organizations o join me on o.id = me.org_id) as cell_name,
            coalesce((select jsonb_agg(jsonb_build_object('id', anc.id, 'name', anc.name) order by nlevel(anc.path))
                        from public.organizations anc where anc.id = any ((select app.home_ancestor_ids())::uuid[])), '[]'::jsonb) as ancestors,
            coalesce((select jsonb_agg(jsonb_build_object('role', r.role, 'org_id', o.id, 'org_name', o.name) order by nlevel(o.path))
                        from public.org_roles r join public.organizations o on o.id = r.org_id
                       where r.member_id = (select app.current_member_id())
                         and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today())), '[]'::jsonb) as roles,
            (select count(*)::int from public.my_cell_roster()) as cell_size`,
  )
  return row
}
