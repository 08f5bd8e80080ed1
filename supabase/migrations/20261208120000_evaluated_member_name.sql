/*
 * An evaluation stays with the cell that opened it (the evaluations module's rule) while its member
 * may transfer to another ward during the period. The managers who still evaluate him/her then no
 * longer read his/her member record, and their lists showed "Đảng viên" instead of the name
 * (issue 23). The name of an evaluated member is known to whoever may read the evaluation: the
 * member, and the managers of the cell that evaluates him/her.
 */
create or replace function app.evaluated_member_name(p_evaluation_id uuid) returns text
language sql stable security definer
set search_path = ''
as $$
  select m.full_name
    from public.evaluations e join public.members m on m.id = e.member_id
   where e.id = p_evaluation_id
     and (e.member_id = app.current_member_id() or app.in_scope(e.org_key))
$$;
revoke all on function app.evaluated_member_name(uuid) from public, anon;
grant execute on function app.evaluated_member_name(uuid) to authenticated, service_role;
