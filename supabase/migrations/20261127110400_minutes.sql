/*
 * Minutes of a meeting (biên bản): drafted from the meeting's data, edited by the note-taker,
 * approved by the chair, and then locked for good. Members of the cell read approved minutes;
 * drafts are seen by the note-taker, the chair and the managers above the cell.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.meeting_minutes (
  meeting_id uuid primary key references public.meetings (id),
  org_key text collate "C" not null default '',
  body text not null check (length(body) between 1 and 50000),
  status text not null default 'draft' check (status in ('draft', 'approved')),
  revision int not null default 1,
  drafted_by uuid default auth.uid(),
  drafted_at timestamptz not null default now(),
  edited_by uuid,
  edited_at timestamptz,
  approved_by uuid,
  approved_at timestamptz,
  check ((status = 'approved') = (approved_at is not null))
);

-- helper functions -----------------------------------------------------------------------

/* The caller's part in a meeting: 'chair', 'note_taker', both, or neither. */
create or replace function app.meeting_part(p_meeting_id uuid) returns text[]
language sql stable security definer
set search_path = ''
as $$
  select array_remove(array[
           case when mt.chair_id = app.current_member_id() then 'chair' end,
           case when mt.note_taker_id = app.current_member_id() then 'note_taker' end], null)
    from public.meetings mt where mt.id = p_meeting_id
$$;
revoke all on function app.meeting_part(uuid) from public;
grant execute on function app.meeting_part(uuid) to authenticated, service_role;

-- triggers -------------------------------------------------------------------------------

/* Only the note-taker rewrites the text and only the chair approves; approved minutes never change;
   nothing is drafted or approved before the meeting starts. */
create or replace function app.meeting_minutes_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare part text[] := coalesce(app.meeting_part(new.meeting_id), '{}');
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  select mt.org_key into new.org_key from public.meetings mt where mt.id = new.meeting_id;
  if not app.meeting_started(new.meeting_id) then
    raise exception 'the minutes are made once the meeting has started' using errcode = '55000';
  end if;
  if tg_op = 'INSERT' then
    new.status := 'draft';
    new.revision := 1;
    return new;
  end if;
  if old.status = 'approved' then
    raise exception 'approved minutes are locked' using errcode = '42501';
  end if;
  if new.body is distinct from old.body then
    if not 'note_taker' = any (part) then
      raise exception 'only the note-taker edits the minutes' using errcode = '42501';
    end if;
    new.revision := old.revision + 1;
    new.edited_by := auth.uid();
    new.edited_at := now();
  end if;
  if new.status = 'approved' then
    if not 'chair' = any (part) then
      raise exception 'only the chair approves the minutes' using errcode = '42501';
    end if;
    new.approved_by := auth.uid();
    new.approved_at := now();
  end if;
  perform app.write_audit('minutes.' || case when new.status = 'approved' then 'approve' else 'edit' end, 'meeting', new.meeting_id,
    (select mt.org_id from public.meetings mt where mt.id = new.meeting_id), jsonb_build_object('revision', new.revision));
  return new;
end
$$;
drop trigger if exists meeting_minutes_prepare on public.meeting_minutes;
create trigger meeting_minutes_prepare before insert or update on public.meeting_minutes
  for each row execute function app.meeting_minutes_prepare();

-- row-level security -----------------------------------------------------------------------
alter table public.meeting_minutes enable row level security;

/* Approved minutes: whoever sees the meeting. Drafts: the chair, the note-taker and the managers above. */
select app.define_policy('public.meeting_minutes', 'Users can read approved minutes, and drafts they work on', 'select',
  using_sql => $p$meeting_id in (select mt.id from public.meetings mt)
         and (status = 'approved'
              or cardinality(app.meeting_part(meeting_id)) > 0
              or (app.in_scope(org_key)))$p$);

/* The note-taker, or a manager above the cell, starts the draft. */
select app.define_policy('public.meeting_minutes', 'Note-takers and managers can start the minutes', 'insert',
  check_sql => $p$meeting_id in (select mt.id from public.meetings mt)
              and ('note_taker' = any (app.meeting_part(meeting_id))
                   or (app.in_scope(org_key)))$p$);

/* The note-taker edits and the chair approves a draft (the trigger tells which may do what). */
drop policy if exists "The note-taker and the chair work on draft minutes" on public.meeting_minutes;
create policy "The note-taker and the chair work on draft minutes" on public.meeting_minutes
  for update to authenticated
  using (status = 'draft' and cardinality(app.meeting_part(meeting_id)) > 0)
  with check (cardinality(app.meeting_part(meeting_id)) > 0);

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.meeting_minutes to authenticated;
