/*
 * One rule for the rows that copy a member's cell (issue 23). A member's own records (study,
 * exam attempts and their questions, what he/she read, tasks given to him/her and their history)
 * carry the cell's key so that policies and counts compare strings. When the member's cell changes
 * (a transfer accepted, a secretary's edit, a merge) every such copy is rewritten to the cell of
 * now, in the same transaction: the new cell's managers read and review them, the old cell no
 * longer counts them, and the children of every report add up to their parent.
 *
 * The tables are found in the catalog (a text org_key beside a member_id), as the organization-move
 * rewrite finds its columns, so a later feature's table follows without being named here. Three
 * kinds of row keep the cell they were made in, because they belong to something of that cell, not
 * to the member; they are named below and the members' moves test names them too:
 *   - a meeting's attendance and votes: the cell that held the meeting;
 *   - residence registrations and their comments: the cell where the member lives, not his/her own;
 *   - evaluations and their history: the cell that opened the period evaluates the member that year.
 */
create or replace function app.member_cell_copies() returns table (table_name regclass, has_org_id boolean)
language sql stable
set search_path = ''
as $$
  select c.oid::regclass,
         exists (select 1 from pg_catalog.pg_attribute o
                  where o.attrelid = c.oid and o.attname = 'org_id' and not o.attisdropped)
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname in ('public', 'app') and c.relkind in ('r', 'p')
     and exists (select 1 from pg_catalog.pg_attribute k
                  where k.attrelid = c.oid and k.attname = 'org_key' and k.attgenerated = '' and not k.attisdropped
                    and k.atttypid = 'pg_catalog.text'::pg_catalog.regtype)
     and exists (select 1 from pg_catalog.pg_attribute m
                  where m.attrelid = c.oid and m.attname = 'member_id' and not m.attisdropped)
     and pg_catalog.format('%I.%I', n.nspname, c.relname) not in (
           'public.meeting_attendance', 'public.meeting_votes',
           'public.resident_registrations', 'public.resident_comments',
           'public.evaluations', 'public.evaluation_history')
$$;

create or replace function app.members_carry_copies() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  ids uuid[];
  org_ids uuid[];
  keys text[];
  target record;
  was text := coalesce(pg_catalog.current_setting('app.rekeying', true), '');
begin
  select array_agg(n.id), array_agg(n.org_id), array_agg(n.org_key) into ids, org_ids, keys
    from old_rows o join new_rows n on n.id = o.id
   where o.org_id is distinct from n.org_id;
  if ids is null then
    return null;
  end if;
  perform pg_catalog.set_config('app.rekeying', 'on', true);  -- a copy following its member is not an edit
  for target in select * from app.member_cell_copies() loop
    execute pg_catalog.format(
      'update %s t set org_key = m.org_key%s
         from unnest($1::uuid[], $2::uuid[], $3::text[]) m (member_id, org_id, org_key)
        where t.member_id = m.member_id and t.org_key is distinct from m.org_key',
      target.table_name,
      case when target.has_org_id then ', org_id = case when t.org_id is null then null else m.org_id end' else '' end)
      using ids, org_ids, keys;
  end loop;
  perform pg_catalog.set_config('app.rekeying', was, true);
  return null;
end
$$;
drop trigger if exists members_carry_copies on public.members;
create trigger members_carry_copies after update on public.members
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.members_carry_copies();

-- a member's copies are found by member for the rewrite (the other tables have such an index)
create index if not exists task_updates_member_idx on public.task_updates (member_id) where member_id is not null;

-- rows left behind by moves made before this rule: brought to the member's cell of now
do $$
declare
  target record;
begin
  perform pg_catalog.set_config('app.rekeying', 'on', true);
  for target in select * from app.member_cell_copies() loop
    execute pg_catalog.format(
      'update %s t set org_key = m.org_key%s from public.members m
        where m.id = t.member_id and t.org_key is distinct from m.org_key and m.org_key <> %L',
      target.table_name,
      case when target.has_org_id then ', org_id = case when t.org_id is null then null else m.org_id end' else '' end,
      '');
  end loop;
  perform pg_catalog.set_config('app.rekeying', 'off', true);
end
$$;
