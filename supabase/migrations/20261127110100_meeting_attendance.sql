/*
 * Attendance of a cell meeting: each member present, absent with a reason, or absent
 * without one. A member checks himself/herself in; the secretary records the others, and
 * may check in an elderly member by proxy (marked as such). One row per member per meeting.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.meeting_attendance (
  meeting_id uuid not null references public.meetings (id),
  member_id uuid not null references public.members (id),
  org_key text collate "C" not null default '',
  status text not null check (status in ('present', 'absent_excused', 'absent_unexcused')),
  reason text check (length(reason) <= 500),
  by_proxy boolean not null default false,
  recorded_by uuid default auth.uid(),
  recorded_at timestamptz not null default now(),
  primary key (meeting_id, member_id),
  check (status <> 'absent_excused' or reason is not null)
);

-- triggers -------------------------------------------------------------------------------

/* Rows take their meeting's key (for the scope policy); the member must belong to the cell. */
create or replace function app.meeting_attendance_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare cell uuid;
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  select mt.org_key, mt.org_id into new.org_key, cell from public.meetings mt where mt.id = new.meeting_id;
  if cell is null then
    raise exception 'meeting not found' using errcode = '23503';
  end if;
  if not exists (select 1 from public.members m where m.id = new.member_id and m.org_id = cell) then
    raise exception 'not a member of the cell' using errcode = '23514';
  end if;
  new.recorded_by := auth.uid();
  new.recorded_at := now();
  return new;
end
$$;
drop trigger if exists meeting_attendance_prepare on public.meeting_attendance;
create trigger meeting_attendance_prepare before insert or update on public.meeting_attendance
  for each row execute function app.meeting_attendance_prepare();

-- row-level security -----------------------------------------------------------------------
alter table public.meeting_attendance enable row level security;

/* Whoever can see the meeting sees its attendance. */
drop policy if exists "Users can read attendance of meetings they can see" on public.meeting_attendance;
create policy "Users can read attendance of meetings they can see" on public.meeting_attendance
  for select to authenticated
  using (meeting_id in (select mt.id from public.meetings mt));

/* A member checks himself/herself in, present, at a meeting of his/her own cell. */
drop policy if exists "Members can check themselves in" on public.meeting_attendance;
create policy "Members can check themselves in" on public.meeting_attendance
  for insert to authenticated
  with check (member_id = (select app.current_member_id()) and status = 'present' and not by_proxy
              and meeting_id in (select mt.id from public.meetings mt where mt.org_id = (select app.home_org_id()) and mt.status = 'scheduled'));

/* Secretaries and committees above record anyone's attendance in their subtree. */
drop policy if exists "Managers can record attendance in their subtree" on public.meeting_attendance;
create policy "Managers can record attendance in their subtree" on public.meeting_attendance
  for insert to authenticated
  with check (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
              and (((select app.scope_bounds())[3]) = '1'
                   or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])));

drop policy if exists "Managers can correct attendance in their subtree" on public.meeting_attendance;
create policy "Managers can correct attendance in their subtree" on public.meeting_attendance
  for update to authenticated
  using (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
         and (((select app.scope_bounds())[3]) = '1'
              or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])))
  with check (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
              and (((select app.scope_bounds())[3]) = '1'
                   or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])));

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.meeting_attendance to authenticated;
