/*
 * Accounts and sign-in. An account (auth.users row) may be linked to one member record;
 * the share of members with an account is the registration rate committees report.
 * Credentials live in the private schema "app": only the sign-in path (a system job, no
 * user yet) and the owner (to change his/her password) ever touch them. On Supabase,
 * Supabase Auth can replace app.credentials; accounts stay as they are.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.accounts (
  user_id uuid primary key references auth.users (id) on delete cascade,
  member_id uuid unique references public.members (id) on delete set null,
  is_admin boolean not null default false,
  display_name text check (length(display_name) <= 120),
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz
);

create table if not exists app.credentials (
  user_id uuid primary key references auth.users (id) on delete cascade,
  login_phone text unique check (login_phone ~ '^0[0-9]{9,10}$'),
  login_card text unique check (length(login_card) <= 20),
  -- null until the member activates the account with the code from his/her slip: no password matches
  password_hash text,
  must_change_password boolean not null default true,
  password_changed_at timestamptz not null default now()
);

/* One-time activation codes printed on the slips a cell secretary hands out. Only a keyed hash is
   kept (HMAC with the app's secret, so a copy of the database alone cannot test guesses); a code
   is removed when it is used, and refused after expires_at. */
create table if not exists app.activation_codes (
  user_id uuid primary key references auth.users (id) on delete cascade,
  code_hash text not null,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  issued_by uuid references auth.users (id) on delete set null
);

/* Failed and successful sign-ins, for throttling (5 failures per account or per IP in
   15 minutes). Keys are hashed so the table holds no phone numbers or addresses. */
create table if not exists app.login_attempts (
  id bigint generated always as identity primary key,
  key text not null,
  at timestamptz not null default now(),
  succeeded boolean not null
);
create index if not exists login_attempts_key_at_idx on app.login_attempts (key, at desc);

/*
 * Sessions. The cookie carries its session id (sid, a Supabase-shaped claim); a request is
 * signed in only while that row is live and its account active (app.session_is_live). Logout
 * ends one session; a password change ends the user's other sessions; a reset, the loss of a
 * role and leaving the Party end them all. Ending one tells open live streams at once.
 */
create table if not exists app.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  renewed_at timestamptz not null default now(),
  ended_at timestamptz,
  ended_reason text check (ended_reason in ('logout', 'password_changed', 'password_reset', 'role_ended', 'left'))
);
create index if not exists sessions_live_user_idx on app.sessions (user_id) where ended_at is null;

/* Days on which a user opened the app (one row per user and Vietnam day): the "visits" committees
   count, kept without anything about what was read. */
create table if not exists app.visits (
  user_id uuid not null references auth.users (id) on delete cascade,
  day date not null,
  primary key (user_id, day)
);
create index if not exists visits_day_idx on app.visits (day);

/* Browsers that signed in to a login before (a hashed device id + login): the owner's own
   phone is not locked out by failures an attacker causes from elsewhere. */
create table if not exists app.trusted_devices (
  key text primary key,
  last_used_at timestamptz not null default now()
);

-- triggers -------------------------------------------------------------------------------

/* Keeps members.registered_at in step with the account: a member counts as registered from his/her
   first sign-in (an activated account), not from the day a slip was printed. registered_at may
   also come from an import ("Đã đăng ký", registered in an earlier system); it is never moved later. */
create or replace function app.accounts_sync_registration() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.member_id is not null
     and (tg_op = 'DELETE' or old.member_id is distinct from new.member_id) then
    update public.members set registered_at = null where id = old.member_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.member_id is not null and new.last_sign_in_at is not null then
    update public.members set registered_at = new.last_sign_in_at
     where id = new.member_id and (registered_at is null or registered_at > new.last_sign_in_at);
  end if;
  return null;
end
$$;
drop trigger if exists accounts_forget_scope on public.accounts;
create trigger accounts_forget_scope after insert or update or delete on public.accounts
  for each statement execute function app.forget_scope();
drop trigger if exists accounts_sync_registration on public.accounts;
create trigger accounts_sync_registration after insert or update or delete on public.accounts
  for each row execute function app.accounts_sync_registration();

/* A card number equal to the phone is the same login: kept once, as the phone. */
create or replace function app.credentials_one_login_per_identifier() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.login_phone = new.login_card then
    new.login_card := null;
  end if;
  return new;
end
$$;
drop trigger if exists credentials_unique_login on app.credentials;
drop trigger if exists credentials_one_login_per_identifier on app.credentials;
create trigger credentials_one_login_per_identifier before insert or update of login_phone, login_card on app.credentials
  for each row execute function app.credentials_one_login_per_identifier();

/* Phones and card numbers are one space of logins: no login may be another account's phone or
   card, whichever column holds it, or sign-in could reach the wrong account. Every login is a row
   here, so the primary key decides, also between two transactions at once (the second waits and
   fails with 23505), with no lock per login: printing slips for a city sets 20,000 logins in one
   transaction. Kept by statement triggers on app.credentials. */
create table if not exists app.logins (
  login text primary key,
  user_id uuid not null references app.credentials (user_id) on delete cascade
);
create index if not exists logins_user_idx on app.logins (user_id);

create or replace function app.credentials_sync_logins() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    delete from app.logins l
     using (select o.user_id, x.login from old_rows o cross join lateral unnest(array[o.login_phone, o.login_card]) x(login)
             where x.login is not null
            except
            select n.user_id, x.login from new_rows n cross join lateral unnest(array[n.login_phone, n.login_card]) x(login)
             where x.login is not null) gone
     where l.login = gone.login and l.user_id = gone.user_id;
  end if;
  insert into app.logins (login, user_id)
  select x.login, n.user_id from new_rows n cross join lateral unnest(array[n.login_phone, n.login_card]) x(login)
   where x.login is not null
     and not exists (select 1 from app.logins l where l.login = x.login and l.user_id = n.user_id);
  return null;
end
$$;
drop trigger if exists credentials_sync_logins_insert on app.credentials;
create trigger credentials_sync_logins_insert after insert on app.credentials
  referencing new table as new_rows
  for each statement execute function app.credentials_sync_logins();
drop trigger if exists credentials_sync_logins_update on app.credentials;
create trigger credentials_sync_logins_update after update on app.credentials
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.credentials_sync_logins();

-- row-level security -----------------------------------------------------------------------
alter table public.accounts enable row level security;
alter table app.credentials enable row level security;
alter table app.login_attempts enable row level security;
alter table app.activation_codes enable row level security;
alter table app.logins enable row level security;

/* The space of logins is kept by triggers and read by the security definer functions only. */
drop policy if exists "No user reads or writes logins" on app.logins;
create policy "No user reads or writes logins" on app.logins
  for all to authenticated
  using (false)
  with check (false);

/* Codes are written by issue_activation_codes and spent by activate_account only. */
drop policy if exists "No user reads or writes activation codes" on app.activation_codes;
create policy "No user reads or writes activation codes" on app.activation_codes
  for all to authenticated
  using (false)
  with check (false);
alter table app.sessions enable row level security;
alter table app.visits enable row level security;

/* Visits are written by the session check and counted by the registration report's function only. */
drop policy if exists "No user reads or writes visits" on app.visits;
create policy "No user reads or writes visits" on app.visits
  for all to authenticated
  using (false)
  with check (false);
alter table app.trusted_devices enable row level security;

/* Sessions and trusted devices are read and written by the sign-in path and by the security
   definer functions below only. */
drop policy if exists "No user reads or writes sessions" on app.sessions;
create policy "No user reads or writes sessions" on app.sessions
  for all to authenticated
  using (false)
  with check (false);

drop policy if exists "No user reads or writes trusted devices" on app.trusted_devices;
create policy "No user reads or writes trusted devices" on app.trusted_devices
  for all to authenticated
  using (false)
  with check (false);

drop policy if exists "Users can read their own account" on public.accounts;
create policy "Users can read their own account" on public.accounts
  for select to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists "Managers can read accounts of members in their subtree" on public.accounts;
create policy "Managers can read accounts of members in their subtree" on public.accounts
  for select to authenticated
  using (exists (select 1 from public.members m where m.id = accounts.member_id));

/* The owner reads his/her hash (to verify the current password) and sets a new one. */
drop policy if exists "Users can read their own credentials" on app.credentials;
create policy "Users can read their own credentials" on app.credentials
  for select to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists "Users can change their own password" on app.credentials;
create policy "Users can change their own password" on app.credentials
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

/* Throttling data is for the sign-in job only. */
drop policy if exists "No user reads or writes login attempts" on app.login_attempts;
create policy "No user reads or writes login attempts" on app.login_attempts
  for all to authenticated
  using (false)
  with check (false);

-- functions ------------------------------------------------------------------------------

/* Ends the live sessions of a user (all, or all but p_keep) and tells the user's open streams. */
create or replace function app.end_sessions(p_user uuid, p_reason text, p_keep uuid) returns int
language plpgsql volatile security definer
set search_path = ''
as $$
declare ended int;
begin
  update app.sessions set ended_at = now(), ended_reason = p_reason
   where user_id = p_user and ended_at is null and id is distinct from p_keep;
  get diagnostics ended = row_count;
  if ended > 0 then
    perform app.publish('access_changed', 'user:' || p_user, jsonb_build_object('user_id', p_user));
  end if;
  return ended;
end
$$;
revoke all on function app.end_sessions(uuid, text, uuid) from public;

/* Whether a session may still act: not ended, and its account still active (a member who has
   left or died, counted in Vietnam dates, is signed out the day it takes effect). */
create or replace function app.session_is_live(p_sid uuid, p_user uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from app.sessions s
      join public.accounts a on a.user_id = s.user_id
      left join public.members m on m.id = a.member_id
     where s.id = p_sid and s.user_id = p_user and s.ended_at is null
       and (a.member_id is null or (m.deceased_on is null and (m.left_on is null or m.left_on > app.today()))))
$$;
revoke all on function app.session_is_live(uuid, uuid) from public;
grant execute on function app.session_is_live(uuid, uuid) to authenticated, service_role;

/* The check of every request: is the session live, and (for a page the user opens) count the day's visit. */
create or replace function app.session_check(p_sid uuid, p_user uuid, p_visit boolean) returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if not app.session_is_live(p_sid, p_user) then
    return false;
  end if;
  if p_visit then
    insert into app.visits (user_id, day) values (p_user, app.today()) on conflict do nothing;
  end if;
  return true;
end
$$;
revoke all on function app.session_check(uuid, uuid, boolean) from public;

/* The signed-in user ends his/her own session (logout). */
create or replace function public.end_my_session() returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  update app.sessions set ended_at = now(), ended_reason = 'logout'
   where id = ((select auth.jwt()) ->> 'sid')::uuid and user_id = auth.uid() and ended_at is null;
  perform app.publish('access_changed', 'user:' || auth.uid(), jsonb_build_object('user_id', auth.uid()));
end
$$;
revoke all on function public.end_my_session() from public, anon;
grant execute on function public.end_my_session() to authenticated;

/* A new password ends the other sessions: the owner's change keeps the session that made it,
   a reset by a manager keeps none. A reset also clears the sign-in throttle of the login. */
create or replace function app.credentials_password_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.user_id = auth.uid() then
    perform app.end_sessions(new.user_id, 'password_changed', ((select auth.jwt()) ->> 'sid')::uuid);
  else
    perform app.end_sessions(new.user_id, 'password_reset', null);
    delete from app.login_attempts
     where key in (encode(extensions.digest('login:' || new.login_phone, 'sha256'), 'hex'),
                   encode(extensions.digest('login:' || new.login_card, 'sha256'), 'hex'));
  end if;
  return null;
end
$$;
drop trigger if exists credentials_password_changed on app.credentials;
create trigger credentials_password_changed after update of password_hash on app.credentials
  for each row when (old.password_hash is distinct from new.password_hash)
  execute function app.credentials_password_changed();

/* Losing a role (removed, or ended before today) or leaving the Party ends the sessions. */
create or replace function app.access_lost() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  account uuid;
begin
  if tg_table_name = 'org_roles' then
    if tg_op = 'DELETE' or new.member_id is distinct from old.member_id or new.org_id is distinct from old.org_id
       or (new.valid_to is not null and new.valid_to < app.today()) then
      select a.user_id into account from public.accounts a where a.member_id = old.member_id;
      perform app.end_sessions(account, 'role_ended', null) where account is not null;
    end if;
  elsif new.deceased_on is not null or (new.left_on is not null and new.left_on <= app.today()) then
    select a.user_id into account from public.accounts a where a.member_id = new.id;
    perform app.end_sessions(account, 'left', null) where account is not null;
  end if;
  return null;
end
$$;
drop trigger if exists org_roles_access_lost on public.org_roles;
create trigger org_roles_access_lost after update or delete on public.org_roles
  for each row execute function app.access_lost();
drop trigger if exists members_access_lost on public.members;
create trigger members_access_lost after update of left_on, deceased_on on public.members
  for each row when (old.left_on is distinct from new.left_on or old.deceased_on is distinct from new.deceased_on)
  execute function app.access_lost();


/*
 * A secretary gives a member of his/her subtree a login (or resets a forgotten password):
 * creates the account if needed, sets a temporary password that must be changed at the
 * next sign-in, and ends the member's open sessions. Security definer because credentials
 * are not writable by managers.
 *
 * Authority over a person's credentials only flows downwards: every role the member holds
 * (or will hold) must sit strictly below a root of the caller's scope. A cell secretary can
 * reset the cell's members but not the ward secretary whose home is that cell, nor a deputy
 * of the same cell; nobody resets himself/herself here; only an administrator resets an
 * administrator. A refusal is the answer ('not_yours', 'login_taken', 'left', 'no_contact'),
 * not an error, so the page can explain it; 'issued' when done.
 */
drop function if exists public.issue_member_login(uuid, text);

/* Why the caller may not give this member a login, or null when he/she may (raises "not found"
   outside the caller's scope, like a row the policies hide). */
create or replace function app.login_refusal(m public.members) returns text
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if m.id is null or not (m.org_path operator(extensions.<@) any (app.managed_scope())) then
    raise exception 'member not found' using errcode = 'P0002';
  end if;
  if auth.uid() is null or not app.has_authority_over(m.id) then
    return 'not_yours';
  end if;
  if m.deceased_on is not null or (m.left_on is not null and m.left_on <= app.today()) then
    return 'left';
  end if;
  return null;
end
$$;
revoke all on function app.login_refusal(public.members) from public;

/* The logins a member's account gets: the phone, unless another account already signs in with it
   (a family's shared phone: the card number is then the only login), and the card number. Phones
   and card numbers are one space of logins, so a card number written like someone's phone is
   refused too. outcome is 'login_taken' or 'no_contact' when there is no login to give. */
create or replace function app.member_login_plan(m public.members, p_user uuid,
  out outcome text, out login_phone text, out login_card text)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  phone_taken boolean := exists (select 1 from app.logins l where l.login = m.phone and l.user_id is distinct from p_user);
begin
  if m.card_number is null and (m.phone is null or phone_taken) then
    outcome := case when phone_taken then 'login_taken' else 'no_contact' end;
  elsif exists (select 1 from app.logins l where l.login = m.card_number and l.user_id is distinct from p_user) then
    outcome := 'login_taken';
  else
    login_phone := case when phone_taken then null else m.phone end;
    login_card := m.card_number;
  end if;
end
$$;
revoke all on function app.member_login_plan(public.members, uuid) from public;

/* The member's account, made on first need. */
create or replace function app.member_account(m public.members) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare uid uuid;
begin
  select user_id into uid from public.accounts where member_id = m.id;
  if uid is null then
    insert into auth.users (phone) values (null) returning id into uid;
    insert into public.accounts (user_id, member_id, display_name) values (uid, m.id, m.full_name);
  end if;
  return uid;
end
$$;
revoke all on function app.member_account(public.members) from public;

/*
 * A secretary gives a member of his/her subtree a login (or resets a forgotten password):
 * creates the account if needed, sets a temporary password that must be changed at the
 * next sign-in, and ends the member's open sessions. Security definer because credentials
 * are not writable by managers.
 *
 * Authority over a person's credentials only flows downwards: every role the member holds
 * (or will hold) must sit strictly below a root of the caller's scope. A cell secretary can
 * reset the cell's members but not the ward secretary whose home is that cell, nor a deputy
 * of the same cell; nobody resets himself/herself here; only an administrator resets an
 * administrator. A refusal is the answer ('not_yours', 'login_taken', 'left', 'no_contact'),
 * not an error, so the page can explain it; 'issued' when done.
 */
create or replace function public.issue_member_login(p_member_id uuid, p_password_hash text)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  m public.members;
  refusal text;
  plan record;
  uid uuid;
begin
  select * into m from public.members where id = p_member_id;
  refusal := app.login_refusal(m);
  if refusal is not null then
    return refusal;
  end if;
  select user_id into uid from public.accounts where member_id = m.id;
  plan := app.member_login_plan(m, uid);
  if plan.outcome is not null then
    return plan.outcome;
  end if;
  uid := app.member_account(m);
  insert into app.credentials (user_id, login_phone, login_card, password_hash, must_change_password)
  values (uid, plan.login_phone, plan.login_card, p_password_hash, true)
  on conflict (user_id) do update
    set login_phone = excluded.login_phone, login_card = excluded.login_card,
        password_hash = excluded.password_hash, must_change_password = true, password_changed_at = now();
  delete from app.activation_codes where user_id = uid;
  perform app.write_audit('member.login_issued', 'member', m.id, m.org_id,
    jsonb_build_object('login', case when plan.login_phone is null then 'card' else 'phone' end));
  return 'issued';
end
$$;
revoke all on function public.issue_member_login(uuid, text) from public, anon;
grant execute on function public.issue_member_login(uuid, text) to authenticated;

/*
 * Bulk issuing for the activation slips: for each member (in the caller's subtree, under the same
 * authority as issue_member_login) an account whose logins are set but whose password is not, and
 * a one-time code (its keyed hash, made by the app) valid until p_expires_at. The member chooses
 * his/her own password with the code (app.activate_account). p_mode says who is skipped, with the
 * reason as outcome: 'missing' skips 'activated' (has a password: his/her own, or a temporary one
 * a secretary gave in person) and 'has_code' (a code still valid); 'reissue' replaces valid codes
 * (the old slips stop working); 'reset' (a forgotten password, from the profile) also clears a
 * password and ends the sessions. Each member's row is locked while it is decided, so two
 * printings at once for the same people issue one code each, never a slip that is already void. The refusals of
 * issue_member_login apply to all. One row per member given, in the order given; login is what
 * the slip prints.
 */
drop function if exists public.issue_activation_codes(uuid[], text[], timestamptz, boolean);
create or replace function public.issue_activation_codes(p_member_ids uuid[], p_code_hashes text[], p_expires_at timestamptz, p_mode text)
returns table (member_id uuid, outcome text, login text)
language plpgsql volatile security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  m public.members;
  plan record;
  uid uuid;
  activated boolean;
  has_code boolean;
  i int;
begin
  if auth.uid() is null or p_expires_at <= now() or p_expires_at > now() + interval '180 days'
     or cardinality(p_member_ids) is distinct from cardinality(p_code_hashes) or p_mode not in ('missing', 'reissue', 'reset') then
    raise exception 'bad activation request' using errcode = '22023';
  end if;
  for i in 1 .. cardinality(p_member_ids) loop
    -- a city's printing grows these tables many times over: plans made when they were small
    -- would scan them whole for every member (app.refresh_statistics)
    if i % 1000 = 0 then
      perform app.refresh_statistics(t)
         from unnest('{public.accounts, app.credentials, app.logins, app.activation_codes, public.audit_log, auth.users}'::regclass[]) t;
    end if;
    member_id := p_member_ids[i];
    login := null;
    select * into m from public.members where id = member_id for no key update;
    outcome := app.login_refusal(m);
    if outcome is null then
      select a.user_id, c.password_hash is not null, ac.expires_at > now()
        into uid, activated, has_code
        from public.accounts a
        left join app.credentials c on c.user_id = a.user_id
        left join app.activation_codes ac on ac.user_id = a.user_id
       where a.member_id = m.id;
      plan := app.member_login_plan(m, uid);
      outcome := case when activated and p_mode <> 'reset' then 'activated' when has_code and p_mode = 'missing' then 'has_code' else plan.outcome end;
    end if;
    if outcome is null then
      uid := app.member_account(m);
      insert into app.credentials (user_id, login_phone, login_card, password_hash, must_change_password)
      values (uid, plan.login_phone, plan.login_card, null, false)
      on conflict (user_id) do update
        set login_phone = excluded.login_phone, login_card = excluded.login_card,
            password_hash = null, must_change_password = false, password_changed_at = now();
      insert into app.activation_codes (user_id, code_hash, expires_at, issued_by)
      values (uid, p_code_hashes[i], p_expires_at, auth.uid())
      on conflict (user_id) do update
        set code_hash = excluded.code_hash, issued_at = now(), expires_at = excluded.expires_at, issued_by = excluded.issued_by;
      perform app.write_audit('member.activation_issued', 'member', m.id, m.org_id,
        jsonb_build_object('login', case when plan.login_phone is null then 'card' else 'phone' end, 'expires_at', p_expires_at));
      outcome := 'issued';
      login := coalesce(plan.login_phone, plan.login_card);
    end if;
    return next;
  end loop;
end
$$;
revoke all on function public.issue_activation_codes(uuid[], text[], timestamptz, text) from public, anon;
grant execute on function public.issue_activation_codes(uuid[], text[], timestamptz, text) to authenticated;

/*
 * The member activates his/her account (no user yet: the sign-in path calls this as a system job
 * after checking the code and the birth date). The code is removed in the same statement that
 * checks it, so a code works once even when two devices send it at the same moment.
 */
create or replace function app.activate_account(p_user uuid, p_code_hash text, p_password_hash text) returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  delete from app.activation_codes where user_id = p_user and code_hash = p_code_hash and expires_at > now();
  if not found then
    return false;
  end if;
  update app.credentials set password_hash = p_password_hash, must_change_password = false, password_changed_at = now()
   where user_id = p_user;
  return true;
end
$$;
revoke all on function app.activate_account(uuid, text, text) from public;

-- grants ---------------------------------------------------------------------------------
grant select on public.accounts to authenticated;
grant select (user_id, password_hash, must_change_password) on app.credentials to authenticated;
grant update (password_hash, must_change_password, password_changed_at) on app.credentials to authenticated;
