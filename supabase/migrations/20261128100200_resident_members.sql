/*
 * Resident members (đảng viên cư trú, Quy định 213-QĐ/TW): a member who works in one cell
 * registers with the cell of the place he/she lives; that residence cell confirms (or refuses)
 * and writes a comment on him/her once a year, which goes to the working cell. The exempt
 * cases of the rules (army, police, full-time students, mobile workers…) are recorded as a
 * reason instead of a registration.
 *
 * Two sides see a registration, and they usually do not see each other: the residence cell's
 * managers (through the row's copy of the residence cell's key) and the working cell's managers
 * (through the member's own row: managers whose scope holds his/her cell). The residence side learns the
 * member's name and nothing else of his/her record, through app.resident_member() below.
 * Every write goes through the narrow security definer functions of this file, each checking
 * who may do it: users have no insert, update or delete grant on the tables.
 */

-- tables -------------------------------------------------------------------------------

/* One row per registration or exemption of a member; history is kept (refused and ended rows stay). */
create table if not exists public.resident_registrations (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null references public.members (id),
  -- the residence cell; null for an exemption
  org_id uuid references public.organizations (id),
  -- the residence cell's path, for the residence side's policies ('' for an exemption: no scope matches it)
  org_key text collate "C" not null default '',
  status text not null check (status in ('pending', 'confirmed', 'refused', 'ended', 'exempt')),
  address text check (length(address) <= 300),
  exemption text check (exemption in ('army', 'police', 'student', 'mobile_worker', 'abroad', 'other')),
  exemption_note text check (length(exemption_note) <= 500),
  refusal_reason text check (length(refusal_reason) <= 500),
  end_reason text check (length(end_reason) <= 500),
  requested_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  decided_by uuid,
  decided_at timestamptz,
  started_on date,
  ended_on date,
  updated_at timestamptz not null default now(),
  check ((org_id is null) = (exemption is not null)),
  check ((status = 'exempt') = (exemption is not null and ended_on is null) or status = 'ended'),
  check (status <> 'refused' or refusal_reason is not null)
);

/* The residence cell's yearly comment on a registered member (one per registration and year). */
create table if not exists public.resident_comments (
  id uuid primary key default gen_random_uuid(),
  registration_id uuid not null references public.resident_registrations (id),
  member_id uuid not null references public.members (id),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  year int not null check (year between 2000 and 2100),
  assessment text not null check (assessment in ('exemplary', 'not_exemplary')),
  body text not null check (length(body) between 1 and 5000),
  written_by uuid default auth.uid(),
  written_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (registration_id, year)
);

/* Which reminders that the yearly comments are due were sent: exactly once per cell, year and secretary. */
create table if not exists app.resident_reminders (
  org_id uuid not null,
  year int not null,
  member_id uuid not null,
  sent_at timestamptz not null default now(),
  primary key (org_id, year, member_id)
);

-- indexes ------------------------------------------------------------------------------
-- at most one open registration (or exemption) per member
create unique index if not exists resident_registrations_open_idx on public.resident_registrations (member_id)
  where status in ('pending', 'confirmed', 'exempt');
create index if not exists resident_registrations_member_idx on public.resident_registrations (member_id, created_at desc);
create index if not exists resident_registrations_org_idx on public.resident_registrations (org_id, status);
create index if not exists resident_registrations_key_idx on public.resident_registrations (org_key);
create index if not exists resident_comments_member_idx on public.resident_comments (member_id, year desc);
create index if not exists resident_comments_key_idx on public.resident_comments (org_key);

-- helper functions -----------------------------------------------------------------------

/* Rows copy their residence cell's key ('' when there is none); org moves rewrite it (app.organizations_rekey). */
create or replace function app.resident_take_key() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;
  new.org_key := coalesce((select o.path::text from public.organizations o where o.id = new.org_id), '');
  new.updated_at := now();
  return new;
end
$$;

/* A cell a member may live in: open (not closed, not merged) and a cell, not a committee. */
create or replace function app.resident_open_cell(p_org_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.organizations o
                  where o.id = p_org_id and o.kind in ('cell', 'grassroots_cell')
                    and o.merged_into is null and (o.valid_to is null or o.valid_to > app.today()))
$$;

/* Does every word typed appear in the text ("khu pho 1 minh khai" in "Chi bộ khu phố 1 – Đảng bộ phường Minh Khai")? */
create or replace function app.resident_words_match(p_text text, p_query text) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select not exists (select 1 from pg_catalog.unnest(pg_catalog.regexp_split_to_array(pg_catalog.btrim(app.search_key(p_query)), '\s+')) word
                      where pg_catalog.strpos(app.search_key(p_text), word) = 0)
$$;

/*
 * The searchable list of cells: any active member may pick any open cell of the deployment, but
 * learns only its name and its parent's name (to tell "Chi bộ khu phố 1" of two wards apart).
 * Every word typed must appear in the two names ("khu pho 1 minh khai"), accents and case aside.
 * No index: the words span two rows; open cells are some thousands even at a million members.
 */
create or replace function app.resident_cells(p_query text, p_limit int default 20)
returns table (id uuid, name text, parent_name text)
language sql stable security definer
set search_path = ''
as $$
  select o.id, o.name, p.name
    from public.organizations o left join public.organizations p on p.id = o.parent_id
   where app.current_member_id() is not null
     and o.valid_to is null and o.kind in ('cell', 'grassroots_cell') and o.merged_into is null
     and btrim(coalesce(p_query, '')) <> ''
     and app.resident_words_match(o.name || ' ' || coalesce(p.name, ''), p_query)
   order by o.name, p.name, o.id
   limit least(greatest(coalesce(p_limit, 20), 1), 50)
$$;

/* The name of a cell chosen as a residence (the working side may not read organizations outside its scope). */
create or replace function app.resident_cell_name(p_org_id uuid) returns text
language sql stable security definer
set search_path = ''
as $$
  select o.name || coalesce(' – ' || p.name, '')
    from public.organizations o left join public.organizations p on p.id = o.parent_id
   where o.id = p_org_id and o.kind in ('cell', 'grassroots_cell')
     and app.current_member_id() is not null
$$;

/*
 * What the residence side learns of the member behind a registration it may see: the name, and
 * whether he/she is still an active member (one who left or died is no longer a resident).
 * Nothing for a registration the caller may not see.
 */
create or replace function app.resident_member(p_registration_id uuid)
returns table (full_name text, active boolean)
language sql stable security definer
set search_path = ''
as $$
  select m.full_name, (m.deceased_on is null and (m.left_on is null or m.left_on > app.today()))
    from public.resident_registrations r join public.members m on m.id = r.member_id
   where r.id = p_registration_id
     and (app.in_scope(r.org_key) or app.in_scope(m.org_key) or m.id = app.current_member_id())
$$;

/* May the caller act for this member's working side: the member himself/herself (when p_self_allowed)
   or a manager of his/her cell? An act for managers only (an exemption) is never a manager's own: a
   secretary does not exempt himself/herself. */
create or replace function app.resident_working_side(p_member_id uuid, p_self_allowed boolean) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.members m
                  where m.id = p_member_id
                    and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
                    and case when m.id = app.current_member_id() then p_self_allowed else app.in_scope(m.org_key) end)
$$;

/* The current secretaries (and deputies, when p_deputies) of an organization: who hears of its residents. */
create or replace function app.resident_secretaries(p_org_id uuid, p_deputies boolean) returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select distinct r.member_id from public.org_roles r
   where r.org_id = p_org_id
     and (r.role = 'secretary' or (p_deputies and r.role = 'deputy_secretary'))
     and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today())
$$;

-- actions ------------------------------------------------------------------------------------
/*
 * Each action checks its actor explicitly (errcode 42501 when the caller may not act, 23514 when
 * the state does not allow it), writes the audit trail, and sends its notices.
 */

/* The member, or a manager of his/her working cell, registers with a residence cell. */
create or replace function app.resident_register(p_member_id uuid, p_org_id uuid, p_address text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  who public.members%rowtype;
  result uuid;
begin
  if not app.resident_working_side(p_member_id, true) then
    raise exception 'only the member or his/her cell''s managers register a residence' using errcode = '42501';
  end if;
  if not app.resident_open_cell(p_org_id) then
    raise exception 'not an open cell' using errcode = '23514';
  end if;
  select * into who from public.members m where m.id = p_member_id;
  if who.org_id = p_org_id then
    raise exception 'the residence cell is the working cell' using errcode = '23514';
  end if;
  if exists (select 1 from public.resident_registrations r where r.member_id = p_member_id and r.status in ('pending', 'confirmed', 'exempt')) then
    raise exception 'an open registration exists' using errcode = '23505';
  end if;
  insert into public.resident_registrations (member_id, org_id, status, address)
  values (p_member_id, p_org_id, 'pending', nullif(p_address, ''))
  returning id into result;
  perform app.write_audit('resident.register', 'resident_registration', result, who.org_id,
                          jsonb_build_object('member_id', p_member_id, 'residence_org_id', p_org_id));
  insert into public.notifications (member_id, kind, title, url)
  select s, 'resident.registered', 'Đảng viên ' || who.full_name || ' đăng ký sinh hoạt nơi cư trú, chờ xác nhận',
         '/residents/cells/' || p_org_id || '?view=pending'
    from app.resident_secretaries(p_org_id, true) s
   where s <> p_member_id;
  return result;
end
$$;

/* A manager of the working cell records an exemption of the rules instead of a registration. */
create or replace function app.resident_exempt(p_member_id uuid, p_exemption text, p_note text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  result uuid;
begin
  if not app.resident_working_side(p_member_id, false) then
    raise exception 'only the member''s cell managers record an exemption' using errcode = '42501';
  end if;
  if exists (select 1 from public.resident_registrations r where r.member_id = p_member_id and r.status in ('pending', 'confirmed', 'exempt')) then
    raise exception 'an open registration exists' using errcode = '23505';
  end if;
  insert into public.resident_registrations (member_id, status, exemption, exemption_note, started_on)
  values (p_member_id, 'exempt', p_exemption, nullif(p_note, ''), app.today())
  returning id into result;
  perform app.write_audit('resident.exempt', 'resident_registration', result,
                          (select m.org_id from public.members m where m.id = p_member_id),
                          jsonb_build_object('member_id', p_member_id, 'exemption', p_exemption));
  return result;
end
$$;

/* The residence cell's managers confirm a pending registration, or refuse it with a reason; never their own. */
create or replace function app.resident_decide(p_id uuid, p_confirm boolean, p_reason text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  reg public.resident_registrations%rowtype;
begin
  select * into reg from public.resident_registrations r where r.id = p_id for update;
  if not found or not app.in_scope(reg.org_key) then
    raise exception 'only the residence cell''s managers decide' using errcode = '42501';
  end if;
  if reg.member_id = app.current_member_id() then
    raise exception 'nobody confirms his/her own registration' using errcode = '42501';
  end if;
  if reg.status <> 'pending' then
    raise exception 'the registration is not pending' using errcode = '23514';
  end if;
  if not p_confirm and coalesce(btrim(p_reason), '') = '' then
    raise exception 'a refusal needs a reason' using errcode = '23514';
  end if;
  update public.resident_registrations
     set status = case when p_confirm then 'confirmed' else 'refused' end,
         refusal_reason = case when p_confirm then null else btrim(p_reason) end,
         decided_by = auth.uid(), decided_at = now(),
         started_on = case when p_confirm then app.today() end
   where id = p_id;
  perform app.write_audit(case when p_confirm then 'resident.confirm' else 'resident.refuse' end, 'resident_registration', p_id, reg.org_id,
                          jsonb_build_object('member_id', reg.member_id, 'reason', p_reason));
  insert into public.notifications (member_id, kind, title, url)
  values (reg.member_id, case when p_confirm then 'resident.confirmed' else 'resident.refused' end,
          case when p_confirm then 'Chi bộ nơi cư trú đã xác nhận đăng ký sinh hoạt của bạn'
               else 'Chi bộ nơi cư trú từ chối đăng ký sinh hoạt của bạn: ' || left(btrim(p_reason), 200) end,
          '/residents');
  -- a working cell manager who registered the member on his/her behalf hears of the decision too
  insert into public.notifications (member_id, kind, title, url)
  select a.member_id, case when p_confirm then 'resident.confirmed' else 'resident.refused' end,
         'Chi bộ nơi cư trú ' || case when p_confirm then 'đã xác nhận' else 'từ chối' end || ' đăng ký của đảng viên '
           || (select m.full_name from public.members m where m.id = reg.member_id),
         '/members/' || reg.member_id
    from public.accounts a
   where a.user_id = reg.requested_by and a.member_id is not null and a.member_id <> reg.member_id;
end
$$;

/* Ends a registration or an exemption (the member moved, or the case ended): either side may. */
create or replace function app.resident_end(p_id uuid, p_reason text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  reg public.resident_registrations%rowtype;
begin
  select * into reg from public.resident_registrations r where r.id = p_id for update;
  if not found or not (app.resident_working_side(reg.member_id, true) or app.in_scope(reg.org_key)) then
    raise exception 'only the member, or the managers of either cell, end a registration' using errcode = '42501';
  end if;
  if reg.status not in ('pending', 'confirmed', 'exempt') then
    raise exception 'the registration is not open' using errcode = '23514';
  end if;
  update public.resident_registrations
     set status = 'ended', ended_on = app.today(), end_reason = nullif(btrim(p_reason), '')
   where id = p_id;
  perform app.write_audit('resident.end', 'resident_registration', p_id, reg.org_id,
                          jsonb_build_object('member_id', reg.member_id, 'reason', p_reason));
end
$$;

/*
 * The residence cell's managers write (or, within the year, correct) the yearly comment on a
 * member residing with them; it goes to the working cell's secretaries as a notice.
 */
create or replace function app.resident_write_comment(p_registration_id uuid, p_year int, p_assessment text, p_body text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  reg public.resident_registrations%rowtype;
  who public.members%rowtype;
  result uuid;
  existed boolean;
begin
  select * into reg from public.resident_registrations r where r.id = p_registration_id;
  if not found or not app.in_scope(reg.org_key) then
    raise exception 'only the residence cell''s managers comment' using errcode = '42501';
  end if;
  if reg.member_id = app.current_member_id() then
    raise exception 'nobody comments on himself/herself' using errcode = '42501';
  end if;
  select * into who from public.members m where m.id = reg.member_id;
  if reg.status <> 'confirmed' or who.deceased_on is not null or (who.left_on is not null and who.left_on <= app.today()) then
    raise exception 'the member does not reside here' using errcode = '23514';
  end if;
  if p_year not between extract(year from reg.started_on)::int and extract(year from app.today())::int then
    raise exception 'the year is outside the residence' using errcode = '23514';
  end if;
  existed := exists (select 1 from public.resident_comments c where c.registration_id = reg.id and c.year = p_year);
  insert into public.resident_comments (registration_id, member_id, org_id, org_key, year, assessment, body)
  values (reg.id, reg.member_id, reg.org_id, reg.org_key, p_year, p_assessment, p_body)
  on conflict (registration_id, year) do update
    set assessment = excluded.assessment, body = excluded.body, written_by = auth.uid(), updated_at = now()
  returning id into result;
  perform app.write_audit('resident.comment', 'resident_comment', result, reg.org_id,
                          jsonb_build_object('member_id', reg.member_id, 'year', p_year, 'assessment', p_assessment));
  if not existed then
    insert into public.notifications (member_id, kind, title, url)
    select s, 'resident.commented', 'Chi bộ nơi cư trú đã gửi nhận xét năm ' || p_year || ' về đảng viên ' || who.full_name,
           '/members/' || who.id
      from app.resident_secretaries(who.org_id, false) s;
  end if;
  return result;
end
$$;

/*
 * The reminders pass (reminders feature) calls this: from the configured day of the year
 * (app.settings 'resident_members.comments_due_from', MM-DD, 1 November by default) each secretary
 * of a cell that has residents without this year's comment is reminded, once per year.
 */
create or replace function app.plan_reminders_resident_members(p_now timestamptz) returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  today date := (p_now at time zone 'Asia/Ho_Chi_Minh')::date;
  this_year int := extract(year from today)::int;
  setting text := (select s.value from app.settings s where s.key = 'resident_members.comments_due_from');
  due_from date;
  sent int;
begin
  -- a mistyped setting must not stop the whole reminders pass: it falls back to 1 November
  begin
    due_from := make_date(this_year, split_part(setting, '-', 1)::int, split_part(setting, '-', 2)::int);
  exception when others then
    due_from := null;
  end;
  due_from := coalesce(due_from, make_date(this_year, 11, 1));
  if today < due_from then
    return 0;
  end if;
  with due_cells as (
    select distinct r.org_id
      from public.resident_registrations r join public.members m on m.id = r.member_id
     where r.status = 'confirmed'
       and m.deceased_on is null and (m.left_on is null or m.left_on > today)
       and not exists (select 1 from public.resident_comments c where c.registration_id = r.id and c.year = this_year)
  ), planned as (
    insert into app.resident_reminders (org_id, year, member_id)
    select d.org_id, this_year, s.member_id
      from due_cells d
      join public.org_roles s on s.org_id = d.org_id and s.role = 'secretary'
                             and s.valid_from <= today and (s.valid_to is null or s.valid_to >= today)
    on conflict do nothing
    returning org_id, member_id
  ), noticed as (
    insert into public.notifications (member_id, kind, title, url)
    select p.member_id, 'resident.comments_due',
           'Đến hạn nhận xét năm ' || this_year || ' về đảng viên sinh hoạt nơi cư trú',
           '/residents/cells/' || p.org_id || '?view=due'
      from planned p
    returning 1
  )
  select count(*)::int into sent from noticed;
  return sent;
end
$$;

-- triggers -------------------------------------------------------------------------------
drop trigger if exists resident_registrations_prepare on public.resident_registrations;
create trigger resident_registrations_prepare before insert or update on public.resident_registrations
  for each row execute function app.resident_take_key();

-- row-level security -----------------------------------------------------------------------
alter table public.resident_registrations enable row level security;
alter table public.resident_comments enable row level security;
alter table app.resident_reminders enable row level security;

/* Three readers of a registration and its comments, nobody else: the member, the working side
   (managers whose scope holds the member's cell, read from the member's row: a transfer moves it
   at once) and the residence side (the cell's key copied on the row). */
drop policy if exists "Members read their own residence registrations" on public.resident_registrations;
create policy "Members read their own residence registrations" on public.resident_registrations
  for select to authenticated
  using (member_id = (select app.current_member_id()));

/* The working side is named, not inherited from whatever may read members: a later policy letting
   cell members read each other's names must not show them each other's residences. */
select app.define_policy('public.resident_registrations', 'Working cell managers read their members'' residence registrations', 'select',
  using_sql => $p$exists (select 1 from public.members m where m.id = resident_registrations.member_id and app.in_scope(m.org_key))$p$);

select app.define_policy('public.resident_registrations', 'Residence cell managers read registrations to their cell', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

drop policy if exists "Members read the comments on themselves" on public.resident_comments;
create policy "Members read the comments on themselves" on public.resident_comments
  for select to authenticated
  using (member_id = (select app.current_member_id()));

select app.define_policy('public.resident_comments', 'Working cell managers read the comments on their members', 'select',
  using_sql => $p$exists (select 1 from public.members m where m.id = resident_comments.member_id and app.in_scope(m.org_key))$p$);

select app.define_policy('public.resident_comments', 'Residence cell managers read the comments of their cell', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

drop policy if exists "No user reads or writes the reminders sent" on app.resident_reminders;
create policy "No user reads or writes the reminders sent" on app.resident_reminders
  for all to authenticated using (false) with check (false);

-- grants ---------------------------------------------------------------------------------
grant select on public.resident_registrations, public.resident_comments to authenticated;

revoke all on function app.resident_words_match(text, text), app.resident_take_key(), app.resident_open_cell(uuid), app.resident_cells(text, int), app.resident_cell_name(uuid),
  app.resident_member(uuid), app.resident_working_side(uuid, boolean), app.resident_secretaries(uuid, boolean),
  app.resident_register(uuid, uuid, text), app.resident_exempt(uuid, text, text), app.resident_decide(uuid, boolean, text),
  app.resident_end(uuid, text), app.resident_write_comment(uuid, int, text, text), app.plan_reminders_resident_members(timestamptz) from public;
grant execute on function app.resident_words_match(text, text), app.resident_cells(text, int), app.resident_cell_name(uuid), app.resident_member(uuid),
  app.resident_working_side(uuid, boolean),
  app.resident_register(uuid, uuid, text), app.resident_exempt(uuid, text, text), app.resident_decide(uuid, boolean, text),
  app.resident_end(uuid, text), app.resident_write_comment(uuid, int, text, text) to authenticated;
grant execute on function app.plan_reminders_resident_members(timestamptz) to service_role;
