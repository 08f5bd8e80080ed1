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
  password_hash text not null,
  must_change_password boolean not null default true,
  password_changed_at timestamptz not null default now()
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

-- triggers -------------------------------------------------------------------------------

/* Keeps members.registered_at in step with the account link, so registration statistics
   are one scan of members under the same policy as the member list. */
create or replace function app.accounts_sync_registration() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.member_id is not null
     and (tg_op = 'DELETE' or old.member_id is distinct from new.member_id) then
    update public.members set registered_at = null where id = old.member_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.member_id is not null then
    update public.members set registered_at = coalesce(registered_at, new.created_at) where id = new.member_id;
  end if;
  return null;
end
$$;
drop trigger if exists accounts_sync_registration on public.accounts;
create trigger accounts_sync_registration after insert or update or delete on public.accounts
  for each row execute function app.accounts_sync_registration();

-- row-level security -----------------------------------------------------------------------
alter table public.accounts enable row level security;
alter table app.credentials enable row level security;
alter table app.login_attempts enable row level security;

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

/*
 * A secretary gives a member of his/her subtree a login (or resets a forgotten password):
 * creates the account if needed, sets a temporary password that must be changed at the
 * next sign-in. Security definer because credentials are not writable by managers; the
 * scope check below is the same rule as the members policies.
 */
create or replace function public.issue_member_login(p_member_id uuid, p_password_hash text)
returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  m public.members;
  uid uuid;
begin
  select * into m from public.members where id = p_member_id;
  if m.id is null or not (m.org_path operator(extensions.<@) any (app.managed_scope())) then
    raise exception 'member not found' using errcode = 'P0002';
  end if;
  if m.phone is null and m.card_number is null then
    raise exception 'member has neither phone nor card number' using errcode = '22023';
  end if;
  select user_id into uid from public.accounts where member_id = p_member_id;
  if uid is null then
    insert into auth.users (phone) values (null) returning id into uid;
    insert into public.accounts (user_id, member_id, display_name) values (uid, m.id, m.full_name);
  end if;
  insert into app.credentials (user_id, login_phone, login_card, password_hash, must_change_password)
  values (uid, m.phone, m.card_number, p_password_hash, true)
  on conflict (user_id) do update
    set login_phone = excluded.login_phone, login_card = excluded.login_card,
        password_hash = excluded.password_hash, must_change_password = true, password_changed_at = now();
  perform app.write_audit('member.login_issued', 'member', m.id, m.org_id, '{}'::jsonb);
  return uid;
end
$$;
revoke all on function public.issue_member_login(uuid, text) from public, anon;
grant execute on function public.issue_member_login(uuid, text) to authenticated;

-- grants ---------------------------------------------------------------------------------
grant select on public.accounts to authenticated;
grant select (user_id, password_hash, must_change_password) on app.credentials to authenticated;
grant update (password_hash, must_change_password, password_changed_at) on app.credentials to authenticated;
