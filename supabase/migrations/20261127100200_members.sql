/*
 * Members (đảng viên) and the roles they hold in organizations. A member belongs to
 * exactly one home cell (org_id). Records are sensitive personal data: list pages show
 * few fields, the full profile is visible only in scope, and every change is audited.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.members (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_path extensions.ltree not null,
  org_key text collate "C" generated always as (org_path::text) stored,
  full_name text not null check (length(full_name) between 1 and 120),
  other_names text check (length(other_names) <= 200),
  birth_date date check (birth_date >= '1900-01-01'),
  gender text check (gender in ('male', 'female')),
  ethnicity text check (length(ethnicity) <= 60),
  religion text check (length(religion) <= 60),
  hometown text check (length(hometown) <= 300),
  birthplace text check (length(birthplace) <= 300),
  permanent_address text check (length(permanent_address) <= 300),
  current_address text check (length(current_address) <= 300),
  phone text check (phone ~ '^0[0-9]{9,10}$'),
  email text check (length(email) <= 200),
  citizen_id text check (citizen_id ~ '^[0-9]{12}$'),
  card_number text check (card_number ~ '^[0-9A-Z.\-]{4,20}$'),
  admitted_on date,
  official_on date,
  education text check (length(education) <= 120),
  theory_level text check (length(theory_level) <= 120),
  occupation text check (length(occupation) <= 200),
  position text check (length(position) <= 200),
  rewards text check (length(rewards) <= 2000),
  discipline text check (length(discipline) <= 2000),
  status text not null default 'probationary' check (status in ('probationary', 'official')),
  exempt boolean not null default false,
  exempt_reason text check (length(exempt_reason) <= 500),
  deceased_on date,
  left_on date,
  registered_at timestamptz,
  search_name text generated always as (app.search_key(full_name || ' ' || coalesce(other_names, ''))) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (official_on is null or admitted_on is null or official_on >= admitted_on)
);

/* Roles of members in organizations, with dates: who may manage which subtree. */
create table if not exists public.org_roles (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  member_id uuid not null references public.members (id),
  role text not null check (role in ('secretary', 'deputy_secretary', 'committee_member', 'staff')),
  valid_from date not null default app.today(),
  valid_to date,
  created_at timestamptz not null default now(),
  check (valid_to is null or valid_to >= valid_from)
);

-- indexes ------------------------------------------------------------------------------
create index if not exists members_org_name_idx on public.members (org_id, full_name);
create index if not exists members_org_path_gist on public.members using gist (org_path);
-- org_key (the policies' range) has no index on purpose: see narrowing() in members.queries.ts
create index if not exists members_name_idx on public.members (full_name, id);
create index if not exists members_search_trgm on public.members using gin (search_name extensions.gin_trgm_ops);
create unique index if not exists members_card_number_key on public.members (card_number) where card_number is not null;
create unique index if not exists members_citizen_id_key on public.members (citizen_id) where citizen_id is not null;
create index if not exists org_roles_member_idx on public.org_roles (member_id);
create index if not exists org_roles_org_idx on public.org_roles (org_id);

-- triggers -------------------------------------------------------------------------------

/* A member row carries its cell's path so that policies check scope with a few ltree
   comparisons per row; callers never set it. */
create or replace function app.members_set_org_path() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  select o.path into new.org_path from public.organizations o where o.id = new.org_id;
  if new.org_path is null then
    raise exception 'organization not found' using errcode = '23503';
  end if;
  return new;
end
$$;
drop trigger if exists members_set_org_path on public.members;
create trigger members_set_org_path before insert or update of org_id on public.members
  for each row execute function app.members_set_org_path();

drop trigger if exists organizations_sync_member_paths on public.organizations;
create trigger organizations_sync_member_paths after update of path on public.organizations
  for each row when (old.path is distinct from new.path) execute function app.organizations_sync_member_paths();

/* Every change to a member record is audited: who, when, which fields. Inserts list the
   fields set rather than their values, so the log does not become a second register. */
create or replace function app.members_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare diff jsonb;
begin
  if tg_op = 'INSERT' then
    perform app.write_audit('member.create', 'member', new.id, new.org_id,
      jsonb_build_object('fields', (select jsonb_agg(key) from jsonb_each(to_jsonb(new))
                                     where value <> 'null'::jsonb and key not in ('id', 'search_name', 'org_path', 'org_key', 'created_at', 'updated_at'))));
  elsif tg_op = 'UPDATE' then
    diff := app.row_diff(to_jsonb(old), to_jsonb(new));
    if diff <> '{}'::jsonb then
      perform app.write_audit('member.update', 'member', new.id, new.org_id, diff);
    end if;
  else
    perform app.write_audit('member.delete', 'member', old.id, old.org_id, jsonb_build_object('full_name', old.full_name));
  end if;
  return null;
end
$$;
drop trigger if exists members_audit on public.members;
create trigger members_audit after insert or update or delete on public.members
  for each row execute function app.members_audit();

create or replace function app.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists members_touch on public.members;
create trigger members_touch before update on public.members
  for each row execute function app.touch_updated_at();

/* Role changes decide who sees what: audit them too. */
create or replace function app.org_roles_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare r public.org_roles;
begin
  r := coalesce(new, old);
  perform app.write_audit('org_role.' || lower(tg_op), 'org_role', r.id, r.org_id,
    jsonb_build_object('member_id', r.member_id, 'role', r.role, 'valid_from', r.valid_from, 'valid_to', r.valid_to));
  return null;
end
$$;
drop trigger if exists org_roles_audit on public.org_roles;
create trigger org_roles_audit after insert or update or delete on public.org_roles
  for each row execute function app.org_roles_audit();

/*
 * Authority over a person flows only downwards: the signed-in user may act on what decides
 * another member's access (credentials, leaving, death) only when every role that
 * member holds or will hold sits strictly below a root of the user's scope. Not oneself, not a
 * peer of the same organization, not a superior; an administrator only by an administrator.
 * System jobs (no signed-in user) are not asked.
 */
create or replace function app.has_authority_over(p_member_id uuid) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if auth.uid() is null or app.is_admin() then
    return true;
  end if;
  return p_member_id is distinct from app.current_member_id()
    and not exists (select 1 from public.accounts a where a.member_id = p_member_id and a.is_admin)
    and not exists (select 1 from public.org_roles r join public.organizations o on o.id = r.org_id
                     where r.member_id = p_member_id and (r.valid_to is null or r.valid_to >= app.today())
                       and not exists (select 1 from unnest(app.managed_scope()) root
                                        where o.path operator(extensions.<@) root and o.path operator(extensions.<>) root));
end
$$;
revoke all on function app.has_authority_over(uuid) from public;
grant execute on function app.has_authority_over(uuid) to authenticated, service_role;

/* Recording that a superior or a peer left or died would lock him/her out as surely as resetting
   the password, and the phone and card number become his/her logins at the next reset: the same
   authority is required for those (moving within one's scope locks nobody out). */
create or replace function app.members_guard_superiors() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if (tg_op = 'DELETE' or new.left_on is distinct from old.left_on or new.deceased_on is distinct from old.deceased_on
      or new.phone is distinct from old.phone or new.card_number is distinct from old.card_number)
     and not app.has_authority_over(old.id) then
    raise exception 'only a wider scope may change this member''s standing' using errcode = '42501';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
drop trigger if exists members_guard_superiors on public.members;
create trigger members_guard_superiors before update of left_on, deceased_on, phone, card_number or delete on public.members
  for each row execute function app.members_guard_superiors();

-- row-level security -----------------------------------------------------------------------
alter table public.members enable row level security;
alter table public.org_roles enable row level security;

/* A member reads his/her own full record. */
drop policy if exists "Members can read their own record" on public.members;
create policy "Members can read their own record" on public.members
  for select to authenticated
  using (id = (select app.current_member_id()));

/* Secretaries, deputies, committee members and staff read the members of their subtree. */
select app.define_policy('public.members', 'Managers can read members of their subtree', 'select',
  using_sql => $p$app.in_scope(org_key, org_path)$p$);

select app.define_policy('public.members', 'Managers can add members to their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key, org_path)$p$);

/* Updates must stay inside the subtree: moving a member out is a transfer, not an edit. */
select app.define_policy('public.members', 'Managers can update members of their subtree', 'update',
  using_sql => $p$app.in_scope(org_key, org_path)$p$,
  check_sql => $p$app.in_scope(org_key, org_path)$p$);

select app.define_policy('public.members', 'Managers can delete members of their subtree', 'delete',
  using_sql => $p$app.in_scope(org_key, org_path)$p$);

/* Roles are public within the readable tree (who is the secretary of my cell). A lookup per
   role, not "org_id in (every readable organization)": that hashed a province's 157,000
   organizations to read one user's two roles (160 ms; 1 ms so). */
drop policy if exists "Users can read roles in organizations they can read" on public.org_roles;
create policy "Users can read roles in organizations they can read" on public.org_roles
  for select to authenticated
  using (exists (select 1 from public.organizations o where o.id = org_roles.org_id));

/* Only committee managers appoint: a cell secretary cannot appoint himself/herself. */
drop policy if exists "Committee managers can assign roles in their subtree" on public.org_roles;
create policy "Committee managers can assign roles in their subtree" on public.org_roles
  for insert to authenticated
  with check (org_id in (select o.id from public.organizations o where o.path operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])));

drop policy if exists "Committee managers can change roles in their subtree" on public.org_roles;
create policy "Committee managers can change roles in their subtree" on public.org_roles
  for update to authenticated
  using (org_id in (select o.id from public.organizations o where o.path operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])))
  with check (org_id in (select o.id from public.organizations o where o.path operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])));

drop policy if exists "Committee managers can remove roles in their subtree" on public.org_roles;
create policy "Committee managers can remove roles in their subtree" on public.org_roles
  for delete to authenticated
  using (org_id in (select o.id from public.organizations o where o.path operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])));

-- functions ------------------------------------------------------------------------------

/* The roster of the caller's own cell: names, positions and statuses only. Security
   definer because an ordinary member may not read cell-mates' full records. */
create or replace function public.my_cell_roster()
returns table (id uuid, full_name text, "position" text, status text, exempt boolean)
language sql stable security definer
set search_path = ''
as $$
  select m.id, m.full_name, m.position, m.status, m.exempt
  from public.members m
  where m.org_id = (select me.org_id from public.members me where me.id = app.current_member_id())
    and m.deceased_on is null and m.left_on is null
  order by m.full_name
  limit 500
$$;
revoke all on function public.my_cell_roster() from public, anon;
grant execute on function public.my_cell_roster() to authenticated;

-- grants ---------------------------------------------------------------------------------
grant select, insert, update, delete on public.members to authenticated;
grant select, insert, update, delete on public.org_roles to authenticated;

/*
 * Accent-insensitive name search inside the caller's scope. Under RLS a LIKE on the name
 * cannot use the trigram index (it is not leakproof, so it must run after the policy, row
 * by row); this function uses the index first and applies the same scope rule as the
 * policies, returning at most p_limit ids. The list then reads those rows under RLS.
 */
create or replace function public.member_ids_matching(p_query text, p_limit int default 10000)
returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  pattern text := app.contains_pattern(p_query);
  narrow uuid[] := app.small_scope_org_ids();
  found uuid[];
begin
  if narrow is not null then
    -- a cell or a ward: its few members by organization, not a province's namesakes by trigram
    select coalesce(array_agg(id), '{}') into found from (
      select m.id from public.members m
       where m.search_name like pattern
         and (m.org_id = any (narrow) or m.id = app.current_member_id())
       limit least(p_limit, 10000)) hits;
    return found;
  end if;
  -- the pattern as a literal (dynamic SQL): planned with a parameter instead, the planner cannot
  -- tell a rare name from "nguyen van" and read a province's million rows (450 ms, 30 ms so).
  -- The scope filters the trigram hits afterwards (offset 0 keeps it out of the index scan):
  -- offered as an index condition, the planner may intersect the hits with a province's million
  -- GiST entries (90 ms).
  execute pg_catalog.format(
    $q$select coalesce(array_agg(id), '{}') from (
         select h.id from (select m.id, m.org_path from public.members m where m.search_name like %L offset 0) h
          where h.org_path operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])
             or h.id = (select app.current_member_id())
          limit %s) hits$q$,
    pattern, least(greatest(p_limit, 0), 10000))
    into found;
  return found;
end
$$;
revoke all on function public.member_ids_matching(text, int) from public, anon;
grant execute on function public.member_ids_matching(text, int) to authenticated;

/* The organizations above the caller's home cell, top first, for the same reason as
   app.scope_head_ids (org_tree migration): each is readable under the organizations policy,
   which lets members see their own ancestors. */
create or replace function app.home_ancestor_ids() returns uuid[]
language sql stable security definer
set search_path = ''
as $$
  select coalesce(array_agg(a.id order by extensions.nlevel(a.path)), '{}')
    from public.members m
    join public.organizations h on h.id = m.org_id
    join public.organizations a
      on a.valid_to is null
     and a.path operator(extensions.=) any (array(select extensions.subpath(h.path, 0, n)
                                                  from pg_catalog.generate_series(1, extensions.nlevel(h.path) - 1) n))
   where m.id = app.current_member_id()
$$;
revoke all on function app.home_ancestor_ids() from public, anon;
grant execute on function app.home_ancestor_ids() to authenticated, service_role;

-- names as the caller may know them (shared by every feature that shows who did what) ----------
/* A member's name as the caller may know it: through the roster of his/her own cell, or the
   member records the caller's policies allow. Runs as the caller, so RLS decides. */
create or replace function app.visible_member_name(p_member_id uuid) returns text
language sql stable security invoker
set search_path = ''
as $$
  select r.full_name from public.my_cell_roster() r where r.id = p_member_id
  union all
  select m.full_name from public.members m where m.id = p_member_id
  limit 1
$$;
grant execute on function app.visible_member_name(uuid) to authenticated, service_role;

-- live streams re-check access when it changes ----------------------------------------------
drop trigger if exists members_access_changed on public.members;
create trigger members_access_changed after update of org_id, left_on, deceased_on on public.members
  for each row when (old.org_id is distinct from new.org_id or old.left_on is distinct from new.left_on
                     or old.deceased_on is distinct from new.deceased_on)
  execute function app.access_changed('id');

drop trigger if exists org_roles_forget_scope on public.org_roles;
create trigger org_roles_forget_scope after insert or update or delete on public.org_roles
  for each statement execute function app.forget_scope();
drop trigger if exists members_forget_scope on public.members;
create trigger members_forget_scope after update or delete on public.members
  for each statement execute function app.forget_scope();
drop trigger if exists org_roles_access_changed on public.org_roles;
create trigger org_roles_access_changed after insert or update or delete on public.org_roles
  for each row execute function app.access_changed('member_id');

-- spreadsheet import ---------------------------------------------------------------------------
/*
 * Spreadsheet import of members: the checked rows of an upload wait here between the
 * dry-run preview and the commit, so the user does not upload twice and the commit
 * imports exactly what the preview showed. Only the uploader sees his/her imports.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.member_imports (
  id uuid primary key default gen_random_uuid(),
  created_by uuid not null default auth.uid(),
  org_id uuid not null references public.organizations (id),
  file_name text not null check (length(file_name) <= 255),
  rows jsonb not null,
  row_count int not null,
  error_count int not null,
  created_at timestamptz not null default now(),
  committed_at timestamptz
);
create index if not exists member_imports_owner_idx on public.member_imports (created_by, created_at desc);
create index if not exists member_imports_created_idx on public.member_imports (created_at);

/* Staged rows hold personal data (citizen ids, addresses) for the preview only: a commit empties
   them, and nothing staged outlives a day. Every new upload sweeps what has expired, whoever
   staged it (security definer: the uploader cannot see others' imports). */
create or replace function app.member_imports_expire() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from public.member_imports where created_at < now() - interval '24 hours';
  return null;
end
$$;
drop trigger if exists member_imports_expire on public.member_imports;
create trigger member_imports_expire after insert on public.member_imports
  for each statement execute function app.member_imports_expire();

-- row-level security -----------------------------------------------------------------------
alter table public.member_imports enable row level security;

drop policy if exists "Uploaders can read their own imports" on public.member_imports;
create policy "Uploaders can read their own imports" on public.member_imports
  for select to authenticated
  using (created_by = (select auth.uid()) and created_at > now() - interval '24 hours');

/* An import targets an organization the uploader manages. */
drop policy if exists "Managers can stage imports into their subtree" on public.member_imports;
create policy "Managers can stage imports into their subtree" on public.member_imports
  for insert to authenticated
  with check (created_by = (select auth.uid())
              and org_id in (select o.id from public.organizations o where o.path operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])));

drop policy if exists "Uploaders can mark their own imports committed" on public.member_imports;
create policy "Uploaders can mark their own imports committed" on public.member_imports
  for update to authenticated
  using (created_by = (select auth.uid()) and created_at > now() - interval '24 hours')
  with check (created_by = (select auth.uid()));

drop policy if exists "Uploaders can discard their own imports" on public.member_imports;
create policy "Uploaders can discard their own imports" on public.member_imports
  for delete to authenticated
  using (created_by = (select auth.uid()));

-- functions ------------------------------------------------------------------------------

/*
 * Which of the given identifiers already exist. Card and citizen id numbers are unique
 * nationwide, so they are checked against every record (only the fact is revealed, not
 * the record); name + birth date only within the caller's own scope, where a clash means
 * a likely duplicate rather than a namesake. Only those who may add members ask (an ordinary
 * member gets nothing), at most one large import's worth per call, and every call is audited
 * with its size, so the check cannot serve as a quiet oracle of who is a Party member.
 */
create or replace function public.member_duplicate_keys(p_cards text[], p_citizen_ids text[], p_name_births text[])
returns table (kind text, key text)
language plpgsql volatile security definer
set search_path = ''
as $$
declare scope extensions.ltree[] := app.managed_scope();
begin
  if cardinality(scope) = 0 then
    return;
  end if;
  if coalesce(cardinality(p_cards), 0) + coalesce(cardinality(p_citizen_ids), 0) > 200000 then
    raise exception 'too many identifiers' using errcode = '22023';
  end if;
  perform app.write_audit('member.duplicate_check', 'member', null, null,
    jsonb_build_object('cards', coalesce(cardinality(p_cards), 0), 'citizen_ids', coalesce(cardinality(p_citizen_ids), 0)));
  return query
    select 'card_number'::text, m.card_number from public.members m where m.card_number = any (p_cards)
    union all
    select 'citizen_id'::text, m.citizen_id from public.members m where m.citizen_id = any (p_citizen_ids)
    union all
    select 'name_birth'::text, app.search_key(m.full_name) || '|' || m.birth_date
      from public.members m
     where m.org_path operator(extensions.<@) any (scope)
       and (app.search_key(m.full_name) || '|' || m.birth_date) = any (p_name_births);
end
$$;
revoke all on function public.member_duplicate_keys(text[], text[], text[]) from public, anon;
grant execute on function public.member_duplicate_keys(text[], text[], text[]) to authenticated;

-- grants ---------------------------------------------------------------------------------
grant select, insert, update, delete on public.member_imports to authenticated;

-- the registration report's counts (app.registration_counts): 20261127100350_registration_rollup.sql
