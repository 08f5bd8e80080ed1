/*
 * A cell's temporary members (those it received for a stay, who keep their home cell) count only
 * while they are members elsewhere (issue 23): a member who died or left during the stay, or who
 * has since moved to this cell for good, was still counted as temporary in the minutes' totals.
 */
create or replace function app.temporary_members(p_org_id uuid) returns int
language sql stable security definer
set search_path = ''
as $$
  select case when app.manages_org(p_org_id) or p_org_id = (select m.org_id from public.members m where m.id = app.current_member_id())
              then (select count(*)::int from public.transfers t
                      left join public.members m on m.id = t.member_id
                     where t.kind = 'temporary' and t.status = 'accepted' and t.to_org_id = p_org_id
                       and t.starts_on <= app.today() and t.ends_on >= app.today()
                       -- someone from outside the deployment has no record here: counted for the stay
                       and (m.id is null or (m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
                                             and m.org_id <> p_org_id)))
              else 0 end
$$;
