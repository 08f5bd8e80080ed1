/*
 * The Party organization tree: province → commune → grassroots → sub-committee → cell →
 * party group, of unlimited depth. Each node carries an ltree path (labels are the codes
 * of its ancestors) so a subtree is one index range. Nodes are never deleted: a merge or
 * dissolution closes them (valid_to, merged_into), keeping history.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.organizations (
  id uuid primary key default gen_random_uuid(),
  parent_id uuid references public.organizations (id),
  path extensions.ltree not null,
  code text not null check (code ~ '^[a-z0-9_]{1,60}$'),
  name text not null check (length(name) between 1 and 200),
  -- the code a committee prints and types (or the national database's code): letters, digits
  -- and . - _ , unique among open organizations whatever the case (index below). `code` and
  -- `path` stay internal: built from the name plus a random suffix, nobody knows them in advance.
  short_code text check (short_code ~ '^[A-Za-z0-9._-]{1,30}$'),
  kind text not null check (kind in ('province_committee', 'commune_committee', 'grassroots_committee',
                                     'grassroots_cell', 'sub_committee', 'cell', 'party_group')),
  valid_from date not null default app.today(),
  valid_to date,
  merged_into uuid references public.organizations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (valid_to is null or valid_to >= valid_from)
);

/*
 * Which kind of organization may sit directly under which (DOMAIN.md: province → commune →
 * grassroots committee / grassroots cell → sub-committee → cell → party group). Data, not
 * code: a rule changes by a migration, and the trigger below and the forms read the same rows.
 *   province_committee   → commune_committee; grassroots bodies directly under the province
 *                          (agencies, companies): grassroots_committee, grassroots_cell
 *   commune_committee    → grassroots_committee, grassroots_cell
 *   grassroots_committee → sub_committee, cell
 *   sub_committee        → cell
 *   grassroots_cell, cell → party_group
 *   party_group          → nothing
 * A root (no parent) may be of any kind: a deployment may serve one province, or one commune.
 */
create table if not exists public.org_kind_rules (
  parent_kind text not null check (parent_kind in ('province_committee', 'commune_committee', 'grassroots_committee',
                                                   'grassroots_cell', 'sub_committee', 'cell', 'party_group')),
  child_kind text not null check (child_kind in ('province_committee', 'commune_committee', 'grassroots_committee',
                                                 'grassroots_cell', 'sub_committee', 'cell', 'party_group')),
  primary key (parent_kind, child_kind)
);

insert into public.org_kind_rules (parent_kind, child_kind) values
  ('province_committee', 'commune_committee'),
  ('province_committee', 'grassroots_committee'),
  ('province_committee', 'grassroots_cell'),
  ('commune_committee', 'grassroots_committee'),
  ('commune_committee', 'grassroots_cell'),
  ('grassroots_committee', 'sub_committee'),
  ('grassroots_committee', 'cell'),
  ('sub_committee', 'cell'),
  ('grassroots_cell', 'party_group'),
  ('cell', 'party_group')
on conflict do nothing;

-- indexes ------------------------------------------------------------------------------
create unique index if not exists organizations_active_path_key on public.organizations (path) where valid_to is null;
create index if not exists organizations_path_gist on public.organizations using gist (path);
create index if not exists organizations_parent_idx on public.organizations (parent_id);
-- the policies' key range (app.scope_bounds) over organizations: see app.small_scope_org_ids
create index if not exists organizations_key_idx on public.organizations (((path::text) collate "C"));
create unique index if not exists organizations_active_short_code_key on public.organizations (lower(short_code))
  where valid_to is null and short_code is not null;

/*
 * An organization import's dry run, kept until the uploader commits it (at most a day): the
 * file's cells as read, re-checked against the tree when committed. Names of organizations are
 * not personal data, but nothing staged is kept longer than the member import keeps its own.
 */
create table if not exists public.org_imports (
  id uuid primary key default gen_random_uuid(),
  created_by uuid not null default auth.uid(),
  file_name text not null check (length(file_name) <= 255),
  rows jsonb not null,
  created_at timestamptz not null default now(),
  committed_at timestamptz
);
create index if not exists org_imports_owner_idx on public.org_imports (created_by, created_at desc);
create index if not exists org_imports_created_idx on public.org_imports (created_at);

/* Every new upload sweeps what has expired, whoever staged it (the uploader sees only his/her own). */
create or replace function app.org_imports_expire() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from public.org_imports where created_at < now() - interval '24 hours';
  return null;
end
$$;
drop trigger if exists org_imports_expire on public.org_imports;
create trigger org_imports_expire after insert on public.org_imports
  for each statement execute function app.org_imports_expire();

-- triggers -------------------------------------------------------------------------------

/* A new node's path is its parent's path plus its own code; callers never set it. */
create or replace function app.organizations_set_path() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare parent_path extensions.ltree;
begin
  if new.parent_id is null then
    new.path := new.code::extensions.ltree;
  else
    select p.path into parent_path from public.organizations p where p.id = new.parent_id;
    if parent_path is null then
      raise exception 'parent organization not found' using errcode = '23503';
    end if;
    new.path := parent_path operator(extensions.||) new.code::extensions.ltree;
  end if;
  return new;
end
$$;
drop trigger if exists organizations_set_path on public.organizations;
create trigger organizations_set_path before insert on public.organizations
  for each row execute function app.organizations_set_path();

/* Moving a node under another parent is allowed only into a subtree the user may
   restructure, and never under its own descendant. Admins may do anything. */
create or replace function app.organizations_guard_move() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.parent_id is distinct from old.parent_id then
    if new.parent_id is null and not app.is_admin() then
      raise exception 'only an administrator can make a root organization' using errcode = '42501';
    end if;
    if new.parent_id is not null and not exists (
         select 1 from public.organizations p
          where p.id = new.parent_id and p.path operator(extensions.<@) any (app.managed_scope(true))) then
      raise exception 'target parent is outside your scope' using errcode = '42501';
    end if;
  end if;
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists organizations_guard_move on public.organizations;
create trigger organizations_guard_move before update on public.organizations
  for each row execute function app.organizations_guard_move();

/*
 * A node's kind must be allowed under its parent's kind (public.org_kind_rules), when it is
 * created, moved (parent_id) or retyped (kind); a retyped node must still accept its open
 * children. Refusals are check violations (23514) naming the constraint org_kind_rules, which
 * the app turns into a Vietnamese message. Named to fire after organizations_guard_move, so a
 * move to a target outside the user's scope is refused as such (42501) first. Security
 * definer: the rules are read whatever the caller may read. The demo seed inserts with
 * triggers off (session_replication_role = replica); a test checks that its tree obeys.
 */
create or replace function app.organizations_kind_check() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_parent_kind text;
  misfit text;
begin
  if tg_op = 'UPDATE' and new.parent_id is not distinct from old.parent_id and new.kind = old.kind then
    return new;
  end if;
  if new.parent_id is not null then
    select p.kind into v_parent_kind from public.organizations p where p.id = new.parent_id;
    -- a missing parent is organizations_set_path's error (23503)
    if v_parent_kind is not null and not exists (
         select 1 from public.org_kind_rules r where r.parent_kind = v_parent_kind and r.child_kind = new.kind) then
      raise exception 'an organization of kind % cannot be placed under one of kind %', new.kind, v_parent_kind
        using errcode = '23514', constraint = 'org_kind_rules';
    end if;
  end if;
  if tg_op = 'UPDATE' and new.kind <> old.kind then
    select c.kind into misfit from public.organizations c
     where c.parent_id = new.id and c.valid_to is null
       and not exists (select 1 from public.org_kind_rules r where r.parent_kind = new.kind and r.child_kind = c.kind)
     limit 1;
    if misfit is not null then
      raise exception 'an organization of kind % cannot hold its child of kind %', new.kind, misfit
        using errcode = '23514', constraint = 'org_kind_rules';
    end if;
  end if;
  return new;
end
$$;
drop trigger if exists organizations_kind_check on public.organizations;
create trigger organizations_kind_check before insert or update of parent_id, kind on public.organizations
  for each row execute function app.organizations_kind_check();

/* Every change to the tree is audited. */
create or replace function app.organizations_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare diff jsonb;
begin
  if tg_op = 'INSERT' then
    perform app.write_audit('organization.create', 'organization', new.id, new.id,
      jsonb_build_object('name', new.name, 'kind', new.kind, 'parent_id', new.parent_id));
    return null;
  end if;
  -- descendants of a moved node only change path: their move is recorded on the node itself
  diff := app.row_diff(to_jsonb(old) - 'path', to_jsonb(new) - 'path');
  if diff <> '{}'::jsonb then
    perform app.write_audit('organization.update', 'organization', new.id, new.id, diff);
  end if;
  return null;
end
$$;
drop trigger if exists organizations_audit on public.organizations;
create trigger organizations_audit after insert or update on public.organizations
  for each row execute function app.organizations_audit();

/* Members carry their cell's path (see members); keep it right when a subtree moves. */
create or replace function app.organizations_sync_member_paths() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.members set org_path = new.path where org_id = new.id;
  return null;
end
$$;

/*
 * Rows of many features copy their organization's path as a text key (org_key, task_key) so
 * that policies compare strings instead of joining the tree. When a subtree moves, every copy
 * is rewritten in the same statement's transaction. The columns are found in the catalog
 * (every non-generated text column named org_key or task_key in public and app), so a new
 * feature's table is carried along without being listed here; a test reads the same catalog.
 */
create or replace function app.org_key_columns() returns table (table_name regclass, column_name name)
language sql stable
set search_path = ''
as $$
  select c.oid::regclass, a.attname
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname in ('public', 'app') and c.relkind in ('r', 'p')
     and a.attname in ('org_key', 'task_key') and a.attgenerated = '' and not a.attisdropped
     and a.atttypid = 'pg_catalog.text'::pg_catalog.regtype
$$;

create or replace function app.organizations_rekey() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  old_keys text[];
  new_keys text[];
  target record;
begin
  select array_agg(o.path::text), array_agg(n.path::text) into old_keys, new_keys
    from old_nodes o join new_nodes n on n.id = o.id
   where o.path::text <> n.path::text;
  if old_keys is null then
    return null;
  end if;
  perform pg_catalog.set_config('app.rekeying', 'on', true);
  for target in select * from app.org_key_columns() loop
    execute pg_catalog.format(
      'update %s t set %I = m.new_key from unnest($1::text[], $2::text[]) m (old_key, new_key) where t.%I = m.old_key',
      target.table_name, target.column_name, target.column_name)
      using old_keys, new_keys;
  end loop;
  perform pg_catalog.set_config('app.rekeying', 'off', true);
  return null;
end
$$;
drop trigger if exists organizations_forget_scope on public.organizations;
create trigger organizations_forget_scope after insert or update on public.organizations
  for each statement execute function app.forget_scope();
drop trigger if exists organizations_rekey on public.organizations;
create trigger organizations_rekey after update on public.organizations
  referencing old table as old_nodes new table as new_nodes
  for each statement execute function app.organizations_rekey();

-- row-level security -----------------------------------------------------------------------
alter table public.organizations enable row level security;

/* Readers: managers see their subtrees; members see their cell and its ancestors. */
drop policy if exists "Users can read the organizations in their scope" on public.organizations;
create policy "Users can read the organizations in their scope" on public.organizations
  for select to authenticated
  using (path operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])
         or path operator(extensions.@>) (select app.home_path()));

/* Committee members and staff (not cell secretaries) create nodes inside their subtree. */
drop policy if exists "Committee managers can create organizations in their subtree" on public.organizations;
create policy "Committee managers can create organizations in their subtree" on public.organizations
  for insert to authenticated
  with check (path operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[]));

/* ...and rename, move, or close them. Nothing is ever deleted: there is no delete policy. */
drop policy if exists "Committee managers can update organizations in their subtree" on public.organizations;
create policy "Committee managers can update organizations in their subtree" on public.organizations
  for update to authenticated
  using (path operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[]))
  with check (path operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[]));

/* Anyone who manages part of the tree (a current role) reads the kind rules, to be offered
   only allowed kinds and targets; a signed-in stranger reads nothing, like every table.
   Nobody writes them through the API: there is no insert, update or delete policy or grant;
   a migration changes them. */
alter table public.org_kind_rules enable row level security;
drop policy if exists "Managers can read which kinds of organization may hold which" on public.org_kind_rules;
create policy "Managers can read which kinds of organization may hold which" on public.org_kind_rules
  for select to authenticated
  using (cardinality((select app.managed_scope())) > 0);

/* An organization import belongs to whoever staged it; only those who restructure part of the
   tree stage one (what it creates is checked again, row by row, by the policies above). */
alter table public.org_imports enable row level security;
drop policy if exists "Uploaders can read their own organization imports" on public.org_imports;
create policy "Uploaders can read their own organization imports" on public.org_imports
  for select to authenticated
  using (created_by = (select auth.uid()) and created_at > now() - interval '24 hours');

drop policy if exists "Committee managers can stage organization imports" on public.org_imports;
create policy "Committee managers can stage organization imports" on public.org_imports
  for insert to authenticated
  with check (created_by = (select auth.uid()) and cardinality((select app.managed_scope(true))) > 0);

drop policy if exists "Uploaders can mark their own organization imports committed" on public.org_imports;
create policy "Uploaders can mark their own organization imports committed" on public.org_imports
  for update to authenticated
  using (created_by = (select auth.uid()) and created_at > now() - interval '24 hours')
  with check (created_by = (select auth.uid()));

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.organizations to authenticated;
grant select, insert, update on public.org_imports to authenticated;
grant select on public.org_kind_rules to authenticated;

-- audit log policies (the log is the kernel's; its scope needs the tree) -------------------------------------------------------------------
/* Committee staff read the trail of their subtree; a member reads what was done to his/her
   own record; admins read everything. Nobody writes directly: see app.write_audit(). */
drop policy if exists "Managers can read the audit trail of their subtree" on public.audit_log;
create policy "Managers can read the audit trail of their subtree" on public.audit_log
  for select to authenticated
  using (org_id in (select o.id from public.organizations o where o.path operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])));

drop policy if exists "Members can read the audit trail of their own record" on public.audit_log;
create policy "Members can read the audit trail of their own record" on public.audit_log
  for select to authenticated
  using (entity = 'member' and entity_id = (select app.current_member_id()));

drop policy if exists "Admins can read the whole audit trail" on public.audit_log;
create policy "Admins can read the whole audit trail" on public.audit_log
  for select to authenticated
  using ((select app.is_admin()));

grant select on public.audit_log to authenticated;


-- scope planning: the one place that turns a scope into index lookups ------------------------------------
/*
 * Why these exist: under RLS a query's own conditions run after the policy unless they are
 * leakproof, and ltree's operators are not, so "o.path = any(my scope)" never drives an index
 * and a province reads all its 157,000 organizations per question (50–100 ms). These answer
 * with organization ids, found by the path and parent indexes as the definer; uuid equality is
 * leakproof, so the caller's query reaches those rows by primary key and the policy still
 * checks each one. They only ever return organizations the caller may see.
 */
/* The organizations at the roots of the caller's managed scope, and with p_children their
   direct children too (the "top two levels" of pickers and filters). */
create or replace function app.scope_head_ids(p_children boolean default false) returns uuid[]
language sql stable security definer
set search_path = ''
as $$
  with heads as (
    select o.id from public.organizations o
     where o.valid_to is null and o.path operator(extensions.=) any (app.managed_scope())
  )
  select coalesce(array_agg(id), '{}') from (
    select id from heads
    union
    select c.id from public.organizations c where p_children and c.valid_to is null and c.parent_id in (select id from heads)
  ) found
$$;

revoke all on function app.scope_head_ids(boolean) from public, anon;
grant execute on function app.scope_head_ids(boolean) to authenticated, service_role;

/* Every organization of the caller's managed scope (or of its part under p_within, a branch the
   list was narrowed to) when there are at most p_limit of them (a cell, a ward), so that lists
   reach their rows through (org_id, …) indexes; null for a wider one (a city, a province), whose
   lists walk a name or time index in order and let the policy filter (edge/kernel/db/scope.ts
   says when and why). The key range walks organizations_key_idx and stops at p_limit + 1: a
   province costs no more than a ward. */
drop function if exists app.small_scope_org_ids(integer);
create or replace function app.small_scope_org_ids(p_limit integer default 500, p_within uuid default null) returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  bounds text[] := app.scope_bounds();
  roots extensions.ltree[] := app.managed_scope();
  low text := bounds[1];
  high text := bounds[2];
  branch extensions.ltree;
  result uuid[];
begin
  if p_within is not null then
    select o.path into branch from public.organizations o where o.id = p_within;
    if branch is null then
      return '{}';
    end if;
    low := greatest(low collate "C", branch::text collate "C");
    high := least(high collate "C", (branch::text || '/') collate "C");
  end if;
  select case when count(*) <= p_limit then coalesce(array_agg(id), '{}') end into result
    from (select o.id from public.organizations o
           where (o.path::text collate "C") >= low
             and (o.path::text collate "C") < high
             and o.path operator(extensions.<@) any (roots)
             and (branch is null or o.path operator(extensions.<@) branch)
           limit p_limit + 1) scope;
  return result;
end
$$;
revoke all on function app.small_scope_org_ids(integer, uuid) from public, anon;
grant execute on function app.small_scope_org_ids(integer, uuid) to authenticated, service_role;
