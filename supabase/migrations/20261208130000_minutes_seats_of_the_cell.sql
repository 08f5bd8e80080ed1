/*
 * The empty seats of a meeting pass to the cell's own officers, not to every manager above
 * (review of 20261208110000): a ward or district manager could clear the chair and the
 * note-taker of a cell's meeting, then write and approve its minutes himself/herself, which a
 * named chair and note-taker (both members of the cell) never allowed. A meeting without a chair
 * is chaired for its minutes by whoever holds a role in the cell today (its secretary, deputy);
 * a meeting without a note-taker has its chair (named or so) write them.
 */
create or replace function app.meeting_part(p_meeting_id uuid) returns text[]
language sql stable security definer
set search_path = ''
as $$
  with seat as (
    select mt.note_taker_id,
           mt.chair_id = app.current_member_id()
             or (mt.chair_id is null
                 and exists (select 1 from public.org_roles r
                              where r.org_id = mt.org_id and r.member_id = app.current_member_id()
                                and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today()))) as chairs,
           mt.note_taker_id = app.current_member_id() as takes_notes
      from public.meetings mt where mt.id = p_meeting_id
  )
  select array_remove(array[
           case when s.chairs then 'chair' end,
           case when s.takes_notes or (s.note_taker_id is null and s.chairs) then 'note_taker' end], null)
    from seat s
$$;
revoke all on function app.meeting_part(uuid) from public;
grant execute on function app.meeting_part(uuid) to authenticated, service_role;
