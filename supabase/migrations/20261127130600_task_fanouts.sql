/*
 * Assigning a task to every member of a large subtree (a province, the country) is done in
 * the background, in chunks, under the assigner's own RLS: the request returns at once and the
 * task page shows how far it got. A job is resumable: each chunk is idempotent (one assignment
 * per member) and the job remembers the last member it reached.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.task_fanouts (
  task_id uuid primary key references public.tasks (id),
  task_key text collate "C" not null default '',
  org_ids uuid[] not null,
  requested_by uuid not null default auth.uid(),
  assigned int not null default 0,
  after_member uuid,
  status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  claimed_until timestamptz,
  error text check (length(error) <= 1000),
  created_at timestamptz not null default now(),
  finished_at timestamptz
);

create index if not exists task_fanouts_pending_idx on public.task_fanouts (created_at) where status = 'pending';

-- triggers -------------------------------------------------------------------------------
drop trigger if exists task_fanouts_prepare on public.task_fanouts;
create trigger task_fanouts_prepare before insert on public.task_fanouts
  for each row execute function app.take_task_key();

-- row-level security -----------------------------------------------------------------------
alter table public.task_fanouts enable row level security;

drop policy if exists "Readers of a task see how its assignment goes" on public.task_fanouts;
create policy "Readers of a task see how its assignment goes" on public.task_fanouts
  for select to authenticated
  using (task_id in (select t.id from public.tasks t));

drop policy if exists "Managers start assigning in their scope" on public.task_fanouts;
create policy "Managers start assigning in their scope" on public.task_fanouts
  for insert to authenticated
  with check (requested_by = auth.uid() and app.manages_key(task_key));

-- grants ---------------------------------------------------------------------------------
grant select, insert on public.task_fanouts to authenticated;
