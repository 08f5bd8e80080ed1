/*
 * Cell meetings (sinh hoạt chi bộ): scheduled by the cell's secretary or a committee above,
 * seen by the cell's own members and by the managers of the cell's subtree. Meetings are
 * never deleted: a cancelled meeting stays, marked, as part of the cell's record.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.meetings (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  kind text not null check (kind in ('regular', 'thematic')),
  title text not null check (length(title) between 1 and 200),
  starts_at timestamptz not null,
  place text check (length(place) <= 300),
  chair_id uuid references public.members (id),
  note_taker_id uuid references public.members (id),
  agenda text check (length(agenda) <= 10000),
  status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
  /* entered after it was held: a start in the past is accepted only when the secretary says so */
  recorded_late boolean not null default false,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- indexes ------------------------------------------------------------------------------
create index if not exists meetings_org_starts_idx on public.meetings (org_id, starts_at desc);
create index if not exists meetings_org_key_idx on public.meetings (org_key, starts_at desc);
-- the calendar's "meetings I chair or take notes at"
create index if not exists meetings_chair_idx on public.meetings (chair_id, starts_at) where chair_id is not null;
create index if not exists meetings_note_taker_idx on public.meetings (note_taker_id, starts_at) where note_taker_id is not null;

-- helper functions -----------------------------------------------------------------------

/* The signed-in member's home cell: its members see its meetings. */
create or replace function app.home_org_id() returns uuid
language plpgsql stable security definer
set search_path = ''
as $$
declare result uuid;
begin
  select m.org_id into result from public.members m where m.id = app.current_member_id();
  return result;
end
$$;
grant execute on function app.home_org_id() to authenticated, service_role;

/*
 * The time rules of a meeting, in one place (Vietnam time, on the database's clock app.now(),
 * which tests freeze): members check themselves in from an hour before the start until the end
 * of the meeting's day; the vote opens and the minutes are made from the start on.
 */
create or replace function app.check_in_opens(p_starts_at timestamptz) returns timestamptz
language sql stable
set search_path = ''
as $$
  select p_starts_at - interval '60 minutes'
$$;

create or replace function app.meeting_day_end(p_starts_at timestamptz) returns timestamptz
language sql stable
set search_path = ''
as $$
  select (((p_starts_at at time zone 'Asia/Ho_Chi_Minh')::date + 1)::timestamp) at time zone 'Asia/Ho_Chi_Minh'
$$;

/* Whether the meeting has started (by the database's clock): the vote and the minutes wait for it.
   Under the caller's RLS (false for a meeting out of sight); the triggers call it as their owner. */
create or replace function app.meeting_started(p_meeting_id uuid) returns boolean
language sql stable security invoker
set search_path = ''
as $$
  select coalesce((select mt.starts_at <= app.now() from public.meetings mt where mt.id = p_meeting_id), false)
$$;
revoke all on function app.meeting_started(uuid) from public;
grant execute on function app.check_in_opens(timestamptz), app.meeting_day_end(timestamptz), app.meeting_started(uuid)
  to authenticated, service_role;

-- triggers -------------------------------------------------------------------------------

/* The meeting carries its cell's key, as members do, so the scope policy is one range check;
   the chair and the note-taker must belong to the cell. */
create or replace function app.meetings_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  select o.path::text into new.org_key from public.organizations o where o.id = new.org_id;
  if new.org_key is null then
    raise exception 'organization not found' using errcode = '23503';
  end if;
  if exists (select 1 from unnest(array[new.chair_id, new.note_taker_id]) p(id)
              where p.id is not null
                and not exists (select 1 from public.members m where m.id = p.id and m.org_id = new.org_id)) then
    raise exception 'chair and note-taker must be members of the cell' using errcode = '23514';
  end if;
  -- a start in the past (a new meeting, or a moved one) records a meeting already held, and says so
  if new.status = 'scheduled' and (tg_op = 'INSERT' or new.starts_at is distinct from old.starts_at)
     and new.starts_at < app.now() and not new.recorded_late then
    raise exception 'a meeting in the past is entered only as one already held' using errcode = '55000';
  end if;
  -- approved minutes name the chair and the note-taker and record the meeting's time: they stay
  if tg_op = 'UPDATE' and (new.chair_id is distinct from old.chair_id or new.note_taker_id is distinct from old.note_taker_id
                           or new.starts_at is distinct from old.starts_at)
     and exists (select 1 from public.meeting_minutes mm where mm.meeting_id = new.id and mm.status = 'approved') then
    raise exception 'the minutes are approved: chair, note-taker and time stay' using errcode = '55000';
  end if;
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists meetings_prepare on public.meetings;
create trigger meetings_prepare before insert or update on public.meetings
  for each row execute function app.meetings_prepare();

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
drop trigger if exists meetings_audit on public.meetings;
create trigger meetings_audit after insert or update on public.meetings
  for each row execute function app.meetings_audit();

-- row-level security -----------------------------------------------------------------------
alter table public.meetings enable row level security;

/* The cell's own members read its meetings. */
drop policy if exists "Members can read the meetings of their own cell" on public.meetings;
create policy "Members can read the meetings of their own cell" on public.meetings
  for select to authenticated
  using (org_id = (select app.home_org_id()));

/* Secretaries and committees above read, schedule and change the meetings of their subtree. */
select app.define_policy('public.meetings', 'Managers can read meetings in their subtree', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.meetings', 'Managers can schedule meetings in their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.meetings', 'Managers can change meetings in their subtree', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.meetings to authenticated;

-- attendance ----------------------------------------------------------------------------------
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

/* Rows take their meeting's key (for the scope policy); the member must belong to the cell.
   Time rules: nobody records attendance earlier than an hour before the start; members check
   themselves in until the end of the meeting's day, the cell's managers record and correct it
   later too (a meeting entered after it was held); approved minutes freeze the attendance. */
create or replace function app.meeting_attendance_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  cell uuid;
  starts timestamptz;
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  select mt.org_key, mt.org_id, mt.starts_at into new.org_key, cell, starts from public.meetings mt where mt.id = new.meeting_id;
  if cell is null then
    raise exception 'meeting not found' using errcode = '23503';
  end if;
  if app.now() < app.check_in_opens(starts) then
    raise exception 'attendance opens an hour before the meeting' using errcode = '55000';
  end if;
  if app.now() >= app.meeting_day_end(starts) and not app.in_scope(new.org_key) then
    raise exception 'check-in closed at the end of the meeting''s day' using errcode = '55000';
  end if;
  if exists (select 1 from public.meeting_minutes mm where mm.meeting_id = new.meeting_id and mm.status = 'approved') then
    raise exception 'the minutes are approved: attendance is final' using errcode = '55000';
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

/* Whoever can see the meeting sees its attendance: the meeting's own cell, and the managers of
   its subtree (the meetings policy, said with the meeting's key the row carries). Asking "is the
   meeting visible?" instead built the set of every visible meeting per statement: for a province,
   240,000 ids to count one page's attendance (170 ms). */
select app.define_policy('public.meeting_attendance', 'Users can read attendance of meetings they can see', 'select',
  using_sql => $p$app.in_scope(org_key) or org_key = (select app.home_path())::text$p$);

/* A member checks himself/herself in, present, at a meeting of his/her own cell. */
drop policy if exists "Members can check themselves in" on public.meeting_attendance;
create policy "Members can check themselves in" on public.meeting_attendance
  for insert to authenticated
  with check (member_id = (select app.current_member_id()) and status = 'present' and not by_proxy
              and meeting_id in (select mt.id from public.meetings mt where mt.org_id = (select app.home_org_id()) and mt.status = 'scheduled'));

/* Secretaries and committees above record anyone's attendance in their subtree. */
select app.define_policy('public.meeting_attendance', 'Managers can record attendance in their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.meeting_attendance', 'Managers can correct attendance in their subtree', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.meeting_attendance to authenticated;

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

-- the expected count, frozen at the first check-in ------------------------------------------------
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

/*
 * Meeting lists of a wide scope (a province: hundreds of thousands of meetings) walk this index
 * from now on, forwards for upcoming meetings and backwards for past ones, and stop at a page.
 */
create index if not exists meetings_starts_idx on public.meetings (starts_at);

-- realtime: who may join a meeting's Supabase Realtime channel -----------------------------------
/* Who may join "meeting:<id>": whoever can see the meeting under RLS (its cell's members and
   the managers above). Only where Supabase Realtime's table exists. */
do $$
begin
  if to_regclass('realtime.messages') is null then
    return;
  end if;
  execute $policy$
    drop policy if exists "Participants receive the broadcasts of meetings they can see" on realtime.messages;
    create policy "Participants receive the broadcasts of meetings they can see" on realtime.messages
      for select to authenticated
      using (realtime.messages.extension = 'broadcast'
             and (select realtime.topic()) like 'meeting:%'
             and exists (select 1 from public.meetings mt
                          where mt.id::text = substring((select realtime.topic()) from 9)));
  $policy$;
end
$$;

-- who the meeting counts ---------------------------------------------------------------------
/*
 * The people of a meeting's cell with their attendance: the one definition the meeting page and
 * the minutes both read. Current members of the cell; under the caller's RLS (managers through
 * the member records, members through their cell's roster), so a meeting out of sight has none.
 */
create or replace function public.meeting_people(p_meeting_id uuid)
returns table (member_id uuid, full_name text, status text, exempt boolean, attendance text, reason text, by_proxy boolean)
language sql stable security invoker
set search_path = ''
as $$
  with mt as (select m.id, m.org_id from public.meetings m where m.id = p_meeting_id),
  cell as (
    select m.id, m.full_name, m.status, m.exempt from public.members m join mt on m.org_id = mt.org_id
     where m.deceased_on is null and m.left_on is null
    union
    select r.id, r.full_name, r.status, r.exempt from public.my_cell_roster() r join mt on mt.org_id = (select app.home_org_id()))
  select cell.id, cell.full_name, cell.status, cell.exempt, a.status, a.reason, coalesce(a.by_proxy, false)
    from cell left join public.meeting_attendance a on a.meeting_id = p_meeting_id and a.member_id = cell.id
$$;
revoke all on function public.meeting_people(uuid) from public, anon;
grant execute on function public.meeting_people(uuid) to authenticated, service_role;

/* How many take part in a cell's activity temporarily (sinh hoạt tạm thời): 0 here; the
   transfers migration replaces it with the count of accepted temporary transfers into the cell. */
create or replace function app.temporary_members(p_org_id uuid) returns int
language sql stable
set search_path = ''
as $$
  select 0
$$;
grant execute on function app.temporary_members(uuid) to authenticated, service_role;

/*
 * The counts of a meeting, defined once: members (official, probationary; exempt ones counted
 * apart: they are not expected, and never "not yet recorded", but one who comes counts as
 * present), present, absent with and without a reason, and not yet recorded (expected members
 * with no attendance row), and temporary members (app.temporary_members: not counted among the members).
 */
create or replace function public.meeting_counts(p_meeting_id uuid) returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select jsonb_build_object(
           'members', count(*),
           'official', count(*) filter (where p.status = 'official'),
           'probationary', count(*) filter (where p.status = 'probationary'),
           'exempt', count(*) filter (where p.exempt),
           'expected', count(*) filter (where not p.exempt),
           'present', count(*) filter (where p.attendance = 'present'),
           'absent_excused', count(*) filter (where p.attendance = 'absent_excused'),
           'absent_unexcused', count(*) filter (where p.attendance = 'absent_unexcused'),
           'unrecorded', count(*) filter (where p.attendance is null and not p.exempt),
           'temporary', (select app.temporary_members(mt.org_id) from public.meetings mt where mt.id = p_meeting_id))
    from public.meeting_people(p_meeting_id) p
$$;
revoke all on function public.meeting_counts(uuid) from public, anon;
grant execute on function public.meeting_counts(uuid) to authenticated, service_role;
