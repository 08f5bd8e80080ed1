/*
 * Minutes of a meeting held without a note-taker, or without a chair, were a dead end (issue 23):
 * the draft said "the note-taker reviews it" and nobody could edit or approve it. A meeting
 * without a note-taker has its chair write the minutes; one without a chair has the managers of
 * the cell (its secretary, the committees above) chair it for the minutes. Only the empty seats
 * pass on: a named note-taker or chair keeps his/her part alone.
 */
create or replace function app.meeting_part(p_meeting_id uuid) returns text[]
language sql stable security definer
set search_path = ''
as $$
  with seat as (
    select mt.note_taker_id,
           mt.chair_id = app.current_member_id() or (mt.chair_id is null and app.in_scope(mt.org_key)) as chairs,
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
