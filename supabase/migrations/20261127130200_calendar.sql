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
select app.define_policy('public.events', 'Members of the subtree and its managers read events', 'select',
  using_sql => $p$(select app.home_path()) operator(extensions.<@) org_key::extensions.ltree
         or (app.in_scope(org_key))$p$);

select app.define_policy('public.events', 'Managers add events in their scope', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.events', 'Managers change events in their scope', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.events', 'Managers remove events in their scope', 'delete',
  using_sql => $p$app.in_scope(org_key)$p$);

drop policy if exists "Users manage their own calendar feed" on public.calendar_feeds;
create policy "Users manage their own calendar feed" on public.calendar_feeds
  for all to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid());

-- grants ---------------------------------------------------------------------------------
grant select, insert, update, delete on public.events to authenticated;
grant select, insert, update, delete on public.calendar_feeds to authenticated;
