/*
 * The work calendar (lịch làm việc): events of an organization for the members of its subtree,
 * shown with meetings and task deadlines. A personal iCalendar feed at a secret, revocable URL
 * lets phone calendars subscribe; only a hash of its token is kept.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.events (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  title text not null check (length(title) between 1 and 200),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  place text check (length(place) <= 300),
  description text check (length(description) <= 5000),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  check (ends_at >= starts_at)
);

create table if not exists public.calendar_feeds (
  user_id uuid primary key default auth.uid() references auth.users (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now()
);

-- indexes ------------------------------------------------------------------------------
create index if not exists events_org_key_idx on public.events (org_key, starts_at);
create index if not exists events_starts_idx on public.events (starts_at);

-- triggers -------------------------------------------------------------------------------
drop trigger if exists events_prepare on public.events;
create trigger events_prepare before insert or update on public.events
  for each row execute function app.take_org_key();

-- row-level security -----------------------------------------------------------------------
alter table public.events enable row level security;
alter table public.calendar_feeds enable row level security;

/* The audience: members whose cell is in the event's subtree, and managers of it. */
drop policy if exists "Members of the subtree and its managers read events" on public.events;
create policy "Members of the subtree and its managers read events" on public.events
  for select to authenticated
  using ((select app.home_path()) operator(extensions.<@) org_key::extensions.ltree
         or (org_key >= ((select app.scope_bounds())[1]) and org_key < ((select app.scope_bounds())[2])
             and (((select app.scope_bounds())[3]) = '1'
                  or org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope())::extensions.ltree[]))));

drop policy if exists "Managers add events in their scope" on public.events;
create policy "Managers add events in their scope" on public.events
  for insert to authenticated with check (app.manages_key(org_key));

drop policy if exists "Managers change events in their scope" on public.events;
create policy "Managers change events in their scope" on public.events
  for update to authenticated using (app.manages_key(org_key)) with check (app.manages_key(org_key));

drop policy if exists "Managers remove events in their scope" on public.events;
create policy "Managers remove events in their scope" on public.events
  for delete to authenticated using (app.manages_key(org_key));

drop policy if exists "Users manage their own calendar feed" on public.calendar_feeds;
create policy "Users manage their own calendar feed" on public.calendar_feeds
  for all to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid());

-- grants ---------------------------------------------------------------------------------
grant select, insert, update, delete on public.events to authenticated;
grant select, insert, update, delete on public.calendar_feeds to authenticated;
