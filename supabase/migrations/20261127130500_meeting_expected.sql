/*
 * How many members a meeting expected, frozen when its attendance is first recorded, so the
 * attendance rate of an old meeting does not drift as the cell's membership changes.
 */
alter table public.meetings add column if not exists expected_count int check (expected_count >= 0);

create or replace function app.meetings_freeze_expected() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.meetings mt
     set expected_count = (select count(*)::int from public.members m
                            where m.org_id = mt.org_id and m.deceased_on is null and m.left_on is null and not m.exempt)
   where mt.id in (select distinct n.meeting_id from new_rows n) and mt.expected_count is null;
  return null;
end
$$;
drop trigger if exists meeting_attendance_freeze_expected on public.meeting_attendance;
create trigger meeting_attendance_freeze_expected after insert on public.meeting_attendance
  referencing new table as new_rows
  for each statement execute function app.meetings_freeze_expected();

/* The frozen count is bookkeeping, not a change anyone made: the audit trail leaves it out. */
create or replace function app.meetings_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  diff jsonb := case when tg_op = 'UPDATE' then app.row_diff(to_jsonb(old), to_jsonb(new)) - 'expected_count' end;
begin
  if app.rekeying() then return null; end if;  -- a key rewrite is not an edit
  if tg_op = 'UPDATE' and diff = '{}'::jsonb then
    return null;
  end if;
  perform app.write_audit('meeting.' || lower(tg_op), 'meeting', new.id, new.org_id,
    case when tg_op = 'UPDATE' then diff else jsonb_build_object('title', new.title) end);
  return null;
end
$$;
