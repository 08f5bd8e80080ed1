/*
 * In-app notices (thông báo): what happened that concerns a member, with a link. Every user
 * gets them, with or without push. Written by triggers of the features (security definer);
 * read and marked read by their recipient only.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.notifications (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null references public.members (id),
  kind text not null check (length(kind) <= 60),
  title text not null check (length(title) between 1 and 300),
  url text not null check (url ~ '^/[^/]'),
  created_at timestamptz not null default now(),
  read_at timestamptz
);

-- indexes ------------------------------------------------------------------------------
create index if not exists notifications_member_idx on public.notifications (member_id, created_at desc);
create index if not exists notifications_unread_idx on public.notifications (member_id) where read_at is null;

-- row-level security -----------------------------------------------------------------------
alter table public.notifications enable row level security;

drop policy if exists "Members read their own notifications" on public.notifications;
create policy "Members read their own notifications" on public.notifications
  for select to authenticated
  using (member_id = (select app.current_member_id()));

drop policy if exists "Members mark their own notifications read" on public.notifications;
create policy "Members mark their own notifications read" on public.notifications
  for update to authenticated
  using (member_id = (select app.current_member_id()))
  with check (member_id = (select app.current_member_id()));

-- grants ---------------------------------------------------------------------------------
grant select, update (read_at) on public.notifications to authenticated;
