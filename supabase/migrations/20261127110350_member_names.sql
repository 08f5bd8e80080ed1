/*
 * Shared by every feature that shows who chairs, takes notes, or wrote something: a member's
 * name as the caller may know it, under the caller's own RLS.
 */

/* A member's name as the caller may know it: through the roster of his/her own cell, or the
   member records the caller's policies allow. Runs as the caller, so RLS decides. */
create or replace function app.visible_member_name(p_member_id uuid) returns text
language sql stable security invoker
set search_path = ''
as $$
  select r.full_name from public.my_cell_roster() r where r.id = p_member_id
  union all
  select m.full_name from public.members m where m.id = p_member_id
  limit 1
$$;
grant execute on function app.visible_member_name(uuid) to authenticated, service_role;

/* How many members a cell expects at its meetings (current members not exempt from meetings),
   counted under the caller's RLS: managers through the member records, members through the
   roster of their own cell; anyone else gets 0. */
create or replace function app.expected_attendance(p_org_id uuid) returns int
language sql stable security invoker
set search_path = ''
as $$
  select count(*)::int from (
    select m.id from public.members m
     where m.org_id = p_org_id and m.deceased_on is null and m.left_on is null and not m.exempt
    union
    select r.id from public.my_cell_roster() r where not r.exempt and (select app.home_org_id()) = p_org_id) people
$$;
grant execute on function app.expected_attendance(uuid) to authenticated, service_role;
