/*
 * Kernel: the private schema "app" (not exposed through Supabase's API) for helper
 * functions and system-only tables, the extensions every feature relies on, and the
 * audit log that records every change to personal data (Decree 356/2025/NĐ-CP).
 */

-- extensions -------------------------------------------------------------------------
create extension if not exists ltree with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists unaccent with schema extensions;
create extension if not exists pgcrypto with schema extensions;

create schema if not exists app;
grant usage on schema app to authenticated, service_role;

-- helper functions ---------------------------------------------------------------------

/* Accent- and case-insensitive search key. unaccent() is only stable, so we pin the
   dictionary to make the wrapper immutable and usable in indexes. */
create or replace function app.search_key(value text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select lower(extensions.unaccent('extensions.unaccent'::regdictionary,
                replace(replace(coalesce(value, ''), 'Đ', 'D'), 'đ', 'd')))
$$;
grant execute on function app.search_key(text) to authenticated, service_role;

/* The LIKE pattern that finds a search's key anywhere in a stored key: what the user typed is
   matched literally, so "%", "_" and "\" are characters, not wildcards or escapes. */
create or replace function app.contains_pattern(p_query text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(app.search_key(p_query), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;
grant execute on function app.contains_pattern(text) to authenticated, service_role;

-- tables -------------------------------------------------------------------------------

/*
 * Who changed what, when. Rows are written by security definer triggers and by
 * app.write_audit(); nobody updates or deletes them. org_id lets committee staff read
 * the trail of their own subtree.
 */
create table if not exists public.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_id uuid,
  actor_name text,
  action text not null check (length(action) <= 60),
  entity text not null check (length(entity) <= 60),
  entity_id uuid,
  org_id uuid,
  details jsonb not null default '{}'
);
create index if not exists audit_log_entity_idx on public.audit_log (entity, entity_id, at desc);
create index if not exists audit_log_org_idx on public.audit_log (org_id, at desc);

alter table public.audit_log enable row level security;

/* Writes an audit row as the current user. Security definer so that users need no
   insert grant on the log and cannot forge the actor. */
create or replace function app.write_audit(p_action text, p_entity text, p_entity_id uuid, p_org_id uuid, p_details jsonb)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  -- the actor's name is kept with the entry: the trail stays readable after accounts change
  insert into public.audit_log (actor_id, actor_name, action, entity, entity_id, org_id, details)
  select auth.uid(),
         (select coalesce(m.full_name, a.display_name) from public.accounts a
            left join public.members m on m.id = a.member_id where a.user_id = auth.uid()),
         p_action, p_entity, p_entity_id, p_org_id, coalesce(p_details, '{}'::jsonb);
end
$$;
revoke all on function app.write_audit(text, text, uuid, uuid, jsonb) from public;
grant execute on function app.write_audit(text, text, uuid, uuid, jsonb) to authenticated, service_role;

/* Changed columns of a row as {"column": {"from": old, "to": new}}. */
create or replace function app.row_diff(old_row jsonb, new_row jsonb) returns jsonb
language sql immutable
set search_path = ''
as $$
  select coalesce(jsonb_object_agg(key, jsonb_build_object('from', old_row -> key, 'to', new_row -> key)), '{}'::jsonb)
  from jsonb_object_keys(coalesce(new_row, old_row)) as key
  where key not in ('updated_at', 'search_name', 'org_path', 'org_key')
    and (old_row -> key) is distinct from (new_row -> key)
$$;

-- visibility helpers -----------------------------------------------------------------
/*
 * Who sees what is decided here and only here. Every helper is security definer with an
 * empty search_path (so it reads the role tables regardless of their RLS and cannot be
 * hijacked), is plpgsql (tables are created by later migrations), and is called from
 * policies as (select app.fn()) so Postgres evaluates it once per statement, not per row.
 */

-- system settings --------------------------------------------------------------------------
/* Secrets generated on first start in local mode (session signing key, VAPID keys), shared
   by every app process on the same database. Never readable by users. */
create table if not exists app.settings (
  key text primary key check (key ~ '^[a-z_.]{1,60}$'),
  value text not null,
  created_at timestamptz not null default now()
);
alter table app.settings enable row level security;
drop policy if exists "No user reads or writes system settings" on app.settings;
create policy "No user reads or writes system settings" on app.settings
  for all to authenticated
  using (false)
  with check (false);

/*
 * "Now" and "today" of the organization: Vietnam time, never the server's UTC date (a term
 * ending 31/3 must end at midnight in Hà Nội, not at 07:00). Tests freeze the clock through the
 * system-only setting 'clock.now' (app.settings is unreadable and unwritable by users).
 */
create or replace function app.now() returns timestamptz
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select s.value::timestamptz from app.settings s where s.key = 'clock.now'), pg_catalog.now())
$$;

create or replace function app.today() returns date
language sql stable
set search_path = ''
as $$
  select (app.now() at time zone 'Asia/Ho_Chi_Minh')::date
$$;

/* Answers the policies ask in every statement (the current member, the scope and its key range)
   are kept for the rest of the transaction in local settings named "app.kept.<what>", keyed by
   the user they were made for, and forgotten by app.forget_scope() when anything they depend on
   changes. app.kept(what) is null when nothing is kept for this user. */
create or replace function app.kept(p_what text) returns text
language sql stable
set search_path = ''
as $$
  select case when pg_catalog.split_part(v, '|', 1) = 'user/' || coalesce(auth.uid()::text, '')
              then pg_catalog.substr(v, pg_catalog.strpos(v, '|') + 1) end
    from (select pg_catalog.current_setting('app.kept.' || p_what, true) as v) setting
$$;

create or replace function app.keep(p_what text, p_value text) returns void
language sql volatile
set search_path = ''
as $$
  select null from pg_catalog.set_config('app.kept.' || p_what, 'user/' || coalesce(auth.uid()::text, '') || '|' || p_value, true)
$$;
-- only the definer functions above and below keep and read answers: a user who could keep one
-- would choose his/her own scope
revoke all on function app.kept(text), app.keep(text, text) from public, anon, authenticated;

/*
 * The member record linked to the signed-in account, while that member is active: a member
 * who has left the Party or died grants nothing (no own record, no cell, no role), so every
 * helper below and every policy built on them ends his/her access the day it is recorded.
 */
create or replace function app.current_member_id() returns uuid
language plpgsql stable security definer
set search_path = ''
as $$
declare
  kept text := app.kept('member'); -- every policy asks, in every statement
  result uuid;
begin
  if kept is not null then
    return nullif(kept, '')::uuid;
  end if;
  select a.member_id into result
    from public.accounts a join public.members m on m.id = a.member_id
   where a.user_id = auth.uid()
     and m.deceased_on is null and (m.left_on is null or m.left_on > app.today());
  perform app.keep('member', coalesce(result::text, ''));
  return result;
end
$$;

/* Whether the signed-in account may act at all: an active member, or an account with no
   member record (the administrator). */
create or replace function app.is_active_member() returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return exists (select 1 from public.accounts a where a.user_id = auth.uid()
                   and (a.member_id is null or a.member_id = app.current_member_id()));
end
$$;

/* The single system administrator of a deployment (and any added later). */
create or replace function app.is_admin() returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare result boolean;
begin
  select coalesce(bool_or(a.is_admin), false) into result
    from public.accounts a left join public.members m on m.id = a.member_id
   where a.user_id = auth.uid()
     and (a.member_id is null or (m.deceased_on is null and (m.left_on is null or m.left_on > app.today())));
  return coalesce(result, false);
end
$$;

/*
 * The roots of the subtrees the user manages through a current role (secretary, deputy
 * secretary, committee member, staff), as ltree paths: usually one or two. Policies test
 * `path <@ any(scope)`, a few cheap comparisons per row, so the cost does not grow with the
 * size of the scope (an array of every visible id would be searched linearly per row).
 * With p_structural only roles held at a committee count: those may restructure the tree;
 * a cell secretary manages the members of the cell but not the tree. Admins: every root.
 */
create or replace function app.managed_scope(p_structural boolean default false) returns extensions.ltree[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  -- policies ask in every statement, several times (the key range's bounds, the several-roots test)
  what text := case when p_structural then 'scope_structural' else 'scope' end;
  kept text := app.kept(what);
  me uuid;
  today date;
  result extensions.ltree[];
begin
  if kept is not null then
    return kept::extensions.ltree[];
  end if;
  if app.is_admin() then
    select coalesce(array_agg(o.path), '{}') into result from public.organizations o where o.parent_id is null;
  else
    me := app.current_member_id();
    today := app.today();
    -- only the outermost roots: a role inside another role's subtree adds nothing to see, and one
    -- root lets the policies' key range decide alone, without a per-row ltree test (app.in_scope)
    with roots as (
      select distinct scope.path
        from public.org_roles r
        join public.organizations scope on scope.id = r.org_id
       where r.member_id = me
         and r.valid_from <= today
         and (r.valid_to is null or r.valid_to >= today)
         and (not p_structural or scope.kind not in ('cell', 'party_group', 'grassroots_cell'))
    )
    select coalesce(array_agg(inner_root.path order by inner_root.path), '{}') into result
      from roots inner_root
     where not exists (select 1 from roots outer_root
                        where outer_root.path operator(extensions.@>) inner_root.path
                          and extensions.nlevel(outer_root.path) < extensions.nlevel(inner_root.path));
  end if;
  perform app.keep(what, result::text);
  return result;
end
$$;

/* A scope (and the current member) depends on roles, organizations' paths, the member and account
   behind a user, and the clock: a statement that changes any of them forgets the answers kept so
   far in its transaction
   (statement triggers on those tables, in their migrations). */
create or replace function app.forget_scope() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('app.kept.' || what, '', true)
     from pg_catalog.unnest(array['member', 'scope', 'scope_structural', 'bounds', 'bounds_structural']) what;
  return null;
end
$$;
drop trigger if exists settings_forget_scope on app.settings;
create trigger settings_forget_scope after insert or update or delete on app.settings
  for each statement execute function app.forget_scope();

/*
 * The managed scope as one contiguous key range for an ordinary btree index: with codes
 * limited to [a-z0-9_], the subtree of path r is exactly the "C"-collated texts in
 * [r, r || '/') ('/' follows '.' and precedes every code character). Several roots become
 * the range from the smallest start to the largest end, and [3] says whether that range is
 * exact (one root) or policies must also check `<@ any(scope)`. No role: an empty range.
 * A range lets Postgres stop early on large scopes and use the index on small ones.
 */
create or replace function app.scope_bounds(p_structural boolean default false) returns text[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  -- every policy's InitPlans ask for these three values
  what text := case when p_structural then 'bounds_structural' else 'bounds' end;
  kept text := app.kept(what);
  roots extensions.ltree[];
  result text[];
begin
  if kept is not null then
    return kept::text[];
  end if;
  roots := app.managed_scope(p_structural);
  if cardinality(roots) = 0 then
    result := array['', '', '1'];
  else
    select array[min(r::text collate "C"), max((r::text || '/') collate "C"), case when cardinality(roots) = 1 then '1' else '0' end]
      into result from unnest(roots) r;
  end if;
  perform app.keep(what, result::text);
  return result;
end
$$;

/* The path of the signed-in member's home cell: a member reads it and its ancestors. */
create or replace function app.home_path() returns extensions.ltree
language plpgsql stable security definer
set search_path = ''
as $$
declare result extensions.ltree;
begin
  select o.path into result
  from public.members m join public.organizations o on o.id = m.org_id
  where m.id = app.current_member_id();
  return result;
end
$$;

grant execute on function app.now(), app.today(), app.is_active_member(), app.current_member_id(), app.is_admin(), app.managed_scope(boolean), app.scope_bounds(boolean), app.home_path()
  to authenticated, service_role;

/*
 * True while app.organizations_rekey() rewrites the organization keys that rows copy (a move
 * of a subtree). Triggers that guard or react to ordinary edits step aside then: a key
 * rewrite is not an edit (it must not reset who recorded attendance, refuse a closed vote,
 * or notify live streams). Set transaction-locally by that function only; neither the app
 * nor Supabase's API lets a user set it.
 */
create or replace function app.rekeying() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(current_setting('app.rekeying', true), '') = 'on'
$$;
grant execute on function app.rekeying() to authenticated, service_role;


-- planner statistics after a bulk change -------------------------------------------------------
/*
 * A bulk change (a city's import, its slips) makes a table many times larger than its statistics
 * say, and plans made from them read the whole table for every row they check: printing a city's
 * 10,000 slips right after its import spent ~60 s in scans the planner thought were 60 rows long.
 * Autovacuum would catch up within a minute on a server, too late for the next click, and PGlite
 * has no autovacuum at all. So the feature that made the change asks for fresh statistics in the
 * same transaction (ANALYZE counts its own uncommitted rows). Only when the table has outgrown
 * its statistics by a fifth: calling it again, or for a small change, costs nothing.
 */
create or replace function app.refresh_statistics(p_table regclass) returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  planned integer;
  pages bigint := pg_catalog.pg_relation_size(p_table) / pg_catalog.current_setting('block_size')::integer;
begin
  select c.relpages into planned from pg_catalog.pg_class c
   where c.oid = p_table and c.relnamespace in ('public'::regnamespace, 'app'::regnamespace, 'auth'::regnamespace);
  if planned is null or pages <= planned * 1.2 + 8 then
    return false;
  end if;
  execute pg_catalog.format('analyze %s', p_table);
  return true;
end
$$;
revoke all on function app.refresh_statistics(regclass) from public;
grant execute on function app.refresh_statistics(regclass) to authenticated, service_role;

-- the scope vocabulary -----------------------------------------------------------------------
/*
 * Every policy that asks "is this row inside the signed-in user's managed subtree?" says so in
 * the same words: app.in_scope(<the row's copied organization key>). As a function it serves
 * where few rows are checked (a row being written, a flag on a page). Policies that scan many
 * rows are created through app.define_policy(), which writes app.in_scope(k) out as its one
 * inline form: a "C"-collated range over the key (the subtree of path r is exactly the texts in
 * [r, r || '/')), exact for a single root, plus the ltree test when the user holds several
 * disjoint roots. Postgres cannot inline a function that reads the user's roles, and the range
 * written out is what keeps a policy within the measured budgets (DESIGN, "Measured RLS
 * shapes"); a test proves the function and the inline form agree.
 */
create or replace function app.in_scope(p_org_key text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select p_org_key collate "C" >= b[1] and p_org_key collate "C" < b[2]
         and (b[3] = '1' or p_org_key::extensions.ltree operator(extensions.<@) any (app.managed_scope()))
    from (select app.scope_bounds() as b) bounds
$$;
/* The same question where the row also carries the key as an ltree (members.org_path): the
   several-roots test then needs no cast. */
create or replace function app.in_scope(p_org_key text, p_org_path extensions.ltree) returns boolean
language sql stable
set search_path = ''
as $$
  select app.in_scope(p_org_key)
$$;
revoke all on function app.in_scope(text) from public;
revoke all on function app.in_scope(text, extensions.ltree) from public;
grant execute on function app.in_scope(text), app.in_scope(text, extensions.ltree) to authenticated, service_role;

/* The inline form of app.in_scope(key [, path]) inside a policy's text. Each bound is an InitPlan
   of its own that returns a scalar: subscripting the kept array inside the row filter costs every
   row three array lookups (a province's 10,001-row count: 6.4 ms under RLS against 4.7 as system
   with them, 3.7 against 3.6 without). */
create or replace function app.expand_scope(p_sql text) returns text
language sql immutable
set search_path = ''
as $$
  select pg_catalog.regexp_replace(pg_catalog.regexp_replace(p_sql,
    'app\.in_scope\(\s*([a-z_]+)\s*,\s*([a-z_]+)\s*\)',
    '(\1 >= (select (app.scope_bounds())[1]) and \1 < (select (app.scope_bounds())[2])'
    ' and ((select (app.scope_bounds())[3] = ''1'') or \2 operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])))', 'g'),
    'app\.in_scope\(\s*([a-z_]+)\s*\)',
    '(\1 >= (select (app.scope_bounds())[1]) and \1 < (select (app.scope_bounds())[2])'
    ' and ((select (app.scope_bounds())[3] = ''1'') or \1::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])))', 'g')
$$;

/* Creates (or re-creates) a policy for signed-in users, its scope written out by app.expand_scope.
   Migrations only: users cannot call it. */
create or replace function app.define_policy(p_table regclass, p_name text, p_command text,
                                             using_sql text default null, check_sql text default null) returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format('drop policy if exists %I on %s', p_name, p_table);
  execute pg_catalog.format('create policy %I on %s for %s to authenticated%s%s', p_name, p_table, p_command,
    case when using_sql is null then '' else pg_catalog.format(' using (%s)', app.expand_scope(using_sql)) end,
    case when check_sql is null then '' else pg_catalog.format(' with check (%s)', app.expand_scope(check_sql)) end);
end
$$;
revoke all on function app.expand_scope(text), app.define_policy(regclass, text, text, text, text) from public;

-- live events ------------------------------------------------------------------------------
/*
 * Live events leave the database through one function. Locally (and on any Postgres) they go
 * out by NOTIFY to the app processes that LISTEN. Where Supabase Realtime exists they also go
 * as a broadcast on the private channel of their topic ("meeting:<id>"); policies on
 * realtime.messages (cell_meetings) let only those who can see the meeting join it.
 */
/* Publishes one event: NOTIFY on the channel, and a Realtime broadcast on the topic when the
   realtime schema is there (checked per call: the same migrations run with and without it). */
create or replace function app.publish(p_channel text, p_topic text, p_payload jsonb) returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  perform pg_notify(p_channel, p_payload::text);
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
    execute 'select realtime.send($1, $2, $3, true)' using p_payload, p_channel, p_topic;
  end if;
end
$$;
revoke all on function app.publish(text, text, jsonb) from public;

/*
 * When what a user may see changes (the member moves to another cell, leaves, dies, or a role
 * starts or ends), open live streams of that user re-check their access at once instead of at
 * their next periodic check. The triggers are on members and org_roles (members migration).
 */
create or replace function app.access_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- the column naming the member is the trigger's argument: members.id, org_roles.member_id
  changed uuid := ((case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end) ->> tg_argv[0])::uuid;
  account uuid;
begin
  select a.user_id into account from public.accounts a where a.member_id = changed;
  if account is not null then
    perform app.publish('access_changed', 'user:' || account, jsonb_build_object('user_id', account));
  end if;
  return null;
end
$$;

-- stored files (the storage port's database backend) ----------------------------------------------
/*
 * Uploaded files kept in the database (STORAGE=database, the local default): written inside
 * the transaction of the row that refers to them. Nobody reads a file by default: each feature
 * that refers to files adds a policy saying who may read them (as Supabase Storage's policies
 * on storage.objects do for buckets).
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.stored_files (
  key text primary key check (key ~ '^[a-z0-9][a-z0-9/_-]{0,200}$'),
  content_type text not null check (length(content_type) <= 200),
  byte_size int not null check (byte_size >= 0),
  bytes bytea not null,
  created_by uuid not null default auth.uid(),
  created_at timestamptz not null default now()
);

-- PDF, DOCX, PNG, JPEG and WebP are compressed already: stored out of line as they are, without
-- a compression attempt (measured on PGlite: a 9 MB file writes ~25% faster)
alter table public.stored_files alter column bytes set storage external;

-- row-level security -----------------------------------------------------------------------
alter table public.stored_files enable row level security;

drop policy if exists "Users can store files as themselves" on public.stored_files;
create policy "Users can store files as themselves" on public.stored_files
  for insert to authenticated
  with check (created_by = auth.uid());

drop policy if exists "Users can remove files they stored" on public.stored_files;
create policy "Users can remove files they stored" on public.stored_files
  for delete to authenticated
  using (created_by = auth.uid());

-- grants ---------------------------------------------------------------------------------
grant select, insert, delete on public.stored_files to authenticated;
