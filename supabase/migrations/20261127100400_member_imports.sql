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
