/*
 * Resolution study (học tập nghị quyết): a committee's managers open a study campaign for their
 * subtree (a resolution from the library, extra materials, a period, a deadline, an optional
 * quiz). Every member of the subtree records that he/she studied (or the cell's secretary records
 * it for a member who attended the cell's study session: by proxy), hands in a short reflection
 * (bài thu hoạch) that the cell's managers accept or return with a reason, and takes the quiz.
 *
 * The audience is not copied into rows: a campaign is for every member whose home cell lies in
 * its subtree today (so a member who joins a cell mid-campaign is in it), and a member's record
 * exists only once he/she (or the secretary) did something. Completion counts members by
 * organization and records by their copied cell key.
 *
 * The library document and the exam are referenced by id only (no foreign keys): those features'
 * migrations were not committed when this one was written; the app links to /library/<id> and
 * /exams/<id>, and those pages decide what the reader may see.
 */

-- tables -------------------------------------------------------------------------------

/* A campaign, addressed to the subtree of org_id (its key is copied for the policies). */
create table if not exists public.study_campaigns (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  title text not null check (length(title) between 1 and 200),
  description text check (length(description) <= 5000),
  document_id uuid not null,
  extra_document_ids uuid[] not null default '{}' check (cardinality(extra_document_ids) <= 10),
  extra_links text[] not null default '{}' check (cardinality(extra_links) <= 10),
  exam_id uuid,
  starts_on date not null,
  due_on date not null,
  closed_at timestamptz,
  created_by_member uuid default app.current_member_id() references public.members (id),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (due_on >= starts_on)
);

/* One member's study in one campaign: studied (by him/herself or by proxy), and the reflection. */
create table if not exists public.study_records (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references public.study_campaigns (id),
  member_id uuid not null references public.members (id),
  -- the member's home cell when the record was made (set by the trigger, never by the caller)
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  studied_at timestamptz,
  studied_by_proxy boolean not null default false,
  recorded_by uuid references public.members (id),
  reflection text check (length(reflection) <= 4000),
  reflection_status text not null default 'none' check (reflection_status in ('none', 'submitted', 'returned', 'accepted')),
  submitted_at timestamptz,
  reviewed_at timestamptz,
  reviewed_by uuid references public.members (id),
  return_reason text check (length(return_reason) <= 1000),
  updated_at timestamptz not null default now(),
  unique (campaign_id, member_id),
  check (reflection_status = 'none' or coalesce(length(reflection), 0) > 0),
  check (reflection_status <> 'returned' or coalesce(length(return_reason), 0) > 0)
);

/* The deadline reminders already sent: one row per (campaign, days before), so each goes once. */
create table if not exists public.study_reminders (
  campaign_id uuid not null references public.study_campaigns (id),
  org_key text collate "C" not null default '',
  days_before int not null check (days_before in (1, 3)),
  sent_at timestamptz not null default now(),
  primary key (campaign_id, days_before)
);

-- indexes ------------------------------------------------------------------------------
create index if not exists study_campaigns_org_key_idx on public.study_campaigns (org_key, due_on);
create index if not exists study_campaigns_due_idx on public.study_campaigns (due_on) where closed_at is null;
-- completion: a campaign's records within an organization's key range
create index if not exists study_records_campaign_key_idx on public.study_records (campaign_id, org_key);
create index if not exists study_records_member_idx on public.study_records (member_id);

-- helper functions -----------------------------------------------------------------------

/* Extra links are plain web addresses (shown as links, never embedded). */
create or replace function app.study_links_valid(p_links text[]) returns boolean
language sql immutable
set search_path = ''
as $$
  select coalesce(bool_and(l ~ '^https?://[^\s<>"]+$' and pg_catalog.length(l) <= 500), true) from pg_catalog.unnest(p_links) l
$$;
alter table public.study_campaigns drop constraint if exists study_campaigns_links_valid;
alter table public.study_campaigns add constraint study_campaigns_links_valid check (app.study_links_valid(extra_links));

/*
 * Does the caller hold a current role in this very organization (the cell's secretary, deputy,
 * committee member)? Only they record study by proxy and review reflections: the cell runs the
 * study session and reads its members' reflections; committees above only read.
 */
create or replace function app.study_manages_cell(p_org_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.org_roles r
                  where r.org_id = p_org_id and r.member_id = app.current_member_id()
                    and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today()))
$$;
revoke all on function app.study_manages_cell(uuid) from public, anon;
grant execute on function app.study_manages_cell(uuid) to authenticated, service_role;

/*
 * Members now (not deceased, not left) in the subtree of each organization given that the caller
 * manages: the denominators of completion. Read from the registration report's rollup
 * (app.registration_totals, kept per subtree path in the same transaction as every change), so a
 * province's row costs one index lookup instead of counting 30,000 members under RLS.
 */
create or replace function app.study_member_counts(p_org_ids uuid[]) returns table (org_id uuid, members integer)
language sql stable security definer
set search_path = ''
as $$
  select o.id, coalesce(t.members, 0)
    from public.organizations o
    left join app.registration_totals t on t.org_path operator(extensions.=) o.path
   where o.id = any (p_org_ids) and app.in_scope(o.path::text)
$$;
revoke all on function app.study_member_counts(uuid[]) from public, anon;
grant execute on function app.study_member_counts(uuid[]) to authenticated, service_role;

-- triggers -------------------------------------------------------------------------------
drop trigger if exists study_campaigns_prepare on public.study_campaigns;
create trigger study_campaigns_prepare before insert or update on public.study_campaigns
  for each row execute function app.take_org_key();
drop trigger if exists study_campaigns_touch on public.study_campaigns;
create trigger study_campaigns_touch before update on public.study_campaigns
  for each row execute function app.touch_updated_at();

/* A deadline moved: its reminders fall due again (each once) before the new deadline. */
create or replace function app.study_campaigns_deadline_moved() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.due_on is distinct from old.due_on then
    delete from public.study_reminders s where s.campaign_id = new.id;
  end if;
  return null;
end
$$;
drop trigger if exists study_campaigns_deadline_moved on public.study_campaigns;
create trigger study_campaigns_deadline_moved after update of due_on on public.study_campaigns
  for each row execute function app.study_campaigns_deadline_moved();

/*
 * Who may move a record where. An insert starts from a blank record (as if OLD were empty) so
 * the same rules hold whether the first act creates the row or a later one updates it:
 *  - studied: the member him/herself, or by proxy a manager of the member's own cell; once only;
 *  - the reflection: only the member writes and hands it in (again after a return), never after
 *    it was accepted;
 *  - accept / return: a manager of the member's cell (not the member reviewing him/herself),
 *    only a handed-in reflection, a return with its reason.
 * The member must be in the campaign's audience (home cell inside its subtree) and the campaign
 * open and started. Who recorded and when is set here, never taken from the caller.
 */
create or replace function app.study_records_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := app.current_member_id();
  campaign public.study_campaigns%rowtype;
  is_self boolean;
  is_manager boolean;
  old_studied timestamptz;
  old_reflection text;
  old_status text;
  old_reason text;
  moved_org uuid;
  moved_key text;
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  if tg_op = 'INSERT' then
    select m.org_id, m.org_key into new.org_id, new.org_key
      from public.members m
     where m.id = new.member_id and m.deceased_on is null and (m.left_on is null or m.left_on > app.today());
    old_status := 'none';
  else
    if new.campaign_id is distinct from old.campaign_id or new.member_id is distinct from old.member_id
       or new.org_id is distinct from old.org_id or new.org_key is distinct from old.org_key then
      raise exception 'a study record cannot move' using errcode = '42501';
    end if;
    -- a member who moved to another cell takes the record along: his/her cell of now reads and
    -- reviews it (the cell he/she left no longer accepts or returns it); one who left keeps it where it was
    select m.org_id, m.org_key into moved_org, moved_key
      from public.members m
     where m.id = new.member_id and m.deceased_on is null and (m.left_on is null or m.left_on > app.today());
    if moved_key is not null then
      new.org_id := moved_org;
      new.org_key := moved_key;
    end if;
    old_studied := old.studied_at;
    old_reflection := old.reflection;
    old_status := old.reflection_status;
    old_reason := old.return_reason;
  end if;
  select * into campaign from public.study_campaigns c where c.id = new.campaign_id;
  if campaign.id is null or coalesce(new.org_key, '') = ''
     or not (new.org_key::extensions.ltree operator(extensions.<@) campaign.org_key::extensions.ltree) then
    raise exception 'the member is not in the campaign''s audience' using errcode = '42501';
  end if;
  if campaign.closed_at is not null or campaign.starts_on > app.today() then
    raise exception 'the campaign is not open' using errcode = '42501';
  end if;
  is_self := me is not null and new.member_id = me;
  is_manager := app.study_manages_cell(new.org_id);

  -- studied
  if new.studied_at is distinct from old_studied then
    if old_studied is not null then
      raise exception 'study is recorded once' using errcode = '42501';
    elsif is_self then
      new.studied_by_proxy := false;
    elsif is_manager then
      new.studied_by_proxy := true;
    else
      raise exception 'only the member or the cell''s managers record study' using errcode = '42501';
    end if;
    new.studied_at := now();
    new.recorded_by := me;
  elsif tg_op = 'UPDATE' then
    new.studied_by_proxy := old.studied_by_proxy;
    new.recorded_by := old.recorded_by;
  else
    new.studied_by_proxy := false;
    new.recorded_by := null;
  end if;

  -- the reflection
  if new.reflection_status in ('accepted', 'returned') and new.reflection_status is distinct from old_status then
    if is_self or not is_manager or old_status <> 'submitted' or new.reflection is distinct from old_reflection then
      raise exception 'only the cell''s managers accept or return a handed-in reflection' using errcode = '42501';
    end if;
    new.reviewed_at := now();
    new.reviewed_by := me;
    if new.reflection_status = 'accepted' then
      new.return_reason := null;
    end if;
  elsif new.reflection is distinct from old_reflection or new.reflection_status is distinct from old_status then
    if not is_self or old_status = 'accepted' or new.reflection_status <> 'submitted' then
      raise exception 'only the member hands in his/her reflection' using errcode = '42501';
    end if;
    new.submitted_at := now();
    -- the reason stays readable beside the revised text until the next review
    new.return_reason := old_reason;
    if tg_op = 'UPDATE' then
      new.reviewed_at := old.reviewed_at;
      new.reviewed_by := old.reviewed_by;
    end if;
  elsif tg_op = 'UPDATE' then
    new.submitted_at := old.submitted_at;
    new.reviewed_at := old.reviewed_at;
    new.reviewed_by := old.reviewed_by;
    new.return_reason := old.return_reason;
  else
    new.submitted_at := null;
    new.reviewed_at := null;
    new.reviewed_by := null;
    new.return_reason := null;
  end if;
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists study_records_prepare on public.study_records;
create trigger study_records_prepare before insert or update on public.study_records
  for each row execute function app.study_records_prepare();

/* A handed-in reflection: the cell's managers hear of it (they read and review it); a reviewed
   one: the member hears of it; a proxy record is kept in the audit trail. */
create or replace function app.study_records_notify() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  campaign_title text;
begin
  if app.rekeying() then return null; end if;
  select c.title into campaign_title from public.study_campaigns c where c.id = new.campaign_id;
  if new.reflection_status in ('accepted', 'returned')
     and (tg_op = 'INSERT' or new.reflection_status is distinct from old.reflection_status) then
    insert into public.notifications (member_id, kind, title, url)
    values (new.member_id, 'study.' || new.reflection_status,
            pg_catalog.left(case when new.reflection_status = 'accepted' then 'Bài thu hoạch được chấp nhận: '
                                 else 'Bài thu hoạch bị trả lại: ' end || campaign_title, 300),
            '/study/' || new.campaign_id);
  end if;
  if new.reflection_status = 'submitted' and (tg_op = 'INSERT' or new.reflection_status is distinct from old.reflection_status) then
    insert into public.notifications (member_id, kind, title, url)
    select distinct r.member_id, 'study.submitted', pg_catalog.left('Bài thu hoạch mới cần đọc: ' || campaign_title, 300),
           '/study/' || new.campaign_id || '/records/' || new.id
      from public.org_roles r
     where r.org_id = new.org_id and r.member_id <> new.member_id
       and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today());
  end if;
  if new.studied_by_proxy and (tg_op = 'INSERT' or old.studied_at is null) and new.studied_at is not null then
    perform app.write_audit('study.proxy', 'member', new.member_id, new.org_id,
                            pg_catalog.jsonb_build_object('campaign_id', new.campaign_id));
  end if;
  return null;
end
$$;
drop trigger if exists study_records_notify on public.study_records;
create trigger study_records_notify after insert or update on public.study_records
  for each row execute function app.study_records_notify();

-- reminders ----------------------------------------------------------------------------------
/*
 * Called by the reminders pass (every app.plan_reminders_* function): three days and one day
 * before an open campaign's deadline, a notice to each member of its subtree who has not yet
 * recorded study. Each (campaign, window) is claimed once in study_reminders, so concurrent or
 * repeated passes send nothing twice; a pass that missed a window sends only the tightest one
 * due (a campaign opened the day before its deadline gets one notice, not two). Returns the
 * number of notices.
 */
create or replace function app.plan_reminders_resolution_study(p_now timestamptz) returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  today date := (p_now at time zone 'Asia/Ho_Chi_Minh')::date;
  sent integer;
begin
  with claimed as (
    insert into public.study_reminders (campaign_id, org_key, days_before, sent_at)
    select c.id, c.org_key, w.days, p_now
      from public.study_campaigns c
      cross join (values (3), (1)) w (days)
     where c.closed_at is null and c.starts_on <= today
       and c.due_on >= today and c.due_on - today <= w.days
    on conflict do nothing
    returning campaign_id, days_before
  ), tightest as (
    select distinct on (campaign_id) campaign_id from claimed order by campaign_id, days_before
  ), notices as (
    insert into public.notifications (member_id, kind, title, url)
    select m.id, 'study.deadline',
           pg_catalog.left('Hạn học tập nghị quyết ' || pg_catalog.to_char(c.due_on, 'DD/MM/YYYY') || ': ' || c.title, 300),
           '/study/' || c.id
      from tightest t
      join public.study_campaigns c on c.id = t.campaign_id
      join public.members m on m.org_path operator(extensions.<@) c.org_key::extensions.ltree
     where m.deceased_on is null and (m.left_on is null or m.left_on > today)
       and not exists (select 1 from public.study_records r
                        where r.campaign_id = c.id and r.member_id = m.id and r.studied_at is not null)
    returning 1
  )
  select count(*)::int into sent from notices;
  return sent;
end
$$;
revoke all on function app.plan_reminders_resolution_study(timestamptz) from public, anon, authenticated;
grant execute on function app.plan_reminders_resolution_study(timestamptz) to service_role;

-- row-level security -----------------------------------------------------------------------
alter table public.study_campaigns enable row level security;
alter table public.study_records enable row level security;
alter table public.study_reminders enable row level security;

/* Campaigns are read by the managers of the subtree they are in, by the members they are
   addressed to (home cell inside the subtree), and by managers of a part of their subtree whose
   own home cell is elsewhere (a ward's staff living in another ward). */
select app.define_policy('public.study_campaigns', 'Managers and addressed members read study campaigns', 'select',
  using_sql => $p$app.in_scope(org_key)
         or (select app.home_path()) operator(extensions.<@) org_key::extensions.ltree
         or org_key::extensions.ltree operator(extensions.@>) any ((select app.managed_scope())::extensions.ltree[])$p$);

select app.define_policy('public.study_campaigns', 'Managers open study campaigns for their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.study_campaigns', 'Managers change study campaigns of their subtree', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

/* Records: the member's own, and those of members in the managed subtree (a cell's managers
   their cell, committees their subtree). */
select app.define_policy('public.study_records', 'Members read their own study and managers that of their subtree', 'select',
  using_sql => $p$member_id = (select app.current_member_id()) or app.in_scope(org_key)$p$);

/* Writing: the member his/her own record, a cell's managers the records of the cell's members
   (the trigger decides which move belongs to whom). */
drop policy if exists "Members and their cell's managers write study records" on public.study_records;
create policy "Members and their cell's managers write study records" on public.study_records
  for insert to authenticated
  with check (member_id = (select app.current_member_id()) or app.study_manages_cell(org_id));

drop policy if exists "Members and their cell's managers update study records" on public.study_records;
create policy "Members and their cell's managers update study records" on public.study_records
  for update to authenticated
  using (member_id = (select app.current_member_id()) or app.study_manages_cell(org_id))
  with check (member_id = (select app.current_member_id()) or app.study_manages_cell(org_id));

/* Which reminders went out: the campaign's managers (written only by the reminders pass). */
select app.define_policy('public.study_reminders', 'Managers see which study reminders were sent', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

-- grants ---------------------------------------------------------------------------------
-- columns named one by one: who created a record and who reviewed it are set by defaults and the
-- trigger, never by the caller
grant select on public.study_campaigns to authenticated;
grant insert (org_id, title, description, document_id, extra_document_ids, extra_links, exam_id, starts_on, due_on)
  on public.study_campaigns to authenticated;
grant update (title, description, document_id, extra_document_ids, extra_links, exam_id, starts_on, due_on, closed_at)
  on public.study_campaigns to authenticated;
grant select on public.study_records to authenticated;
grant insert (campaign_id, member_id, studied_at, reflection, reflection_status, return_reason) on public.study_records to authenticated;
grant update (studied_at, reflection, reflection_status, return_reason) on public.study_records to authenticated;
grant select on public.study_reminders to authenticated;
