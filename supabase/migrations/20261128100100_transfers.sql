/*
 * Transfers of Party activity (chuyển sinh hoạt đảng, Quy định 294-QĐ/TW, Hướng dẫn 12-HD/BTCTW).
 *
 * A transfer moves a member's Party activity from the sending cell to a receiving one, official
 * (`permanent`: the home cell changes) or `temporary` (a second, non-counting membership until an
 * end date). Either end may lie outside the deployment: it is then recorded by name and letter
 * number. The steps, in order, each by one side only:
 *
 *   requested  the member, or a manager of his/her cell and the committees above, asks;
 *   confirmed  the sending side confirms the fee is paid up to a month, no inspection or
 *              discipline pending;
 *   issued     a manager of a committee above the sending cell issues the introduction letter;
 *              for a permanent transfer the member is now "in transit" until the receiving side
 *              accepts, within 30 working days of the letter;
 *   accepted   the receiving side accepts: the member's home cell changes in the same
 *              transaction (a transfer out of the deployment ends on issuing instead);
 *   refused    whoever's turn it is may refuse, with a reason (final).
 *
 * The member never carries out a step of his/her own transfer (a secretary moving is confirmed,
 * issued and accepted by the other managers of each side); he/she may withdraw the request.
 *
 * A step may also be returned one step back with a reason (the letter returned to the issuer,
 * the request returned to the cell). Users never write these tables: every step is one narrow
 * security definer function below, which checks who is asking and in which state the transfer
 * is, so a transfer cannot skip a step nor be moved by the wrong side.
 *
 * "In transit" is a state of the transfer, not of the member row: members.org_id (never null)
 * stays the sending cell until acceptance, and at most one permanent transfer per member is
 * open at a time (a unique partial index). So at every instant a member is either at home in
 * exactly one cell, or in transit on exactly one letter, and the register counts "in transit"
 * explicitly.
 */

-- tables -------------------------------------------------------------------------------

create table if not exists public.transfers (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('permanent', 'temporary')),
  status text not null default 'requested' check (status in ('requested', 'confirmed', 'issued', 'accepted', 'refused')),
  /* null only for a person coming from outside the deployment until accepted */
  member_id uuid references public.members (id),
  reason text check (length(reason) <= 1000),
  /* the person as the letter names him/her: taken from the member record at request and at issue
     (both sides read the letter; the receiving side cannot read the member record before acceptance) */
  person_name text not null check (length(person_name) between 1 and 120),
  person_birth_date date,
  person_gender text check (person_gender in ('male', 'female')),
  person_status text check (person_status in ('probationary', 'official')),
  person_admitted_on date,
  person_official_on date,
  person_card_number text check (length(person_card_number) <= 20),
  person_hometown text check (length(person_hometown) <= 300),
  /* the two ends: an organization of the deployment, or one outside it by name */
  from_org_id uuid references public.organizations (id),
  from_name text not null check (length(from_name) between 1 and 300),
  to_org_id uuid references public.organizations (id),
  to_name text not null check (length(to_name) between 1 and 300),
  /* temporary transfers: the second membership's dates */
  starts_on date,
  ends_on date,
  /* the sending cell's confirmation */
  fee_paid_through date,
  confirmed_at timestamptz,
  /* the introduction letter (or, coming from outside, the outside organization's letter) */
  issuer_org_id uuid references public.organizations (id),
  issuer_name text check (length(issuer_name) <= 300),
  letter_number text check (length(letter_number) between 1 and 40),
  letter_date date,
  deadline date,
  issued_at timestamptz,
  accepted_at timestamptz,
  refused_at timestamptz,
  refusal text check (length(refusal) <= 1000),
  /* the reminders pass warns once before a permanent letter lapses */
  warned_at timestamptz,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (from_org_id is not null or to_org_id is not null),
  check (member_id is not null or from_org_id is null),
  check (kind = 'permanent' or (starts_on is not null and ends_on is not null and ends_on > starts_on)),
  check (status in ('requested', 'confirmed', 'refused') or letter_number is not null)
);

/*
 * The organizations of the deployment a transfer concerns, one row per side, each carrying the
 * organization's key (org_key, rewritten automatically when the tree moves: app.org_key_columns)
 * so that the policies and the register find a subtree's transfers by a key range. The sending
 * side from the request; the issuing committee and the receiving side from the letter on: the
 * receiving cell learns of a transfer when it is addressed to it, not while it may still be refused.
 */
create table if not exists public.transfer_parties (
  transfer_id uuid not null references public.transfers (id) on delete cascade,
  side text not null check (side in ('sending', 'issuing', 'receiving')),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  primary key (transfer_id, side)
);

/* The history of a transfer: each step, refusal and return, who did it and why. */
create table if not exists public.transfer_events (
  id uuid primary key default gen_random_uuid(),
  transfer_id uuid not null references public.transfers (id) on delete cascade,
  step text not null check (step in ('requested', 'confirmed', 'issued', 'accepted', 'refused', 'returned')),
  note text check (length(note) <= 1000),
  actor_id uuid,
  actor_name text,
  at timestamptz not null default now()
);

-- indexes ------------------------------------------------------------------------------

/* The transit invariant: at most one open permanent transfer per member (and one temporary). */
create unique index if not exists transfers_one_open_permanent on public.transfers (member_id)
  where kind = 'permanent' and status in ('requested', 'confirmed', 'issued');
create unique index if not exists transfers_one_open_temporary on public.transfers (member_id)
  where kind = 'temporary' and status in ('requested', 'confirmed', 'issued');
create index if not exists transfers_member_idx on public.transfers (member_id, created_at desc);
/* the minutes' count of temporary members of a cell */
create index if not exists transfers_temporary_idx on public.transfers (to_org_id, ends_on) where kind = 'temporary' and status = 'accepted';
/* the reminders pass: letters still waiting */
create index if not exists transfers_waiting_idx on public.transfers (deadline) where status = 'issued' and kind = 'permanent';
create index if not exists transfer_parties_key_idx on public.transfer_parties (org_key, transfer_id);
create index if not exists transfer_events_transfer_idx on public.transfer_events (transfer_id, at);

-- helper functions -----------------------------------------------------------------------

/* The date n working days (Monday to Friday) after p_from. Public holidays are not yet data:
   the deadline errs on the short side by the holidays in between. */
create or replace function app.add_working_days(p_from date, p_days int) returns date
language sql immutable
set search_path = ''
as $$
  select p_from + i from pg_catalog.generate_series(1, greatest(p_days, 1) * 2 + 14) i
   where extract(isodow from p_from + i) < 6
   order by i offset greatest(p_days, 1) - 1 limit 1
$$;

/* Does the caller manage the organization (its managers and those of every committee above)? */
create or replace function app.manages_org(p_org_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select app.in_scope(o.path::text) from public.organizations o where o.id = p_org_id), false)
$$;

/* The committee through which the caller may issue a letter for a transfer out of the cell
   p_org_id: the committee whose role the caller holds (a root of his/her structural scope)
   strictly above the cell, the nearest if several; the letter is issued in its name. A cell
   secretary manages the cell, not the tree, and issues nothing. */
create or replace function app.issuing_committee(p_org_id uuid) returns uuid
language sql stable security definer
set search_path = ''
as $$
  select a.id
    from public.organizations cell
    join public.organizations a on a.path operator(extensions.@>) cell.path and a.id <> cell.id and a.valid_to is null
   where cell.id = p_org_id
     and a.path operator(extensions.=) any (app.managed_scope(true))
   order by extensions.nlevel(a.path) desc
   limit 1
$$;

/* An organization as a letter names it: "Chi bộ khu phố 1, Đảng bộ phường Quang Trung" (every
   ward has a "Chi bộ khu phố 1"). */
create or replace function app.transfer_org_label(p_org_id uuid) returns text
language sql stable security definer
set search_path = ''
as $$
  select o.name || coalesce(', ' || p.name, '')
    from public.organizations o left join public.organizations p on p.id = o.parent_id
   where o.id = p_org_id
$$;

/* A step of the history, as the signed-in user. */
create or replace function app.transfer_event(p_transfer_id uuid, p_step text, p_note text) returns void
language sql volatile security definer
set search_path = ''
as $$
  insert into public.transfer_events (transfer_id, step, note, actor_id, actor_name)
  select p_transfer_id, p_step, p_note, app.current_member_id(),
         (select coalesce(m.full_name, a.display_name) from public.accounts a
            left join public.members m on m.id = a.member_id where a.user_id = auth.uid())
$$;

/* Tells the member and the current role holders of an organization (either may be null). */
create or replace function app.transfer_notify(p_member_id uuid, p_org_id uuid, p_kind text, p_title text, p_transfer_id uuid) returns void
language sql volatile security definer
set search_path = ''
as $$
  insert into public.notifications (member_id, kind, title, url)
  select distinct people.id, p_kind, pg_catalog.left(p_title, 300), '/transfers/' || p_transfer_id
    from (select p_member_id as id where p_member_id is not null
          union
          select r.member_id from public.org_roles r
           where r.org_id = p_org_id and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today())) people
$$;

/* The member's facts the letter carries, read afresh (at request and at issue). */
create or replace function app.transfer_take_person(p_transfer_id uuid) returns void
language sql volatile security definer
set search_path = ''
as $$
  update public.transfers t
     set person_name = m.full_name, person_birth_date = m.birth_date, person_gender = m.gender, person_status = m.status,
         person_admitted_on = m.admitted_on, person_official_on = m.official_on, person_card_number = m.card_number,
         person_hometown = m.hometown
    from public.members m
   where t.id = p_transfer_id and m.id = t.member_id
$$;

/* Roles end when their holder leaves the organization: yesterday for those already started
   (today he/she no longer holds them), removed when they had not started yet. */
create or replace function app.transfer_end_roles(p_member_id uuid, p_org_id uuid) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  delete from public.org_roles r
   where r.member_id = p_member_id and r.org_id = p_org_id and r.valid_from >= app.today();
  update public.org_roles r set valid_to = app.today() - 1
   where r.member_id = p_member_id and r.org_id = p_org_id and (r.valid_to is null or r.valid_to >= app.today());
end
$$;

-- triggers -------------------------------------------------------------------------------

create or replace function app.transfer_parties_key() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  select o.path::text into new.org_key from public.organizations o where o.id = new.org_id;
  return new;
end
$$;
drop trigger if exists transfer_parties_key on public.transfer_parties;
create trigger transfer_parties_key before insert or update of org_id on public.transfer_parties
  for each row execute function app.transfer_parties_key();

drop trigger if exists transfers_touch on public.transfers;
create trigger transfers_touch before update on public.transfers
  for each row execute function app.touch_updated_at();

/*
 * A member in transit moves only by the acceptance of his/her letter: an ordinary edit of the
 * home cell (members' update policy allows one within a manager's subtree) would leave the letter
 * pointing at a cell the member is no longer in. The accepting function says so for its own update.
 */
create or replace function app.members_guard_transit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if coalesce(pg_catalog.current_setting('app.transfer_accepting', true), '') <> new.id::text
     and exists (select 1 from public.transfers t where t.member_id = new.id and t.kind = 'permanent' and t.status = 'issued') then
    raise exception 'this member is in transit: the home cell changes when the receiving organization accepts the letter'
      using errcode = '55000';
  end if;
  return new;
end
$$;
drop trigger if exists members_guard_transit on public.members;
create trigger members_guard_transit before update of org_id on public.members
  for each row when (old.org_id is distinct from new.org_id) execute function app.members_guard_transit();

-- the steps --------------------------------------------------------------------------------
/*
 * Each step locks its transfer, checks the state (55000 "object not in prerequisite state" when
 * out of order) and the side (42501 when the caller is not the side whose turn it is; the caller
 * cannot tell a transfer out of sight from a nonexistent one: both 42501), and writes the step's
 * history and notices in the same transaction.
 */

/* Asks for a transfer: the member himself/herself, or a manager of his/her cell or above. */
create or replace function public.transfer_request(p_member_id uuid, p_kind text, p_to_org_id uuid, p_to_outside text,
                                                   p_reason text, p_starts_on date default null, p_ends_on date default null)
returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  m public.members%rowtype;
  target public.organizations%rowtype;
  from_org public.organizations%rowtype;
  created uuid;
begin
  select * into m from public.members where id = p_member_id for update;
  if m.id is null or not (m.id = app.current_member_id() or app.in_scope(m.org_key)) then
    raise exception 'not allowed to ask for this member''s transfer' using errcode = '42501';
  end if;
  if m.deceased_on is not null or m.left_on is not null then
    raise exception 'this member is no longer active' using errcode = '55000';
  end if;
  if p_kind not in ('permanent', 'temporary') or (p_to_org_id is null) = (nullif(pg_catalog.btrim(p_to_outside), '') is null) then
    raise exception 'a transfer goes to one organization, inside or outside the deployment' using errcode = '22023';
  end if;
  if p_kind = 'temporary' and (p_starts_on is null or p_ends_on is null or p_ends_on <= p_starts_on
                               or p_ends_on > p_starts_on + interval '2 years') then
    raise exception 'a temporary transfer needs its dates (at most two years)' using errcode = '22023';
  end if;
  if p_to_org_id is not null then
    select * into target from public.organizations where id = p_to_org_id and valid_to is null;
    if target.id is null or target.kind not in ('cell', 'grassroots_cell') or target.id = m.org_id then
      raise exception 'the receiving organization must be another open cell' using errcode = '22023';
    end if;
  end if;
  if exists (select 1 from public.transfers t where t.member_id = m.id and t.kind = p_kind and t.status in ('requested', 'confirmed', 'issued')) then
    raise exception 'this member already has an open transfer of this kind' using errcode = '55000';
  end if;
  select * into from_org from public.organizations where id = m.org_id;
  insert into public.transfers (kind, member_id, reason, person_name, from_org_id, from_name, to_org_id, to_name, starts_on, ends_on)
  values (p_kind, m.id, nullif(pg_catalog.btrim(p_reason), ''), m.full_name, m.org_id, app.transfer_org_label(from_org.id), target.id,
          coalesce(app.transfer_org_label(target.id), pg_catalog.btrim(p_to_outside)),
          case when p_kind = 'temporary' then p_starts_on end, case when p_kind = 'temporary' then p_ends_on end)
  returning id into created;
  perform app.transfer_take_person(created);
  insert into public.transfer_parties (transfer_id, side, org_id) values (created, 'sending', m.org_id);
  perform app.transfer_event(created, 'requested', nullif(pg_catalog.btrim(p_reason), ''));
  perform app.transfer_notify(case when m.id <> app.current_member_id() or app.current_member_id() is null then m.id end,
                              m.org_id, 'transfer.requested', 'Đề nghị chuyển sinh hoạt đảng: ' || m.full_name, created);
  return created;
end
$$;

/* Records a transfer into the deployment from an organization outside it: the outside letter is
   the introduction letter, so the transfer waits for the receiving side's acceptance at once. */
create or replace function public.transfer_record_incoming(p_to_org_id uuid, p_kind text, p_person_name text, p_birth_date date,
                                                           p_person_status text, p_from_outside text, p_letter_number text,
                                                           p_letter_date date, p_starts_on date default null, p_ends_on date default null)
returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  target public.organizations%rowtype;
  created uuid;
begin
  select * into target from public.organizations where id = p_to_org_id and valid_to is null;
  if target.id is null or not app.in_scope(target.path::text) then
    raise exception 'not allowed to receive into this organization' using errcode = '42501';
  end if;
  if target.kind not in ('cell', 'grassroots_cell') or p_kind not in ('permanent', 'temporary')
     or nullif(pg_catalog.btrim(p_from_outside), '') is null or nullif(pg_catalog.btrim(p_letter_number), '') is null
     or p_letter_date is null or p_letter_date > app.today() then
    raise exception 'an incoming transfer names a cell, the sending organization and its letter' using errcode = '22023';
  end if;
  insert into public.transfers (kind, status, person_name, person_birth_date, person_status, from_name, to_org_id, to_name,
                                starts_on, ends_on, issuer_name, letter_number, letter_date, deadline, issued_at)
  values (p_kind, 'issued', pg_catalog.btrim(p_person_name), p_birth_date, coalesce(p_person_status, 'official'),
          pg_catalog.btrim(p_from_outside), target.id, app.transfer_org_label(target.id),
          case when p_kind = 'temporary' then p_starts_on end, case when p_kind = 'temporary' then p_ends_on end,
          pg_catalog.btrim(p_from_outside), pg_catalog.btrim(p_letter_number), p_letter_date,
          case when p_kind = 'permanent' then app.add_working_days(p_letter_date, 30) end, now())
  returning id into created;
  insert into public.transfer_parties (transfer_id, side, org_id) values (created, 'receiving', target.id);
  perform app.transfer_event(created, 'issued', 'Giấy giới thiệu số ' || pg_catalog.btrim(p_letter_number) || ' của ' || pg_catalog.btrim(p_from_outside));
  return created;
end
$$;

/* The sending side confirms: fee paid up to a month, no inspection or discipline pending. */
create or replace function public.transfer_confirm(p_id uuid, p_fee_paid_through date, p_nothing_pending boolean)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare t public.transfers%rowtype;
begin
  select * into t from public.transfers where id = p_id for update;
  if t.id is null or t.from_org_id is null or not app.manages_org(t.from_org_id) or t.member_id = app.current_member_id() then
    raise exception 'only the sending side confirms (never the member himself/herself)' using errcode = '42501';
  end if;
  if t.status <> 'requested' then
    raise exception 'only a request waiting for the sending side is confirmed' using errcode = '55000';
  end if;
  if p_fee_paid_through is null or not coalesce(p_nothing_pending, false) then
    raise exception 'the fee month and the absence of pending inspection or discipline are confirmed together' using errcode = '22023';
  end if;
  update public.transfers
     set status = 'confirmed', fee_paid_through = pg_catalog.date_trunc('month', p_fee_paid_through)::date, confirmed_at = now()
   where id = p_id;
  perform app.transfer_event(p_id, 'confirmed', 'Đã đóng đảng phí đến hết tháng ' || pg_catalog.to_char(p_fee_paid_through, 'MM/YYYY'));
end
$$;

/*
 * The issuing committee (a committee above the sending cell, managed by the caller) issues the
 * letter. A permanent transfer's letter is valid for 30 working days: the member is in transit
 * until the receiving side accepts. A transfer out of the deployment ends here: no one inside
 * will accept it; a permanent one ends the member's standing in this deployment the same day
 * (left_on: he/she is no longer counted and his/her access ends) and every role he/she holds in it.
 */
create or replace function public.transfer_issue(p_id uuid, p_letter_number text, p_letter_date date)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  t public.transfers%rowtype;
  issuer uuid;
begin
  select * into t from public.transfers where id = p_id for update;
  issuer := case when t.from_org_id is not null then app.issuing_committee(t.from_org_id) end;
  if t.id is null or issuer is null or t.member_id = app.current_member_id() then
    raise exception 'only a committee above the sending cell issues the letter (never for the caller''s own transfer)' using errcode = '42501';
  end if;
  if t.status <> 'confirmed' then
    raise exception 'the letter is issued after the sending side confirms' using errcode = '55000';
  end if;
  if nullif(pg_catalog.btrim(p_letter_number), '') is null or p_letter_date is null or p_letter_date > app.today()
     or p_letter_date < app.today() - 30 then
    raise exception 'a letter has a number and a date (not ahead, at most 30 days back)' using errcode = '22023';
  end if;
  perform app.transfer_take_person(p_id);
  update public.transfers
     set status = case when t.to_org_id is null then 'accepted' else 'issued' end,
         issuer_org_id = issuer, issuer_name = (select o.name from public.organizations o where o.id = issuer),
         letter_number = pg_catalog.btrim(p_letter_number), letter_date = p_letter_date,
         deadline = case when t.kind = 'permanent' and t.to_org_id is not null then app.add_working_days(p_letter_date, 30) end,
         issued_at = now(), warned_at = null,
         accepted_at = case when t.to_org_id is null then now() end
   where id = p_id;
  insert into public.transfer_parties (transfer_id, side, org_id) values (p_id, 'issuing', issuer)
    on conflict (transfer_id, side) do update set org_id = excluded.org_id;
  perform app.transfer_event(p_id, 'issued', 'Giấy giới thiệu số ' || pg_catalog.btrim(p_letter_number));
  if t.to_org_id is not null then
    insert into public.transfer_parties (transfer_id, side, org_id) values (p_id, 'receiving', t.to_org_id)
      on conflict (transfer_id, side) do nothing;
    perform app.transfer_notify(t.member_id, t.to_org_id, 'transfer.issued', 'Giấy giới thiệu sinh hoạt đảng: ' || t.person_name, p_id);
  else
    if t.kind = 'permanent' then
      -- leaving the deployment ends every role the member holds in it, so it needs the authority
      -- that recording his/her leaving needs (app.has_authority_over: only a wider scope)
      if not app.has_authority_over(t.member_id) then
        raise exception 'only a wider scope may transfer this member out of the deployment' using errcode = '42501';
      end if;
      update public.org_roles r set valid_to = app.today() - 1
       where r.member_id = t.member_id and r.valid_from < app.today() and (r.valid_to is null or r.valid_to >= app.today());
      delete from public.org_roles r where r.member_id = t.member_id and r.valid_from >= app.today();
      update public.members set left_on = app.today() where id = t.member_id and left_on is null;
    end if;
    perform app.transfer_event(p_id, 'accepted', 'Chuyển ra ngoài: ' || t.to_name);
  end if;
end
$$;

/*
 * The receiving side accepts, before the letter lapses. A permanent transfer changes the
 * member's home cell here, in the same transaction: the members trigger tells open streams to
 * re-check access at once (app.access_changed), and the roles held in the old cell end. A person
 * coming from outside becomes a member of the receiving cell. A temporary one starts the
 * second, non-counting membership until its end date (no job ends it: it is read from the dates).
 */
create or replace function public.transfer_accept(p_id uuid)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  t public.transfers%rowtype;
  m public.members%rowtype;
  created uuid;
begin
  select * into t from public.transfers where id = p_id for update;
  if t.id is null or t.to_org_id is null or not app.manages_org(t.to_org_id) or t.member_id = app.current_member_id() then
    raise exception 'only the receiving side accepts (never the member himself/herself)' using errcode = '42501';
  end if;
  if t.status <> 'issued' then
    raise exception 'only an issued letter is accepted' using errcode = '55000';
  end if;
  if t.deadline is not null and app.today() > t.deadline then
    raise exception 'the letter lapsed on %: it is returned to the issuer for a new one', t.deadline using errcode = '55000';
  end if;
  if t.kind = 'permanent' and t.member_id is not null then
    select * into m from public.members where id = t.member_id for update;
    if m.org_id is distinct from t.from_org_id or m.deceased_on is not null or m.left_on is not null then
      raise exception 'the member is no longer in the sending cell' using errcode = '55000';
    end if;
    perform app.transfer_end_roles(m.id, m.org_id);
    perform pg_catalog.set_config('app.transfer_accepting', m.id::text, true);
    update public.members set org_id = t.to_org_id where id = m.id;
    perform pg_catalog.set_config('app.transfer_accepting', '', true);
  elsif t.kind = 'permanent' then
    insert into public.members (org_id, org_path, full_name, birth_date, status)
    values (t.to_org_id, '', t.person_name, t.person_birth_date, coalesce(t.person_status, 'official'))
    returning id into created;
    t.member_id := created;
  end if;
  update public.transfers set status = 'accepted', accepted_at = now(), member_id = t.member_id where id = p_id;
  perform app.transfer_event(p_id, 'accepted', null);
  perform app.transfer_notify(t.member_id, t.from_org_id, 'transfer.accepted', 'Đã tiếp nhận sinh hoạt đảng: ' || t.person_name, p_id);
end
$$;

/* Whose turn it is: the side that may refuse or return the transfer in its present state. */
create or replace function app.transfer_turn(t public.transfers) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select case t.status
           when 'requested' then t.member_id = app.current_member_id() or app.manages_org(t.from_org_id)
           when 'confirmed' then app.issuing_committee(t.from_org_id) is not null
           when 'issued' then app.manages_org(t.to_org_id)
                              or (t.issuer_org_id is not null and app.manages_org(t.issuer_org_id) and app.issuing_committee(t.from_org_id) is not null)
           else false
         end
$$;

/* Refuses the transfer at its present step, with a reason (final). */
create or replace function public.transfer_refuse(p_id uuid, p_reason text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare t public.transfers%rowtype;
begin
  select * into t from public.transfers where id = p_id for update;
  if t.id is null or not (app.transfer_turn(t) or (t.status in ('accepted', 'refused')
                          and (app.manages_org(t.from_org_id) or app.manages_org(t.to_org_id) or t.member_id = app.current_member_id()))) then
    raise exception 'not this side''s turn' using errcode = '42501';
  end if;
  if t.status not in ('requested', 'confirmed', 'issued') then
    raise exception 'the transfer is closed' using errcode = '55000';
  end if;
  if nullif(pg_catalog.btrim(p_reason), '') is null then
    raise exception 'a refusal says why' using errcode = '22023';
  end if;
  update public.transfers set status = 'refused', refused_at = now(), refusal = pg_catalog.btrim(p_reason) where id = p_id;
  perform app.transfer_event(p_id, 'refused', pg_catalog.btrim(p_reason));
  perform app.transfer_notify(t.member_id, t.from_org_id, 'transfer.refused', 'Chuyển sinh hoạt đảng không được chấp nhận: ' || t.person_name, p_id);
end
$$;

/* Returns the transfer one step back, with a reason: a confirmed request to the cell (by the
   issuer), an issued letter to the issuer (by the receiving side, or by the issuer withdrawing
   it). The receiving side stops seeing a letter no longer addressed to it. */
create or replace function public.transfer_return(p_id uuid, p_reason text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare t public.transfers%rowtype;
begin
  select * into t from public.transfers where id = p_id for update;
  if t.id is null or not (app.transfer_turn(t) or (t.status in ('requested', 'accepted', 'refused')
                          and (app.manages_org(t.from_org_id) or app.manages_org(t.to_org_id) or t.member_id = app.current_member_id()))) then
    raise exception 'not this side''s turn' using errcode = '42501';
  end if;
  if t.status not in ('confirmed', 'issued') or (t.status = 'issued' and t.from_org_id is null) then
    raise exception 'nothing to return at this step' using errcode = '55000';
  end if;
  if nullif(pg_catalog.btrim(p_reason), '') is null then
    raise exception 'a return says why' using errcode = '22023';
  end if;
  if t.status = 'confirmed' then
    update public.transfers set status = 'requested', confirmed_at = null, fee_paid_through = null where id = p_id;
  else
    update public.transfers set status = 'confirmed', letter_number = null, letter_date = null, deadline = null, issued_at = null
     where id = p_id;
    delete from public.transfer_parties where transfer_id = p_id and side in ('receiving', 'issuing');
  end if;
  perform app.transfer_event(p_id, 'returned', pg_catalog.btrim(p_reason));
  perform app.transfer_notify(null, case when t.status = 'confirmed' then t.from_org_id else t.issuer_org_id end,
                              'transfer.returned', 'Hồ sơ chuyển sinh hoạt đảng bị trả lại: ' || t.person_name, p_id);
end
$$;

/* What the caller may do with a transfer now (the page offers only these; the functions decide). */
create or replace function public.transfer_actions(p_id uuid) returns text[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  t public.transfers%rowtype;
  result text[] := '{}';
begin
  select * into t from public.transfers where id = p_id;
  if t.id is null then
    return result;
  end if;
  -- the member's own transfer: he/she may withdraw it (refuse while requested), never carry out a step
  if t.status = 'requested' and app.manages_org(t.from_org_id) and t.member_id is distinct from app.current_member_id() then
    result := result || 'confirm'::text;
  end if;
  if t.status = 'confirmed' and app.issuing_committee(t.from_org_id) is not null and t.member_id is distinct from app.current_member_id() then
    result := result || array['issue', 'return'];
  end if;
  if t.status = 'issued' and app.manages_org(t.to_org_id) and t.member_id is distinct from app.current_member_id() then
    result := result || 'accept'::text;
  end if;
  if t.status = 'issued' and t.from_org_id is not null and app.transfer_turn(t) then result := result || 'return'::text; end if;
  if t.status in ('requested', 'confirmed', 'issued') and app.transfer_turn(t) then result := result || 'refuse'::text; end if;
  return array(select distinct a from unnest(result) a);
end
$$;

/* Where a transfer may go: open cells whose name (or whose parent's) matches, at most 20. The
   requester usually cannot read the organizations outside his/her own branch, and organization
   names are not personal data; only active members ask. */
create or replace function public.transfer_destinations(p_query text)
returns table (id uuid, name text, parent_name text)
language sql stable security definer
set search_path = ''
as $$
  select o.id, o.name, p.name
    from public.organizations o
    left join public.organizations p on p.id = o.parent_id
   where (app.current_member_id() is not null or app.is_admin())
     and o.valid_to is null and o.kind in ('cell', 'grassroots_cell')
     and nullif(pg_catalog.btrim(p_query), '') is not null
     -- every word typed, anywhere in the cell's or its parent's name ("khu pho 1 minh khai")
     and not exists (select 1 from pg_catalog.regexp_split_to_table(app.search_key(p_query), '\s+') w
                      where w <> '' and pg_catalog.strpos(app.search_key(o.name || ' ' || coalesce(p.name, '')), w) = 0)
   order by p.name, o.name
   limit 20
$$;
revoke all on function public.transfer_destinations(text) from public, anon;
grant execute on function public.transfer_destinations(text) to authenticated;

-- temporary memberships --------------------------------------------------------------------
/* How many members take part in a cell's activity temporarily today (accepted temporary
   transfers into it, between their dates): the minutes' "sinh hoạt tạm thời". Only for those who
   see the cell (its members and managers); anyone else gets 0. */
create or replace function app.temporary_members(p_org_id uuid) returns int
language sql stable security definer
set search_path = ''
as $$
  select case when app.manages_org(p_org_id) or p_org_id = (select m.org_id from public.members m where m.id = app.current_member_id())
              then (select count(*)::int from public.transfers t
                     where t.kind = 'temporary' and t.status = 'accepted' and t.to_org_id = p_org_id
                       and t.starts_on <= app.today() and t.ends_on >= app.today())
              else 0 end
$$;

-- reminders ----------------------------------------------------------------------------------
/*
 * Called by the reminders pass (every app.plan_reminders_* function): warns the receiving
 * organization's managers and the member, once per letter, that a permanent transfer's
 * acceptance deadline is near (five working days or fewer left). Returns how many were warned.
 */
create or replace function app.plan_reminders_transfers(p_now timestamptz) returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  today date := (p_now at time zone 'Asia/Ho_Chi_Minh')::date;
  warned integer;
begin
  with due as (
    update public.transfers t set warned_at = p_now
     where t.status = 'issued' and t.kind = 'permanent' and t.warned_at is null
       and t.deadline >= today and t.deadline <= app.add_working_days(today, 5)
    returning t.id, t.member_id, t.to_org_id, t.person_name, t.deadline
  ), sent as (
    insert into public.notifications (member_id, kind, title, url)
    select distinct people.member_id, 'transfer.deadline',
           pg_catalog.left('Sắp hết hạn tiếp nhận sinh hoạt đảng (' || pg_catalog.to_char(due.deadline, 'DD/MM/YYYY') || '): ' || due.person_name, 300),
           '/transfers/' || due.id
      from due
      join lateral (select due.member_id where due.member_id is not null
                    union
                    select r.member_id from public.org_roles r
                     where r.org_id = due.to_org_id and r.valid_from <= today and (r.valid_to is null or r.valid_to >= today)) people (member_id) on true
    returning 1
  )
  select count(*)::int into warned from due;
  return warned;
end
$$;
revoke all on function app.plan_reminders_transfers(timestamptz) from public, anon, authenticated;

-- row-level security -----------------------------------------------------------------------
alter table public.transfers enable row level security;
alter table public.transfer_parties enable row level security;
alter table public.transfer_events enable row level security;

/* The sides of a transfer are read by the managers of each side's subtree (the sending cell and
   the committees above it, the issuing committee, the receiving cell and the committees above it). */
select app.define_policy('public.transfer_parties', 'Managers read the transfer sides in their subtree', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

/* A transfer is read by the member it moves and by the managers of any of its sides. Nobody
   writes it directly: the step functions do. */
drop policy if exists "Members and the managers of either side read a transfer" on public.transfers;
create policy "Members and the managers of either side read a transfer" on public.transfers
  for select to authenticated
  using (member_id = (select app.current_member_id())
         or exists (select 1 from public.transfer_parties p where p.transfer_id = transfers.id));

/* The history is read by whoever reads the transfer. */
drop policy if exists "Readers of a transfer read its history" on public.transfer_events;
create policy "Readers of a transfer read its history" on public.transfer_events
  for select to authenticated
  using (exists (select 1 from public.transfers t where t.id = transfer_events.transfer_id));

-- grants ---------------------------------------------------------------------------------
grant select on public.transfers, public.transfer_parties, public.transfer_events to authenticated;

revoke all on function public.transfer_request(uuid, text, uuid, text, text, date, date),
                       public.transfer_record_incoming(uuid, text, text, date, text, text, text, date, date, date),
                       public.transfer_confirm(uuid, date, boolean), public.transfer_issue(uuid, text, date),
                       public.transfer_accept(uuid), public.transfer_refuse(uuid, text), public.transfer_return(uuid, text),
                       public.transfer_actions(uuid)
  from public, anon;
grant execute on function public.transfer_request(uuid, text, uuid, text, text, date, date),
                          public.transfer_record_incoming(uuid, text, text, date, text, text, text, date, date, date),
                          public.transfer_confirm(uuid, date, boolean), public.transfer_issue(uuid, text, date),
                          public.transfer_accept(uuid), public.transfer_refuse(uuid, text), public.transfer_return(uuid, text),
                          public.transfer_actions(uuid)
  to authenticated;
revoke all on function app.transfer_org_label(uuid), app.transfer_event(uuid, text, text), app.transfer_notify(uuid, uuid, text, text, uuid),
                       app.transfer_take_person(uuid), app.transfer_end_roles(uuid, uuid), app.transfer_turn(public.transfers)
  from public, anon, authenticated;
grant execute on function app.add_working_days(date, int), app.manages_org(uuid), app.issuing_committee(uuid),
                          app.temporary_members(uuid)
  to authenticated, service_role;
