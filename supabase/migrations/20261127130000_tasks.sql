/*
 * Tasks (giao việc): a secretary or committee member assigns work to members or to
 * organizations in scope. Each assignee reports progress; the assigner accepts or returns it.
 * A task is visible to its assigner's scope and to its assignees, nobody else.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.tasks (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  title text not null check (length(title) between 1 and 200),
  description text check (length(description) <= 10000),
  due_on date not null,
  priority text not null default 'normal' check (priority in ('low', 'normal', 'high')),
  assigner_id uuid default app.current_member_id() references public.members (id),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  /* kept by triggers, so lists never add up 100,000 assignments to show one task */
  assignee_count int not null default 0,
  active_count int not null default 0,
  reported_count int not null default 0,
  done_count int not null default 0,
  progress_sum bigint not null default 0
);

/* One row per assignee: a member, or an organization (whose managers act for it). */
create table if not exists public.task_assignees (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null references public.tasks (id),
  task_key text collate "C" not null default '',
  member_id uuid references public.members (id),
  org_id uuid references public.organizations (id),
  org_key text collate "C" not null default '',
  status text not null default 'assigned' check (status in ('assigned', 'in_progress', 'reported', 'done', 'returned')),
  progress int not null default 0 check (progress between 0 and 100),
  report text check (length(report) <= 5000),
  reported_at timestamptz,
  review_note text check (length(review_note) <= 2000),
  reviewed_at timestamptz,
  updated_at timestamptz not null default now(),
  check ((member_id is null) <> (org_id is null))
);

/* The history of an assignment: each progress report, acceptance and return. */
create table if not exists public.task_updates (
  id uuid primary key default gen_random_uuid(),
  assignee_id uuid not null references public.task_assignees (id),
  task_key text collate "C" not null default '',
  org_key text collate "C" not null default '',
  member_id uuid,
  kind text not null check (kind in ('progress', 'reported', 'done', 'returned')),
  progress int,
  note text check (length(note) <= 5000),
  by_user uuid default auth.uid(),
  at timestamptz not null default now()
);

-- indexes ------------------------------------------------------------------------------
create index if not exists tasks_org_key_idx on public.tasks (org_key, due_on);
create index if not exists tasks_assigner_idx on public.tasks (assigner_id, due_on);
create index if not exists tasks_due_idx on public.tasks (due_on);
create unique index if not exists task_assignees_member_idx on public.task_assignees (task_id, member_id) where member_id is not null;
create unique index if not exists task_assignees_org_idx on public.task_assignees (task_id, org_id) where org_id is not null;
create index if not exists task_assignees_mine_idx on public.task_assignees (member_id, status);
create index if not exists task_assignees_org_key_idx on public.task_assignees (org_key);
create index if not exists task_updates_assignee_idx on public.task_updates (assignee_id, at);

-- helper functions -----------------------------------------------------------------------

/* Is the caller an assignee of this row: the member, or a manager of the assigned organization? */
create or replace function app.acts_for_assignee(p_member_id uuid, p_org_key text, p_is_org boolean) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select case when p_is_org then app.in_scope(p_org_key) else p_member_id = app.current_member_id() end
$$;
grant execute on function app.acts_for_assignee(uuid, text, boolean) to authenticated, service_role;

-- triggers -------------------------------------------------------------------------------

/* Rows addressed to an organization carry its path as text, for the scope policies (tasks, events). */
create or replace function app.take_org_key() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  select o.path::text into new.org_key from public.organizations o where o.id = new.org_id;
  return new;
end
$$;
/* Rows about a task (its files, its background assignment) carry the task's key for their policies. */
create or replace function app.take_task_key() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  select t.org_key into new.task_key from public.tasks t where t.id = new.task_id;
  return new;
end
$$;
drop trigger if exists tasks_prepare on public.tasks;
create trigger tasks_prepare before insert or update on public.tasks
  for each row execute function app.take_org_key();
drop trigger if exists tasks_touch on public.tasks;
create trigger tasks_touch before update on public.tasks
  for each row execute function app.touch_updated_at();

/*
 * Keys for the policies, and who may move an assignment where: the assignee reports
 * (in progress, reported), the assigner's side accepts or returns a report. Every move is
 * kept in task_updates.
 */
create or replace function app.task_assignees_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  assigner_side boolean;
  assignee_side boolean;
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  select t.org_key into new.task_key from public.tasks t where t.id = new.task_id;
  if new.member_id is not null then
    select m.org_key into new.org_key from public.members m where m.id = new.member_id;
  else
    select o.path::text into new.org_key from public.organizations o where o.id = new.org_id;
  end if;
  if tg_op = 'INSERT' then
    new.status := 'assigned';
    new.progress := 0;
    return new;
  end if;
  if new.task_id is distinct from old.task_id or new.member_id is distinct from old.member_id or new.org_id is distinct from old.org_id then
    raise exception 'an assignment cannot move' using errcode = '42501';
  end if;
  assigner_side := app.in_scope(new.task_key);
  assignee_side := app.acts_for_assignee(new.member_id, new.org_key, new.org_id is not null);
  if new.status in ('done', 'returned') and new.status is distinct from old.status then
    if not assigner_side or old.status <> 'reported' then
      raise exception 'only the assigner accepts or returns a report' using errcode = '42501';
    end if;
    new.reviewed_at := now();
  elsif new.status is distinct from old.status or new.progress is distinct from old.progress or new.report is distinct from old.report then
    if not assignee_side or old.status = 'done' or new.status not in ('in_progress', 'reported') then
      raise exception 'only the assignee reports progress' using errcode = '42501';
    end if;
    if new.status = 'reported' then
      new.reported_at := now();
    end if;
  end if;
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists task_assignees_prepare on public.task_assignees;
create trigger task_assignees_prepare before insert or update on public.task_assignees
  for each row execute function app.task_assignees_prepare();

/* A new assignment: its member, or the role holders of its organization, hear of it (one statement per assignment batch). */
create or replace function app.task_assignees_assigned() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.notifications (member_id, kind, title, url)
  select people.member_id, 'task.assigned', 'Việc mới được giao: ' || t.title, '/tasks/' || t.id
    from (select n.task_id, n.member_id from new_rows n where n.member_id is not null
          union
          select n.task_id, r.member_id from new_rows n join public.org_roles r on r.org_id = n.org_id
           where r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today())) people
    join public.tasks t on t.id = people.task_id;
  return null;
end
$$;
drop trigger if exists task_assignees_assigned on public.task_assignees;
create trigger task_assignees_assigned after insert on public.task_assignees
  referencing new table as new_rows
  for each statement execute function app.task_assignees_assigned();

/* Each move of one assignment: its history, and a notice to the other side. */
create or replace function app.task_assignees_moved() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  task public.tasks%rowtype;
begin
  if app.rekeying() then return null; end if;  -- a key rewrite is not an edit
  if new.status is not distinct from old.status and new.progress is not distinct from old.progress and new.report is not distinct from old.report then
    return null;
  end if;
  select * into task from public.tasks t where t.id = new.task_id;
  insert into public.task_updates (assignee_id, task_key, org_key, member_id, kind, progress, note)
  values (new.id, new.task_key, new.org_key, new.member_id,
          case when new.status in ('reported', 'done', 'returned') and new.status is distinct from old.status then new.status else 'progress' end,
          new.progress, case when new.status in ('done', 'returned') then new.review_note else new.report end);
  if new.status = 'reported' and old.status is distinct from 'reported' and task.assigner_id is not null then
    insert into public.notifications (member_id, kind, title, url)
    values (task.assigner_id, 'task.reported', 'Báo cáo hoàn thành: ' || task.title, '/tasks/' || task.id);
  elsif new.status in ('done', 'returned') and new.member_id is not null then
    insert into public.notifications (member_id, kind, title, url)
    values (new.member_id, 'task.' || new.status,
            case when new.status = 'done' then 'Kết quả được chấp nhận: ' else 'Việc bị trả lại: ' end || task.title, '/tasks/' || task.id);
  end if;
  return null;
end
$$;
drop trigger if exists task_assignees_moved on public.task_assignees;
create trigger task_assignees_moved after update on public.task_assignees
  for each row execute function app.task_assignees_moved();

/* The task's counters follow its assignments: added (insert) and moved (update), per statement. */
create or replace function app.task_assignees_count() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.tasks t
     set assignee_count = t.assignee_count + d.total,
         active_count = t.active_count + d.active,
         reported_count = t.reported_count + d.reported,
         done_count = t.done_count + d.done,
         progress_sum = t.progress_sum + d.progress
    from (select c.task_id, sum(c.sign)::int as total,
                 sum(c.sign * (c.status in ('in_progress', 'returned'))::int)::int as active,
                 sum(c.sign * (c.status = 'reported')::int)::int as reported,
                 sum(c.sign * (c.status = 'done')::int)::int as done,
                 sum(c.sign * c.progress) as progress
            from (select n.task_id, n.status, n.progress, 1 as sign from new_rows n
                  union all
                  select o.task_id, o.status, o.progress, -1 from old_rows o) c
           group by c.task_id) d
   where t.id = d.task_id;
  return null;
end
$$;
create or replace function app.task_assignees_count_added() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.tasks t
     set assignee_count = t.assignee_count + d.total, progress_sum = t.progress_sum + d.progress
    from (select n.task_id, count(*)::int as total, sum(n.progress) as progress from new_rows n group by n.task_id) d
   where t.id = d.task_id;
  return null;
end
$$;
drop trigger if exists task_assignees_count_added on public.task_assignees;
create trigger task_assignees_count_added after insert on public.task_assignees
  referencing new table as new_rows
  for each statement execute function app.task_assignees_count_added();
drop trigger if exists task_assignees_count on public.task_assignees;
create trigger task_assignees_count after update on public.task_assignees
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.task_assignees_count();

-- row-level security -----------------------------------------------------------------------
alter table public.tasks enable row level security;
alter table public.task_assignees enable row level security;
alter table public.task_updates enable row level security;

/* Assignments: the assigner's scope, the assigned member, the managers of an assigned organization. */
select app.define_policy('public.task_assignees', 'Assigners and assignees read assignments', 'select',
  using_sql => $p$member_id = (select app.current_member_id())
         or (app.in_scope(task_key))
         or (org_id is not null and app.in_scope(org_key)
             and app.in_scope(org_key))$p$);

/* Tasks: the assigner's scope, and whoever can read one of its assignments. */
select app.define_policy('public.tasks', 'Assigners and assignees read tasks', 'select',
  using_sql => $p$(app.in_scope(org_key))
         or id in (select a.task_id from public.task_assignees a)$p$);

select app.define_policy('public.tasks', 'Managers assign tasks from their scope', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.tasks', 'Managers change tasks of their scope', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

/* Assign only inside one's scope: the task's organization and the assignee both. Written out by
   define_policy (once per statement) rather than calling the function per row: assigning to
   every member of a province inserts 100,000 rows. */
select app.define_policy('public.task_assignees', 'Managers assign within their scope', 'insert',
  check_sql => $p$app.in_scope(task_key) and app.in_scope(org_key)$p$);

/* Both sides move an assignment (the trigger decides which move belongs to whom). */
select app.define_policy('public.task_assignees', 'Assigners and assignees update assignments', 'update',
  using_sql => $p$app.in_scope(task_key) or app.acts_for_assignee(member_id, org_key, org_id is not null)$p$,
  check_sql => $p$app.in_scope(task_key) or app.acts_for_assignee(member_id, org_key, org_id is not null)$p$);

drop policy if exists "Assigners and assignees read the history" on public.task_updates;
create policy "Assigners and assignees read the history" on public.task_updates
  for select to authenticated
  using (assignee_id in (select a.id from public.task_assignees a));

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.tasks to authenticated;
grant select, insert, update on public.task_assignees to authenticated;
grant select on public.task_updates to authenticated;

-- attachments ------------------------------------------------------------------------------------
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
select app.define_policy('public.task_files', 'Assigners attach to tasks, assignees to their reports', 'insert',
  check_sql => $p$(assignee_id is null and app.in_scope(task_key))
              or (assignee_id is not null and exists (
                    select 1 from public.task_assignees a
                     where a.id = assignee_id and app.acts_for_assignee(a.member_id, a.org_key, a.org_id is not null)))$p$);

drop policy if exists "Users read the files of tasks they can see" on public.stored_files;
create policy "Users read the files of tasks they can see" on public.stored_files
  for select to authenticated
  using (key in (select f.storage_key from public.task_files f));

-- grants ---------------------------------------------------------------------------------
grant select, insert on public.task_files to authenticated;

-- background assignment ------------------------------------------------------------------------
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

select app.define_policy('public.task_fanouts', 'Managers start assigning in their scope', 'insert',
  check_sql => $p$requested_by = auth.uid() and app.in_scope(task_key)$p$);

-- grants ---------------------------------------------------------------------------------
grant select, insert on public.task_fanouts to authenticated;
