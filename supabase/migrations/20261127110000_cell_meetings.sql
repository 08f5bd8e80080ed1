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
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- indexes ------------------------------------------------------------------------------
create index if not exists meetings_org_starts_idx on public.meetings (org_id, starts_at desc);
create index if not exists meetings_org_key_idx on public.meetings (org_key, starts_at desc);

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
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists meetings_prepare on public.meetings;
create trigger meetings_prepare before insert or update on public.meetings
  for each row execute function app.meetings_prepare();

create or replace function app.meetings_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return null; end if;  -- a key rewrite is not an edit
  perform app.write_audit('meeting.' || lower(tg_op), 'meeting', new.id, new.org_id,
    case when tg_op = 'UPDATE' then app.row_diff(to_jsonb(old), to_jsonb(new)) else jsonb_build_object('title', new.title) end);
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
drop policy if exists "Managers can read meetings in their subtree" on public.meetings;
create policy "Managers can read meetings in their subtree" on public.meetings
  for select to authenticated
  using (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
         and (((select app.scope_bounds())[3]) = '1'
              or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])));

drop policy if exists "Managers can schedule meetings in their subtree" on public.meetings;
create policy "Managers can schedule meetings in their subtree" on public.meetings
  for insert to authenticated
  with check (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
              and (((select app.scope_bounds())[3]) = '1'
                   or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])));

drop policy if exists "Managers can change meetings in their subtree" on public.meetings;
create policy "Managers can change meetings in their subtree" on public.meetings
  for update to authenticated
  using (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
         and (((select app.scope_bounds())[3]) = '1'
              or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])))
  with check (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
              and (((select app.scope_bounds())[3]) = '1'
                   or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[])));

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.meetings to authenticated;
