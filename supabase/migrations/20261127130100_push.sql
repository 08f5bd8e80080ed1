/*
 * Web push: each user's devices (a browser's push subscription each), and the deliveries the
 * reminder scheduler sends to them. A delivery is one message to one user for one reason at one
 * time (its key), so it exists once however many schedulers run; a scheduler claims a batch
 * (skip locked, with a lease), sends, and records the outcome. A crashed run's lease expires
 * and its claims are taken again.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  endpoint text not null unique check (endpoint ~ '^https://' and length(endpoint) <= 2000),
  p256dh text not null check (length(p256dh) between 20 and 200),
  auth text not null check (length(auth) between 8 and 100),
  user_agent text check (length(user_agent) <= 300),
  created_at timestamptz not null default now(),
  last_success_at timestamptz
);

create table if not exists public.push_deliveries (
  id uuid primary key default gen_random_uuid(),
  key text not null unique check (length(key) <= 300),
  user_id uuid not null references auth.users (id) on delete cascade,
  title text not null check (length(title) <= 300),
  body text check (length(body) <= 1000),
  url text not null check (url ~ '^/[^/]'),
  due_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'failed', 'no_device')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_by uuid,
  claimed_until timestamptz,
  last_error text check (length(last_error) <= 1000),
  delivered_at timestamptz,
  created_at timestamptz not null default now()
);

-- indexes ------------------------------------------------------------------------------
create index if not exists push_subscriptions_user_idx on public.push_subscriptions (user_id);
create index if not exists push_deliveries_pending_idx on public.push_deliveries (next_attempt_at) where status = 'pending';
create index if not exists push_deliveries_sending_idx on public.push_deliveries (claimed_until) where status = 'sending';

-- row-level security -----------------------------------------------------------------------
alter table public.push_subscriptions enable row level security;
alter table public.push_deliveries enable row level security;

drop policy if exists "Users read their own devices" on public.push_subscriptions;
create policy "Users read their own devices" on public.push_subscriptions
  for select to authenticated using (user_id = auth.uid());

drop policy if exists "Users add their own devices" on public.push_subscriptions;
create policy "Users add their own devices" on public.push_subscriptions
  for insert to authenticated with check (user_id = auth.uid());

drop policy if exists "Users remove their own devices" on public.push_subscriptions;
create policy "Users remove their own devices" on public.push_subscriptions
  for delete to authenticated using (user_id = auth.uid());

/* Deliveries are written by the scheduler (system path); a user may see what was sent to him/her. */
drop policy if exists "Users read what was sent to them" on public.push_deliveries;
create policy "Users read what was sent to them" on public.push_deliveries
  for select to authenticated using (user_id = auth.uid());

-- grants ---------------------------------------------------------------------------------
grant select, insert, delete on public.push_subscriptions to authenticated;
grant select on public.push_deliveries to authenticated;

/* The reminder scheduler reads new notices since its last pass. */
create index if not exists notifications_created_idx on public.notifications (created_at);

/* Registering goes through the table's own policies (see notifications.queries.ts): an endpoint
   another user registered is refused, never taken over. */
drop function if exists public.register_push_device(text, text, text, text);
