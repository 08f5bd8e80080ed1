/*
 * Annual evaluation and ranking of members (đánh giá, xếp loại chất lượng đảng viên; Quy định
 * 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW). A committee opens an evaluation period for its subtree; every
 * active member of the subtree gets one evaluation row, which moves through three steps:
 *
 *   self_assessment     the member scores himself/herself on the 100-point form and proposes a band
 *   cell_proposal       the cell's secretary records the cell meeting's proposal and its vote
 *                       (any manager of the cell's subtree may, e.g. the ward acting for a cell)
 *   committee_decision  the committee above the cell (a manager of the cell's parent) decides
 *   decided             done; the committee may reopen it (a return, with a reason)
 *
 * Every step can be returned to the one before with a reason. Every move is kept in
 * evaluation_history (the member's profile shows it). Bands are computed here, never in the app:
 * app.evaluation_band(points, all tasks done, conditions' cap). The quota of "excellent" per
 * grassroots organization is app.evaluation_quota(), checked by the app before a decision is saved
 * and enforced again by the trigger.
 *
 * Tables for later work (organization ranking, decision list export, /reports distribution):
 *   evaluation_periods      one per opening (org_id = the committee that opened it)
 *   evaluation_criteria     the 100-point form of a period (section general = 30, tasks = 70)
 *   evaluation_conditions   disqualifying conditions of a period and the band each caps to
 *   evaluations             one per member per period; the final band is decision_band when step = 'decided'
 *   evaluation_history      every move of an evaluation
 *   app.evaluation_reminders_sent  which reminders went out (never readable by users)
 *
 * Bands: 'excellent' (hoàn thành xuất sắc), 'good' (hoàn thành tốt), 'complete' (hoàn thành),
 * 'not_complete' (không hoàn thành); app.evaluation_band_rank() orders them 4..1.
 *
 * An evaluation keeps the cell (org_id, org_key) and the grassroots organization (grassroots_id) the
 * member belonged to when the period opened: a member who transfers afterwards is still evaluated
 * by the cell that worked with him/her that year. org_key columns are rewritten when the tree moves
 * (app.organizations_rekey finds them by name).
 *
 * The deadlines drive reminders and what the pages say; they do not close a step by themselves
 * (a cell that meets late still records its proposal). Closing the period (status 'closed') stops
 * every move. The final result of a member in a period:
 *   select decision_band from public.evaluations where period_id = … and member_id = … and step = 'decided'
 */

-- tables -------------------------------------------------------------------------------

/* An evaluation period: a year (or a term) of one committee's subtree, with a deadline per step. */
create table if not exists public.evaluation_periods (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  kind text not null default 'year' check (kind in ('year', 'term')),
  year int not null check (year between 2000 and 2100),
  title text not null check (length(title) between 1 and 200),
  self_due date not null,
  proposal_due date not null,
  decision_due date not null,
  -- "excellent" may be at most this share of those ranked good or better, per grassroots organization
  excellent_quota_percent numeric(5, 2) not null default 20 check (excellent_quota_percent between 0 and 100),
  status text not null default 'open' check (status in ('open', 'closed')),
  member_count int not null default 0,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  check (self_due <= proposal_due and proposal_due <= decision_due)
);

/*
 * The 100-point form of a period, as data: the opening copies the default criteria below, and the
 * committee that opened the period may adjust them until the first self-assessment is sent. The
 * points of a section add up to exactly 30 (general) and 70 (tasks), checked at commit.
 */
create table if not exists public.evaluation_criteria (
  id uuid primary key default gen_random_uuid(),
  period_id uuid not null references public.evaluation_periods (id),
  org_key text collate "C" not null default '',
  section text not null check (section in ('general', 'tasks')),
  position int not null default 0,
  title text not null check (length(title) between 1 and 300),
  max_points numeric(5, 2) not null check (max_points > 0 and max_points <= 70)
);

/*
 * Disqualifying conditions of a period (e.g. discipline in the year), each capping the band: a
 * member disciplined in the year cannot be ranked above "complete". Data, so a committee follows
 * a new guidance without a release; an evaluation lists the codes that apply to it.
 */
create table if not exists public.evaluation_conditions (
  id uuid primary key default gen_random_uuid(),
  period_id uuid not null references public.evaluation_periods (id),
  org_key text collate "C" not null default '',
  code text not null check (code ~ '^[a-z_]{1,40}$'),
  label text not null check (length(label) between 1 and 300),
  max_band text not null check (max_band in ('good', 'complete', 'not_complete')),
  unique (period_id, code)
);

/* One member's evaluation in one period: the three steps side by side, and where it stands. */
create table if not exists public.evaluations (
  id uuid primary key default gen_random_uuid(),
  period_id uuid not null references public.evaluation_periods (id),
  member_id uuid not null references public.members (id),
  org_id uuid not null references public.organizations (id),       -- the member's cell at the opening
  org_key text collate "C" not null default '',
  grassroots_id uuid not null references public.organizations (id), -- the quota's unit
  step text not null default 'self_assessment'
    check (step in ('self_assessment', 'cell_proposal', 'committee_decision', 'decided')),
  -- the member's self-assessment: {criterion id: points}, their sum, the band it gives and the one proposed
  self_scores jsonb not null default '{}',
  self_points numeric(5, 2),
  self_computed_band text check (self_computed_band in ('excellent', 'good', 'complete', 'not_complete')),
  self_band text check (self_band in ('excellent', 'good', 'complete', 'not_complete')),
  self_all_tasks_done boolean,
  self_note text check (length(self_note) <= 5000),
  self_at timestamptz,
  -- the cell meeting's proposal, recorded by its secretary, with the vote
  proposal_points numeric(5, 2) check (proposal_points between 0 and 100),
  all_tasks_done boolean,
  conditions text[] not null default '{}',
  proposal_band text check (proposal_band in ('excellent', 'good', 'complete', 'not_complete')),
  votes_for int check (votes_for >= 0),
  votes_against int check (votes_against >= 0),
  proposal_note text check (length(proposal_note) <= 5000),
  proposed_by uuid,
  proposed_at timestamptz,
  -- the committee's decision
  decision_band text check (decision_band in ('excellent', 'good', 'complete', 'not_complete')),
  decision_note text check (length(decision_note) <= 5000),
  decided_by uuid,
  decided_at timestamptz,
  -- the last return (to the step before), with its reason
  return_reason text check (length(return_reason) <= 2000),
  returned_at timestamptz,
  updated_at timestamptz not null default now(),
  unique (period_id, member_id)
);

/* Every move of an evaluation, with who and when: the member's history and the audit trail. */
create table if not exists public.evaluation_history (
  id bigint generated always as identity primary key,
  evaluation_id uuid not null references public.evaluations (id),
  member_id uuid not null,
  org_key text collate "C" not null default '',
  action text not null check (action in ('self_assessed', 'proposed', 'decided', 'returned')),
  from_step text not null,
  to_step text not null,
  points numeric(5, 2),
  band text,
  note text,
  by_user uuid default auth.uid(),
  by_name text,
  at timestamptz not null default now()
);

/* Reminders already sent, so each goes out once: (evaluation or organization, step, days before). */
create table if not exists app.evaluation_reminders_sent (
  period_id uuid not null,
  step text not null,
  subject_id uuid not null,
  days_before int not null,
  sent_at timestamptz not null default now(),
  primary key (period_id, step, subject_id, days_before)
);

-- indexes ------------------------------------------------------------------------------
create index if not exists evaluation_periods_org_key_idx on public.evaluation_periods (org_key, year desc);
create index if not exists evaluation_criteria_period_idx on public.evaluation_criteria (period_id, section, position);
create index if not exists evaluations_member_idx on public.evaluations (member_id, period_id);
create index if not exists evaluations_org_idx on public.evaluations (org_id, period_id, step);
-- the lists of a wide scope walk these in key order (a page of a province's 100,000 rows without sorting them all)
create index if not exists evaluations_period_key_idx on public.evaluations (period_id, org_key);
create index if not exists evaluations_period_step_idx on public.evaluations (period_id, step, org_key);
create index if not exists evaluations_quota_idx on public.evaluations (period_id, grassroots_id, step);
create index if not exists evaluations_org_key_idx on public.evaluations (org_key);
create index if not exists evaluation_history_idx on public.evaluation_history (evaluation_id, at);
create index if not exists evaluation_history_member_idx on public.evaluation_history (member_id, at);

-- bands --------------------------------------------------------------------------------

/* Bands ordered, best highest: caps and "no better than" checks compare ranks. */
create or replace function app.evaluation_band_rank(p_band text) returns int
language sql immutable
set search_path = ''
as $$
  select case p_band when 'excellent' then 4 when 'good' then 3 when 'complete' then 2 when 'not_complete' then 1 end
$$;

/*
 * The band a number of points gives (Quy định 366): ≥ 90 and every task done → excellent;
 * 70–< 90 (or ≥ 90 with a task left undone) → good; 50–< 70 → complete; < 50 → not complete.
 * p_cap (the worst cap among the conditions that apply, or null) lowers it.
 */
create or replace function app.evaluation_band(p_points numeric, p_all_tasks_done boolean, p_cap text default null) returns text
language sql immutable
set search_path = ''
as $$
  select case when p_cap is not null and app.evaluation_band_rank(p_cap) < app.evaluation_band_rank(b) then p_cap else b end
    from (select case when p_points >= 90 and coalesce(p_all_tasks_done, false) then 'excellent'
                      when p_points >= 70 then 'good'
                      when p_points >= 50 then 'complete'
                      else 'not_complete' end as b) computed
$$;

/* The worst band the given conditions of a period allow (null: no cap). */
create or replace function app.evaluation_cap(p_period_id uuid, p_conditions text[]) returns text
language sql stable security definer
set search_path = ''
as $$
  select c.max_band from public.evaluation_conditions c
   where c.period_id = p_period_id and c.code = any (p_conditions)
   order by app.evaluation_band_rank(c.max_band) limit 1
$$;

grant execute on function app.evaluation_band_rank(text), app.evaluation_band(numeric, boolean, text), app.evaluation_cap(uuid, text[])
  to authenticated, service_role;

-- the quota ------------------------------------------------------------------------------

/*
 * The "excellent" quota of one grassroots organization in one period, as it would stand if the
 * given evaluation were decided with the given band. The base is everyone ranked good or better
 * so far (decided band, else the cell's proposed band, for evaluations at the committee's step or
 * decided); the excellent are those decided excellent (plus this one). allowed = floor(base × %).
 * names: the excellent the caller may see (in his/her scope); others_over counts the rest.
 * Security definer: the quota counts the whole grassroots organization, whatever the caller sees.
 */
create or replace function app.evaluation_quota(p_evaluation_id uuid, p_band text)
returns table (quota_percent numeric, good_or_better int, excellent int, allowed int, over int, names text[], hidden int)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  target public.evaluations%rowtype;
begin
  select * into target from public.evaluations e where e.id = p_evaluation_id;
  -- only for an evaluation the caller manages (the system path, no user, asks for any)
  if not found or (auth.uid() is not null and not app.in_scope(target.org_key)) then
    return;
  end if;
  return query
  with standing as (
    select e.id, e.org_key, e.member_id,
           case when e.id = target.id then p_band
                when e.step = 'decided' then e.decision_band
                else e.proposal_band end as band,
           (e.id = target.id and p_band = 'excellent') or (e.id <> target.id and e.step = 'decided' and e.decision_band = 'excellent') as counted_excellent
      from public.evaluations e
     where e.period_id = target.period_id and e.grassroots_id = target.grassroots_id
       and (e.step in ('committee_decision', 'decided') or e.id = target.id)
  ), totals as (
    select count(*) filter (where app.evaluation_band_rank(s.band) >= 3)::int as base,
           count(*) filter (where s.counted_excellent)::int as top
      from standing s
  )
  select p.excellent_quota_percent, t.base, t.top,
         floor(t.base * p.excellent_quota_percent / 100)::int,
         greatest(t.top - floor(t.base * p.excellent_quota_percent / 100)::int, 0),
         coalesce((select array_agg(m.full_name order by m.full_name) from standing s join public.members m on m.id = s.member_id
                    where s.counted_excellent and app.in_scope(s.org_key)), '{}'),
         (select count(*)::int from standing s where s.counted_excellent and not app.in_scope(s.org_key))
    from totals t join public.evaluation_periods p on p.id = target.period_id;
end
$$;
revoke all on function app.evaluation_quota(uuid, text) from public;
grant execute on function app.evaluation_quota(uuid, text) to authenticated, service_role;

-- opening a period ---------------------------------------------------------------------------

/* Rows about a period carry the period's key (its committee's path) for their policies. */
create or replace function app.take_period_key() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  select p.org_key into new.org_key from public.evaluation_periods p where p.id = new.period_id;
  return new;
end
$$;

/*
 * A period is opened by a committee (not a cell, not a party group) for its own subtree; its key is
 * its committee's path. The deadlines are Vietnam dates and cannot lie in the past when opened.
 */
create or replace function app.evaluation_periods_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  org_kind text;
begin
  if app.rekeying() then return new; end if;
  select o.path::text, o.kind into new.org_key, org_kind from public.organizations o where o.id = new.org_id;
  if tg_op = 'INSERT' then
    if org_kind in ('cell', 'party_group') then
      raise exception 'only a committee opens an evaluation period' using errcode = '42501';
    end if;
    new.status := 'open';
    new.member_count := 0;
  elsif new.org_id is distinct from old.org_id or new.year is distinct from old.year or new.kind is distinct from old.kind then
    raise exception 'a period cannot move' using errcode = '42501';
  end if;
  return new;
end
$$;
drop trigger if exists evaluation_periods_prepare on public.evaluation_periods;
create trigger evaluation_periods_prepare before insert or update on public.evaluation_periods
  for each row execute function app.evaluation_periods_prepare();

/*
 * Opening: the default 100-point form and conditions, then one evaluation per active member of the
 * subtree in one INSERT … SELECT, then a notice to each. Members are reached through the ids of the
 * subtree's organizations (a key range on organizations' path index), never `org_path <@`, so a
 * province's 100,000 members open in one pass. A member already evaluated in another open period
 * of the same kind and year (a period opened above, earlier) is left to that one.
 */
create or replace function app.evaluation_periods_opened() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  opened int;
begin
  insert into public.evaluation_criteria (period_id, org_key, section, position, title, max_points)
  select new.id, new.org_key, c.section, c.position, c.title, c.max_points
    from (values
      ('general', 1, 'Tư tưởng chính trị; chấp hành chủ trương, đường lối của Đảng, pháp luật của Nhà nước', 8.0),
      ('general', 2, 'Phẩm chất đạo đức, lối sống; không suy thoái, "tự diễn biến", "tự chuyển hóa"', 8.0),
      ('general', 3, 'Ý thức tổ chức kỷ luật, tinh thần đoàn kết, tự phê bình và phê bình', 7.0),
      ('general', 4, 'Tác phong, lề lối làm việc; giữ mối liên hệ với nhân dân nơi cư trú', 7.0),
      ('tasks', 1, 'Kết quả thực hiện nhiệm vụ chuyên môn, công việc được giao trong năm', 40.0),
      ('tasks', 2, 'Thực hiện nhiệm vụ đảng viên do chi bộ phân công', 20.0),
      ('tasks', 3, 'Khắc phục hạn chế, khuyết điểm đã được chỉ ra', 10.0)
    ) c (section, position, title, max_points);
  insert into public.evaluation_conditions (period_id, org_key, code, label, max_band)
  values (new.id, new.org_key, 'discipline', 'Bị thi hành kỷ luật trong năm', 'complete'),
         (new.id, new.org_key, 'serious_violation', 'Vi phạm tư cách đảng viên hoặc không hoàn thành nhiệm vụ được giao', 'not_complete');

  with subtree as (
    select o.id, o.path, o.path::text as key
      from public.organizations o
     where (o.path::text collate "C") >= new.org_key and (o.path::text collate "C") < new.org_key || '/'
       and o.valid_to is null
  ), placed as materialized (
    -- each organization's grassroots organization: its nearest ancestor-or-self of a grassroots kind
    -- (materialized: once per organization; inlined, Postgres asked it once per member, 5 s for 100,000)
    select s.id, s.key,
           coalesce((select g.id from public.organizations g
                      where g.path operator(extensions.@>) s.path and g.kind in ('grassroots_committee', 'grassroots_cell')
                      order by extensions.nlevel(g.path) desc limit 1), s.id) as grassroots_id
      from subtree s
     where exists (select 1 from public.members m where m.org_id = s.id)
  )
  insert into public.evaluations (period_id, member_id, org_id, org_key, grassroots_id)
  select new.id, m.id, p.id, p.key, p.grassroots_id
    from placed p
    join public.members m on m.org_id = p.id
   where m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
     and not exists (select 1 from public.evaluations e join public.evaluation_periods other on other.id = e.period_id
                      where e.member_id = m.id and other.status = 'open' and other.kind = new.kind and other.year = new.year
                        and other.id <> new.id);
  get diagnostics opened = row_count;
  update public.evaluation_periods set member_count = opened where id = new.id;
  perform app.refresh_statistics('public.evaluations');

  insert into public.notifications (member_id, kind, title, url)
  select e.member_id, 'evaluation.opened',
         'Bắt đầu đánh giá, xếp loại: ' || new.title || '. Hãy tự đánh giá trước ngày ' || to_char(new.self_due, 'DD/MM/YYYY') || '.',
         '/evaluations/' || e.id
    from public.evaluations e where e.period_id = new.id;

  perform app.write_audit('evaluation_period.opened', 'evaluation_period', new.id, new.org_id,
                          jsonb_build_object('title', new.title, 'year', new.year, 'members', opened));
  return null;
end
$$;
drop trigger if exists evaluation_periods_opened on public.evaluation_periods;
create trigger evaluation_periods_opened after insert on public.evaluation_periods
  for each row execute function app.evaluation_periods_opened();

/* The form stays as it was while someone has filled it in; each section adds up (checked at commit). */
create or replace function app.evaluation_criteria_guard() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  period uuid := coalesce(new.period_id, old.period_id);
  general numeric;
  tasks numeric;
begin
  if app.rekeying() then return null; end if;
  -- a key rewrite (the tree moved) is not a change of the form; it is checked at commit, after the rewrite
  if tg_op = 'UPDATE' and (new.period_id, new.section, new.position, new.title, new.max_points)
                          is not distinct from (old.period_id, old.section, old.position, old.title, old.max_points) then
    return null;
  end if;
  if tg_op <> 'INSERT' and exists (select 1 from public.evaluations e where e.period_id = period and e.self_at is not null) then
    raise exception 'the form cannot change once a member has filled it in' using errcode = '42501';
  end if;
  select coalesce(sum(c.max_points) filter (where c.section = 'general'), 0), coalesce(sum(c.max_points) filter (where c.section = 'tasks'), 0)
    into general, tasks from public.evaluation_criteria c where c.period_id = period;
  if general <> 30 or tasks <> 70 then
    raise exception 'general criteria must add up to 30 points and task results to 70 (now % and %)', general, tasks
      using errcode = '23514';
  end if;
  return null;
end
$$;
drop trigger if exists evaluation_criteria_guard on public.evaluation_criteria;
create constraint trigger evaluation_criteria_guard after insert or update or delete on public.evaluation_criteria
  deferrable initially deferred
  for each row execute function app.evaluation_criteria_guard();
drop trigger if exists evaluation_criteria_key on public.evaluation_criteria;
create trigger evaluation_criteria_key before insert on public.evaluation_criteria
  for each row execute function app.take_period_key();
drop trigger if exists evaluation_conditions_key on public.evaluation_conditions;
create trigger evaluation_conditions_key before insert on public.evaluation_conditions
  for each row execute function app.take_period_key();

-- the steps ------------------------------------------------------------------------------------

/* Is the caller a manager of the committee above this cell (of the cell's parent organization)? */
create or replace function app.manages_above(p_org_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select app.in_scope(p.path::text) from public.organizations c join public.organizations p on p.id = c.parent_id
                    where c.id = p_org_id), false)
$$;
grant execute on function app.manages_above(uuid) to authenticated, service_role;

/*
 * Who moves an evaluation where (the only way rows change; the policies let the member and the
 * cell's managers reach a row, this decides what each may do with it):
 *   self_assessment    → cell_proposal       the member, on his/her own row: scores every criterion
 *   cell_proposal      → self_assessment     the cell's managers: a return, with a reason
 *   cell_proposal      → committee_decision  the cell's managers: points, vote, proposed band
 *   committee_decision → cell_proposal       the committee above: a return, with a reason
 *   committee_decision → decided             the committee above: the band, within the quota
 *   decided            → committee_decision  the committee above: reopens, with a reason
 * Nobody but the member moves his/her own evaluation (a secretary's own proposal and decision are
 * recorded by another manager of the cell or above).
 * Any other change is refused, and so is every change once the period is closed. Each actor only
 * writes his/her own step's columns: the others are kept from the old row. Bands are computed
 * here; a proposed or decided band may be lower than the points give, never higher.
 * The system path (no signed-in user: seeds, the bench) may make the same moves for anyone.
 */
create or replace function app.evaluations_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  period public.evaluation_periods%rowtype;
  system_path boolean := auth.uid() is null;
  cell_side boolean;
  above_side boolean;
  computed text;
  missing int;
  wrong int;
  quota record;
begin
  if app.rekeying() then return new; end if;
  if new.period_id is distinct from old.period_id or new.member_id is distinct from old.member_id
     or new.org_id is distinct from old.org_id or new.grassroots_id is distinct from old.grassroots_id then
    raise exception 'an evaluation cannot move' using errcode = '42501';
  end if;
  select * into period from public.evaluation_periods p where p.id = new.period_id;
  if period.status <> 'open' then
    raise exception 'the evaluation period is closed' using errcode = '42501';
  end if;
  -- nobody records the cell's proposal, the committee's decision or a return on his/her own
  -- evaluation (a secretary is evaluated too): another manager of the cell or above does
  cell_side := system_path or (app.in_scope(old.org_key) and old.member_id is distinct from app.current_member_id());
  above_side := system_path or (app.manages_above(old.org_id) and old.member_id is distinct from app.current_member_id());

  -- every step keeps what the other steps wrote; each branch takes back its own columns
  new.org_key := old.org_key;
  if old.step = 'self_assessment' and new.step = 'cell_proposal' then
    if not (system_path or old.member_id = app.current_member_id()) then
      raise exception 'only the member assesses himself/herself' using errcode = '42501';
    end if;
    select count(*) filter (where not (new.self_scores ? c.id::text)),
           count(*) filter (where (new.self_scores ? c.id::text)
                             and (jsonb_typeof(new.self_scores -> c.id::text) <> 'number'
                                  or (new.self_scores ->> c.id::text)::numeric not between 0 and c.max_points))
      into missing, wrong
      from public.evaluation_criteria c where c.period_id = old.period_id;
    if missing > 0 or wrong > 0 then
      raise exception 'every criterion needs points between 0 and its maximum (% missing, % out of range)', missing, wrong
        using errcode = '23514';
    end if;
    select sum((new.self_scores ->> c.id::text)::numeric) into new.self_points
      from public.evaluation_criteria c where c.period_id = old.period_id;
    new.self_computed_band := app.evaluation_band(new.self_points, new.self_all_tasks_done, null);
    new.self_band := coalesce(new.self_band, new.self_computed_band);
    if app.evaluation_band_rank(new.self_band) > app.evaluation_band_rank(new.self_computed_band) then
      raise exception 'the proposed band is above what the points give' using errcode = '23514';
    end if;
    new.self_at := now();
    new.proposal_points := old.proposal_points; new.all_tasks_done := old.all_tasks_done; new.conditions := old.conditions;
    new.proposal_band := old.proposal_band; new.votes_for := old.votes_for; new.votes_against := old.votes_against;
    new.proposal_note := old.proposal_note; new.proposed_by := old.proposed_by; new.proposed_at := old.proposed_at;
    new.decision_band := old.decision_band; new.decision_note := old.decision_note;
    new.decided_by := old.decided_by; new.decided_at := old.decided_at;
    new.return_reason := old.return_reason; new.returned_at := old.returned_at;
  elsif old.step = 'cell_proposal' and new.step = 'committee_decision' then
    if not cell_side then
      raise exception 'only the cell records its proposal' using errcode = '42501';
    end if;
    if new.proposal_points is null or new.votes_for is null or new.votes_against is null then
      raise exception 'a proposal needs its points and the vote' using errcode = '23514';
    end if;
    computed := app.evaluation_band(new.proposal_points, new.all_tasks_done, app.evaluation_cap(old.period_id, new.conditions));
    new.proposal_band := coalesce(new.proposal_band, computed);
    if app.evaluation_band_rank(new.proposal_band) > app.evaluation_band_rank(computed) then
      raise exception 'the proposed band is above what the points and conditions give' using errcode = '23514';
    end if;
    new.conditions := coalesce(new.conditions, '{}');
    new.proposed_by := auth.uid();
    new.proposed_at := now();
    new.self_scores := old.self_scores; new.self_points := old.self_points; new.self_computed_band := old.self_computed_band;
    new.self_band := old.self_band; new.self_all_tasks_done := old.self_all_tasks_done; new.self_note := old.self_note; new.self_at := old.self_at;
    new.decision_band := old.decision_band; new.decision_note := old.decision_note;
    new.decided_by := old.decided_by; new.decided_at := old.decided_at;
    new.return_reason := old.return_reason; new.returned_at := old.returned_at;
  elsif old.step = 'committee_decision' and new.step = 'decided' then
    if not above_side then
      raise exception 'only the committee above the cell decides' using errcode = '42501';
    end if;
    if new.decision_band is null then
      raise exception 'a decision needs its band' using errcode = '23514';
    end if;
    new.conditions := coalesce(new.conditions, '{}');
    computed := app.evaluation_band(old.proposal_points, old.all_tasks_done, app.evaluation_cap(old.period_id, new.conditions));
    if app.evaluation_band_rank(new.decision_band) > app.evaluation_band_rank(computed) then
      raise exception 'the decided band is above what the points and conditions give' using errcode = '23514';
    end if;
    if new.decision_band = 'excellent' then
      -- one decision at a time per grassroots organization and period, so two cannot both fit the last place
      perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(old.period_id::text || old.grassroots_id::text));
      select * into quota from app.evaluation_quota(old.id, 'excellent');
      if quota.over > 0 then
        raise exception 'evaluation quota exceeded: % over', quota.over using errcode = '23514';
      end if;
    end if;
    new.decided_by := auth.uid();
    new.decided_at := now();
    new.self_scores := old.self_scores; new.self_points := old.self_points; new.self_computed_band := old.self_computed_band;
    new.self_band := old.self_band; new.self_all_tasks_done := old.self_all_tasks_done; new.self_note := old.self_note; new.self_at := old.self_at;
    new.proposal_points := old.proposal_points; new.all_tasks_done := old.all_tasks_done;
    new.proposal_band := old.proposal_band; new.votes_for := old.votes_for; new.votes_against := old.votes_against;
    new.proposal_note := old.proposal_note; new.proposed_by := old.proposed_by; new.proposed_at := old.proposed_at;
    new.return_reason := old.return_reason; new.returned_at := old.returned_at;
  elsif (old.step, new.step) in (('cell_proposal', 'self_assessment'), ('committee_decision', 'cell_proposal'), ('decided', 'committee_decision')) then
    if (old.step = 'cell_proposal' and not cell_side) or (old.step <> 'cell_proposal' and not above_side) then
      raise exception 'only the next step''s side returns an evaluation' using errcode = '42501';
    end if;
    if coalesce(btrim(new.return_reason), '') = '' then
      raise exception 'a return needs its reason' using errcode = '23514';
    end if;
    new.returned_at := now();
    -- everything else stays; the step returned to is filled in again
    new.self_scores := old.self_scores; new.self_points := old.self_points; new.self_computed_band := old.self_computed_band;
    new.self_band := old.self_band; new.self_all_tasks_done := old.self_all_tasks_done; new.self_note := old.self_note; new.self_at := old.self_at;
    new.proposal_points := old.proposal_points; new.all_tasks_done := old.all_tasks_done; new.conditions := old.conditions;
    new.proposal_band := old.proposal_band; new.votes_for := old.votes_for; new.votes_against := old.votes_against;
    new.proposal_note := old.proposal_note; new.proposed_by := old.proposed_by; new.proposed_at := old.proposed_at;
    new.decision_band := old.decision_band; new.decision_note := old.decision_note;
    new.decided_by := old.decided_by; new.decided_at := old.decided_at;
  else
    raise exception 'this step is not open (% → %)', old.step, new.step using errcode = '42501';
  end if;
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists evaluations_prepare on public.evaluations;
-- not on insert: rows are inserted only by the opening (users have no insert grant nor policy), with
-- step's default; a row trigger there cost 0.7 s of a province's opening
create trigger evaluations_prepare before update on public.evaluations
  for each row execute function app.evaluations_prepare();

/* Each move: its history row, and a notice to whoever acts next (or to the member). */
create or replace function app.evaluations_moved() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  action text;
  period_title text;
begin
  if app.rekeying() or new.step is not distinct from old.step then return null; end if;
  action := case
    when (old.step, new.step) in (('cell_proposal', 'self_assessment'), ('committee_decision', 'cell_proposal'), ('decided', 'committee_decision')) then 'returned'
    when new.step = 'cell_proposal' then 'self_assessed'
    when new.step = 'committee_decision' then 'proposed'
    else 'decided' end;
  insert into public.evaluation_history (evaluation_id, member_id, org_key, action, from_step, to_step, points, band, note, by_name)
  values (new.id, new.member_id, new.org_key, action, old.step, new.step,
          case action when 'self_assessed' then new.self_points when 'proposed' then new.proposal_points end,
          case action when 'self_assessed' then new.self_band when 'proposed' then new.proposal_band when 'decided' then new.decision_band end,
          case action when 'self_assessed' then new.self_note when 'proposed' then new.proposal_note
                      when 'decided' then new.decision_note else new.return_reason end,
          (select coalesce(m.full_name, a.display_name) from public.accounts a left join public.members m on m.id = a.member_id
            where a.user_id = auth.uid()));
  select p.title into period_title from public.evaluation_periods p where p.id = new.period_id;
  if action = 'returned' and new.step = 'self_assessment' then
    insert into public.notifications (member_id, kind, title, url)
    values (new.member_id, 'evaluation.returned', 'Bản tự đánh giá được trả lại: ' || left(new.return_reason, 200), '/evaluations/' || new.id);
  elsif action = 'returned' and new.step = 'cell_proposal' then
    -- the cell's role holders record its proposal again
    insert into public.notifications (member_id, kind, title, url)
    select distinct r.member_id, 'evaluation.returned', 'Đề xuất xếp loại được cấp ủy trả lại: ' || left(new.return_reason, 200), '/evaluations/' || new.id
      from public.org_roles r
     where r.org_id = new.org_id and r.valid_from <= app.today() and (r.valid_to is null or r.valid_to >= app.today());
  elsif action = 'decided' then
    insert into public.notifications (member_id, kind, title, url)
    values (new.member_id, 'evaluation.decided', 'Đã có kết quả xếp loại: ' || period_title, '/evaluations/' || new.id);
  end if;
  return null;
end
$$;
drop trigger if exists evaluations_moved on public.evaluations;
create trigger evaluations_moved after update on public.evaluations
  for each row execute function app.evaluations_moved();

-- reminders ------------------------------------------------------------------------------------

/*
 * Called by the reminders pass (edge/features/reminders) with its "now": the reminders that fell
 * due, 3 days and 1 day before each step's deadline (Vietnam dates), each once. Only the nearest
 * reminder that fell due is sent (a period opened two days before the deadline sends the 1-day
 * one only on its day, not both). Who hears:
 *   self_assessment     each member who has not sent the self-assessment
 *   cell_proposal       the role holders of each cell with evaluations waiting for its proposal
 *   committee_decision  the role holders of each committee above such cells
 * Returns how many notices it wrote.
 */
create or replace function app.plan_reminders_evaluations(p_now timestamptz) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  today date := (p_now at time zone 'Asia/Ho_Chi_Minh')::date;
  written int := 0;
  n int;
begin
  -- members who have not assessed themselves
  with due as (
    select p.id as period_id, p.title, p.self_due as deadline,
           (select min(d) from unnest(array[1, 3]) d where today >= p.self_due - d) as days_before
      from public.evaluation_periods p
     where p.status = 'open' and today <= p.self_due and today >= p.self_due - 3
  ), fresh as (
    insert into app.evaluation_reminders_sent (period_id, step, subject_id, days_before)
    select d.period_id, 'self_assessment', e.id, d.days_before
      from due d join public.evaluations e on e.period_id = d.period_id and e.step = 'self_assessment'
    on conflict do nothing
    returning period_id, subject_id, days_before
  )
  insert into public.notifications (member_id, kind, title, url)
  select e.member_id, 'evaluation.reminder',
         'Nhắc việc: hạn tự đánh giá, xếp loại đảng viên là ngày ' || to_char(d.deadline, 'DD/MM/YYYY') || ' (' || d.title || ').',
         '/evaluations/' || e.id
    from fresh f join public.evaluations e on e.id = f.subject_id join due d on d.period_id = f.period_id;
  get diagnostics n = row_count;
  written := written + n;

  -- cells and committees with evaluations waiting for them: one reminder per organization, to its role holders
  with due as (
    select p.id as period_id, p.title, s.step, s.deadline,
           (select min(d) from unnest(array[1, 3]) d where today >= s.deadline - d) as days_before
      from public.evaluation_periods p
     cross join lateral (values ('cell_proposal', p.proposal_due), ('committee_decision', p.decision_due)) s (step, deadline)
     where p.status = 'open' and today <= s.deadline and today >= s.deadline - 3
  ), waiting as (
    select distinct d.period_id, d.step, d.days_before,
           case when d.step = 'cell_proposal' then e.org_id else c.parent_id end as org_id
      from due d
      join public.evaluations e on e.period_id = d.period_id and e.step in ('self_assessment', 'cell_proposal', 'committee_decision')
           and (d.step = 'cell_proposal' and e.step in ('self_assessment', 'cell_proposal')
                or d.step = 'committee_decision')
      join public.organizations c on c.id = e.org_id
  ), fresh as (
    insert into app.evaluation_reminders_sent (period_id, step, subject_id, days_before)
    select w.period_id, w.step, w.org_id, w.days_before from waiting w where w.org_id is not null
    on conflict do nothing
    returning period_id, step, subject_id
  )
  insert into public.notifications (member_id, kind, title, url)
  select distinct r.member_id, 'evaluation.reminder',
         case when f.step = 'cell_proposal' then 'Nhắc việc: hạn chi bộ đề xuất xếp loại đảng viên là ngày '
              else 'Nhắc việc: hạn cấp ủy quyết định xếp loại đảng viên là ngày ' end
           || to_char(d.deadline, 'DD/MM/YYYY') || ' (' || d.title || ').',
         '/evaluations?period=' || f.period_id
    from fresh f
    join due d on d.period_id = f.period_id and d.step = f.step
    join public.org_roles r on r.org_id = f.subject_id
   where r.valid_from <= today and (r.valid_to is null or r.valid_to >= today);
  get diagnostics n = row_count;
  return written + n;
end
$$;
revoke all on function app.plan_reminders_evaluations(timestamptz) from public, anon, authenticated;
grant execute on function app.plan_reminders_evaluations(timestamptz) to service_role;

-- row-level security -----------------------------------------------------------------------
alter table public.evaluation_periods enable row level security;
alter table public.evaluation_criteria enable row level security;
alter table public.evaluation_conditions enable row level security;
alter table public.evaluations enable row level security;
alter table public.evaluation_history enable row level security;
alter table app.evaluation_reminders_sent enable row level security;

/* A period is seen by the managers of its committee's subtree, by managers of any part of it, by
   the members whose cell lies inside it, and by every member evaluated in it: one transferred out of
   the subtree during the period is still evaluated there (his/her row stays with the cell that
   opened it) and must still reach his/her self-assessment. */
select app.define_policy('public.evaluation_periods', 'Members and managers of the subtree read its evaluation periods', 'select',
  using_sql => $p$app.in_scope(org_key)
         or org_key::extensions.ltree operator(extensions.@>) (select app.home_path())
         or org_key::extensions.ltree operator(extensions.@>) any ((select app.managed_scope())::extensions.ltree[])
         or exists (select 1 from public.evaluations e
                     where e.member_id = (select app.current_member_id()) and e.period_id = evaluation_periods.id)$p$);

select app.define_policy('public.evaluation_periods', 'Committee managers open evaluation periods for their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key) and org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])$p$);

select app.define_policy('public.evaluation_periods', 'Committee managers change the evaluation periods of their subtree', 'update',
  using_sql => $p$app.in_scope(org_key) and org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])$p$,
  check_sql => $p$app.in_scope(org_key) and org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])$p$);

/* The form and the conditions: whoever sees the period reads them; its committee adjusts them. */
drop policy if exists "Readers of a period read its criteria" on public.evaluation_criteria;
create policy "Readers of a period read its criteria" on public.evaluation_criteria
  for select to authenticated
  using (period_id in (select p.id from public.evaluation_periods p));

select app.define_policy('public.evaluation_criteria', 'The committee of a period adjusts its criteria', 'all',
  using_sql => $p$app.in_scope(org_key) and org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])$p$,
  check_sql => $p$app.in_scope(org_key) and org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])$p$);

drop policy if exists "Readers of a period read its disqualifying conditions" on public.evaluation_conditions;
create policy "Readers of a period read its disqualifying conditions" on public.evaluation_conditions
  for select to authenticated
  using (period_id in (select p.id from public.evaluation_periods p));

select app.define_policy('public.evaluation_conditions', 'The committee of a period adjusts its disqualifying conditions', 'all',
  using_sql => $p$app.in_scope(org_key) and org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])$p$,
  check_sql => $p$app.in_scope(org_key) and org_key::extensions.ltree operator(extensions.<@) any ((select app.managed_scope(true))::extensions.ltree[])$p$);

/* An evaluation: the member reads his/her own; the managers of the member's cell and of every
   committee above read those of their subtree. Nobody else sees it. */
select app.define_policy('public.evaluations', 'Members read their own evaluation and managers those of their subtree', 'select',
  using_sql => $p$member_id = (select app.current_member_id()) or app.in_scope(org_key)$p$);

/* The same people reach a row to move it; app.evaluations_prepare decides which move is whose
   (the member only his/her self-assessment while that step is open). Rows are created only by the
   opening of a period, and never deleted. */
select app.define_policy('public.evaluations', 'Members and managers of the subtree move evaluations through their steps', 'update',
  using_sql => $p$member_id = (select app.current_member_id()) or app.in_scope(org_key)$p$,
  check_sql => $p$member_id = (select app.current_member_id()) or app.in_scope(org_key)$p$);

select app.define_policy('public.evaluation_history', 'Members read their own evaluation history and managers that of their subtree', 'select',
  using_sql => $p$member_id = (select app.current_member_id()) or app.in_scope(org_key)$p$);

drop policy if exists "No user reads or writes which evaluation reminders were sent" on app.evaluation_reminders_sent;
create policy "No user reads or writes which evaluation reminders were sent" on app.evaluation_reminders_sent
  for all to authenticated
  using (false)
  with check (false);

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.evaluation_periods to authenticated;
grant select, insert, update, delete on public.evaluation_criteria to authenticated;
grant select, insert, update, delete on public.evaluation_conditions to authenticated;
grant select, update (step, self_scores, self_band, self_all_tasks_done, self_note, proposal_points, all_tasks_done, conditions,
                      proposal_band, votes_for, votes_against, proposal_note, decision_band, decision_note, return_reason)
  on public.evaluations to authenticated;
grant select on public.evaluation_history to authenticated;
