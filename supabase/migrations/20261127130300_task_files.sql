/*
 * Files attached to a task by its assigner, or to a progress report by an assignee. Seen by
 * whoever sees the task (report files: whoever sees that assignment).
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.task_files (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null references public.tasks (id),
  assignee_id uuid references public.task_assignees (id),
  task_key text collate "C" not null default '',
  file_name text not null check (length(file_name) between 1 and 200),
  content_type text not null check (content_type in ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                                                     'image/png', 'image/jpeg', 'image/webp')),
  byte_size int not null check (byte_size between 1 and 10485760),
  storage_key text not null unique,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now()
);

-- indexes ------------------------------------------------------------------------------
create index if not exists task_files_task_idx on public.task_files (task_id, created_at);

-- triggers -------------------------------------------------------------------------------
create or replace function app.task_files_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.assignee_id is not null and not exists (select 1 from public.task_assignees a where a.id = new.assignee_id and a.task_id = new.task_id) then
    raise exception 'the assignment is not of this task' using errcode = '23514';
  end if;
  return new;
end
$$;
drop trigger if exists task_files_key on public.task_files;
create trigger task_files_key before insert on public.task_files
  for each row execute function app.take_task_key();
drop trigger if exists task_files_prepare on public.task_files;
create trigger task_files_prepare before insert on public.task_files
  for each row execute function app.task_files_prepare();

-- row-level security -----------------------------------------------------------------------
alter table public.task_files enable row level security;

drop policy if exists "Readers of a task read its files" on public.task_files;
create policy "Readers of a task read its files" on public.task_files
  for select to authenticated
  using (task_id in (select t.id from public.tasks t)
         and (assignee_id is null or assignee_id in (select a.id from public.task_assignees a)));

/* The assigner's side attaches to the task; an assignee attaches to his/her own report. */
drop policy if exists "Assigners attach to tasks, assignees to their reports" on public.task_files;
create policy "Assigners attach to tasks, assignees to their reports" on public.task_files
  for insert to authenticated
  with check ((assignee_id is null and app.manages_key(task_key))
              or (assignee_id is not null and exists (
                    select 1 from public.task_assignees a
                     where a.id = assignee_id and app.acts_for_assignee(a.member_id, a.org_key, a.org_id is not null))));

drop policy if exists "Users read the files of tasks they can see" on public.stored_files;
create policy "Users read the files of tasks they can see" on public.stored_files
  for select to authenticated
  using (key in (select f.storage_key from public.task_files f));

-- grants ---------------------------------------------------------------------------------
grant select, insert on public.task_files to authenticated;
