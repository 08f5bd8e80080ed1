/*
 * Ranking of Party organizations in an evaluation period (xếp loại tổ chức đảng; Quy định
 * 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW), in the same flow as the members' (migration evaluations):
 * each organization of the period's subtree (a cell, a grassroots organization, a committee)
 * writes its collective report and proposes its own band; the committee above it decides.
 *
 *   self_assessment     the organization's own managers write the report and the band they propose
 *   committee_decision  sent: the committee above (a manager of the organization's parent) decides
 *   decided             done; the committee above may reopen it (a return, with a reason)
 *
 * The members' results shown beside the report (and in /reports) are read from
 * evaluation_band_counts, a count per organization and band kept by triggers on
 * public.evaluations; the sub-units' results from the sub-units' rows of this table.
 * A row is created by the organization's first save (there is nothing to record before it), so
 * opening a period for a province adds nothing here.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.org_evaluations (
  id uuid primary key default gen_random_uuid(),
  period_id uuid not null references public.evaluation_periods (id),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  step text not null default 'self_assessment' check (step in ('self_assessment', 'committee_decision', 'decided')),
  -- the collective report (báo cáo kiểm điểm tập thể) and the band the organization proposes for itself
  self_band text check (self_band in ('excellent', 'good', 'complete', 'not_complete')),
  self_report text check (length(self_report) <= 20000),
  self_by uuid,
  self_at timestamptz,
  -- the decision of the committee above
  decision_band text check (decision_band in ('excellent', 'good', 'complete', 'not_complete')),
  decision_note text check (length(decision_note) <= 5000),
  decided_by uuid,
  decided_at timestamptz,
  -- the last return (to the step before), with its reason
  return_reason text check (length(return_reason) <= 2000),
  returned_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (period_id, org_id)
);

-- indexes ------------------------------------------------------------------------------
-- the policies' key range, and the sub-units' rows of one period (org_key range within the period)
create index if not exists org_evaluations_period_key_idx on public.org_evaluations (period_id, org_key);
create index if not exists org_evaluations_org_key_idx on public.org_evaluations (org_key);
/* The decision list and the /reports distribution read one period's decided evaluations of one
   subtree (a key range); E1's (period_id, step, org_key) index serves them, nothing to add. */

-- triggers -------------------------------------------------------------------------------
drop trigger if exists org_evaluations_key on public.org_evaluations;
create trigger org_evaluations_key before insert or update on public.org_evaluations
  for each row execute function app.take_org_key();

/*
 * Who moves an organization's evaluation where; the policies only let managers of the subtree
 * reach a row, this decides which side may make which move (the same split as the members'):
 *   self_assessment    → self_assessment     the organization's side (its managers or above): a draft
 *   self_assessment    → committee_decision  the organization's side: sends the report and its band
 *   committee_decision → self_assessment     the committee above: a return, with a reason
 *   committee_decision → decided             the committee above: its band
 *   decided            → committee_decision  the committee above: reopens, with a reason
 * The organization must lie in the period's subtree, and the period be open. A party group is
 * not ranked. Each side writes only its own columns; the others are kept from the old row. Named
 * so that it runs after org_evaluations_key (triggers of one event run in name order): the key it
 * reads is the organization's current one.
 */
create or replace function app.org_evaluations_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  period public.evaluation_periods%rowtype;
  org_kind text;
  system_path boolean := auth.uid() is null;
  own_side boolean;
  above_side boolean;
begin
  if app.rekeying() then return new; end if;
  select * into period from public.evaluation_periods p where p.id = new.period_id;
  if period.status is distinct from 'open' then
    raise exception 'the evaluation period is closed' using errcode = '42501';
  end if;
  if tg_op = 'UPDATE' and (new.period_id is distinct from old.period_id or new.org_id is distinct from old.org_id) then
    raise exception 'an organization''s evaluation cannot move' using errcode = '42501';
  end if;
  select o.kind into org_kind from public.organizations o where o.id = new.org_id;
  if org_kind = 'party_group' or not (new.org_key >= period.org_key and new.org_key < period.org_key || '/') then
    raise exception 'the organization is not ranked in this period' using errcode = '42501';
  end if;
  own_side := system_path or app.in_scope(new.org_key);
  above_side := system_path or app.manages_above(new.org_id);

  if tg_op = 'INSERT' then
    -- a first save is a draft of the report; it is sent by an update like any later one
    if not own_side then
      raise exception 'only the organization writes its report' using errcode = '42501';
    end if;
    new.step := 'self_assessment';
    new.decision_band := null; new.decision_note := null; new.decided_by := null; new.decided_at := null;
    new.return_reason := null; new.returned_at := null;
    new.self_by := auth.uid();
    return new;
  end if;

  if old.step = 'self_assessment' and new.step in ('self_assessment', 'committee_decision') then
    if not own_side then
      raise exception 'only the organization writes its report' using errcode = '42501';
    end if;
    if new.step = 'committee_decision' and (new.self_band is null or coalesce(btrim(new.self_report), '') = '') then
      raise exception 'a report is sent with its text and its band' using errcode = '23514';
    end if;
    new.self_by := auth.uid();
    new.self_at := case when new.step = 'committee_decision' then now() else old.self_at end;
    new.decision_band := old.decision_band; new.decision_note := old.decision_note;
    new.decided_by := old.decided_by; new.decided_at := old.decided_at;
    new.return_reason := old.return_reason; new.returned_at := old.returned_at;
  elsif old.step = 'committee_decision' and new.step = 'decided' then
    if not above_side then
      raise exception 'only the committee above decides' using errcode = '42501';
    end if;
    if new.decision_band is null then
      raise exception 'a decision needs its band' using errcode = '23514';
    end if;
    new.decided_by := auth.uid();
    new.decided_at := now();
    new.self_band := old.self_band; new.self_report := old.self_report; new.self_by := old.self_by; new.self_at := old.self_at;
    new.return_reason := old.return_reason; new.returned_at := old.returned_at;
  elsif (old.step, new.step) in (('committee_decision', 'self_assessment'), ('decided', 'committee_decision')) then
    if not above_side then
      raise exception 'only the committee above returns a report' using errcode = '42501';
    end if;
    if coalesce(btrim(new.return_reason), '') = '' then
      raise exception 'a return needs its reason' using errcode = '23514';
    end if;
    new.returned_at := now();
    new.self_band := old.self_band; new.self_report := old.self_report; new.self_by := old.self_by; new.self_at := old.self_at;
    new.decision_band := old.decision_band; new.decision_note := old.decision_note;
    new.decided_by := old.decided_by; new.decided_at := old.decided_at;
  else
    raise exception 'this step is not open (% → %)', old.step, new.step using errcode = '42501';
  end if;
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists org_evaluations_prepare on public.org_evaluations;
create trigger org_evaluations_prepare before insert or update on public.org_evaluations
  for each row execute function app.org_evaluations_prepare();

/* Every move is audited (who, when, which step, which band), on the organization's trail. */
create or replace function app.org_evaluations_audit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  action text;
begin
  if app.rekeying() then return null; end if;
  if tg_op = 'UPDATE' and new.step = old.step and new.self_band is not distinct from old.self_band
     and new.self_report is not distinct from old.self_report then
    return null;
  end if;
  action := case
    when tg_op = 'INSERT' or (old.step = 'self_assessment' and new.step = 'self_assessment') then 'draft'
    when new.step = 'committee_decision' and old.step = 'self_assessment' then 'sent'
    when new.step = 'decided' then 'decided'
    else 'returned' end;
  perform app.write_audit('org_evaluation.' || action, 'org_evaluation', new.id, new.org_id,
    jsonb_build_object('period_id', new.period_id, 'from', case when tg_op = 'UPDATE' then old.step end, 'to', new.step,
                       'band', case action when 'decided' then new.decision_band when 'returned' then null else new.self_band end,
                       'reason', case action when 'returned' then new.return_reason end));
  return null;
end
$$;
drop trigger if exists org_evaluations_audit on public.org_evaluations;
create trigger org_evaluations_audit after insert or update on public.org_evaluations
  for each row execute function app.org_evaluations_audit();

-- the members' results, counted per organization ------------------------------------------
/*
 * Members per period, organization (the member's cell at the opening), step and band (the decided
 * band, or 'pending' until the decision): the step too, so that a list's counts per step can be
 * read here as well. Kept by statement triggers on public.evaluations, so that the
 * counts beside a report and in /reports read one row per organization and band (a few thousand
 * for a province) instead of every evaluation (100,000): measured at 100k members, counting the
 * evaluations themselves under RLS took 60–120 ms on the loaded 2-core machine (a bitmap scan
 * through the policy's `or`, then a sort that spilled to disk); DESIGN.md: large-scope counts
 * come from rollups. org_key is the organization's, rewritten with it when the tree moves.
 */
create table if not exists public.evaluation_band_counts (
  period_id uuid not null references public.evaluation_periods (id),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  step text not null check (step in ('self_assessment', 'cell_proposal', 'committee_decision', 'decided')),
  band text not null check (band in ('excellent', 'good', 'complete', 'not_complete', 'pending')),
  members int not null default 0,
  primary key (period_id, org_id, step, band)
);
create index if not exists evaluation_band_counts_key_idx on public.evaluation_band_counts (period_id, org_key);

/* New evaluations (a period's opening) are counted as pending, or as whatever band they carry. */
create or replace function app.evaluation_band_counts_inserted() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.evaluation_band_counts as c (period_id, org_id, org_key, step, band, members)
  select n.period_id, n.org_id, min(n.org_key), n.step, case when n.step = 'decided' then n.decision_band else 'pending' end, count(*)::int
    from new_rows n group by 1, 2, 4, 5
  on conflict (period_id, org_id, step, band) do update set members = c.members + excluded.members;
  return null;
end
$$;

/* A move changes a band when it decides or reopens: the old band loses, the new one gains. A key
   rewrite (the tree moved) changes no band; the counts' own key is rewritten by the same pass. */
create or replace function app.evaluation_band_counts_updated() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return null; end if;
  insert into public.evaluation_band_counts as c (period_id, org_id, org_key, step, band, members)
  select d.period_id, d.org_id, min(d.org_key), d.step, d.band, sum(d.delta)::int
    from (select n.period_id, n.org_id, n.org_key, n.step, case when n.step = 'decided' then n.decision_band else 'pending' end as band, 1 as delta
            from new_rows n
          union all
          select o.period_id, o.org_id, o.org_key, o.step, case when o.step = 'decided' then o.decision_band else 'pending' end, -1
            from old_rows o) d
   group by 1, 2, 4, 5
  having sum(d.delta) <> 0
  on conflict (period_id, org_id, step, band) do update set members = c.members + excluded.members;
  return null;
end
$$;

/* Counts a period again from its evaluations: for bulk loads made with triggers off (seeds, tests, the bench). */
create or replace function app.rebuild_evaluation_band_counts(p_period_id uuid) returns void
language sql security definer
set search_path = ''
as $$
  delete from public.evaluation_band_counts where period_id = p_period_id;
  insert into public.evaluation_band_counts (period_id, org_id, org_key, step, band, members)
  select e.period_id, e.org_id, min(e.org_key), e.step, case when e.step = 'decided' then e.decision_band else 'pending' end, count(*)::int
    from public.evaluations e where e.period_id = p_period_id group by 1, 2, 4, 5;
$$;
revoke all on function app.evaluation_band_counts_inserted(), app.evaluation_band_counts_updated(), app.rebuild_evaluation_band_counts(uuid)
  from public, anon, authenticated;

drop trigger if exists evaluation_band_counts_inserted on public.evaluations;
create trigger evaluation_band_counts_inserted after insert on public.evaluations
  referencing new table as new_rows
  for each statement execute function app.evaluation_band_counts_inserted();
drop trigger if exists evaluation_band_counts_updated on public.evaluations;
create trigger evaluation_band_counts_updated after update on public.evaluations
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.evaluation_band_counts_updated();

-- evaluations made before this migration
insert into public.evaluation_band_counts (period_id, org_id, org_key, step, band, members)
select e.period_id, e.org_id, min(e.org_key), e.step, case when e.step = 'decided' then e.decision_band else 'pending' end, count(*)::int
  from public.evaluations e group by 1, 2, 4, 5
on conflict do nothing;

-- row-level security -----------------------------------------------------------------------
alter table public.org_evaluations enable row level security;

/* An organization's evaluation is read and written by the managers of its subtree: its own
   secretary and committee, and every committee above (which decides). Members see none of it. */
select app.define_policy('public.org_evaluations', 'Managers of the subtree read the evaluations of its organizations', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.org_evaluations', 'Managers of an organization start its report', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

/* The same managers reach a row to move it; app.org_evaluations_prepare decides which move is
   whose (the organization's side writes the report, the committee above decides). Never deleted. */
select app.define_policy('public.org_evaluations', 'Managers of the subtree move organizations'' evaluations through their steps', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

/* The counts tell how many members of an organization got which band: its managers and those above read them.
   Nobody writes them: the triggers above do. */
alter table public.evaluation_band_counts enable row level security;
select app.define_policy('public.evaluation_band_counts', 'Managers of the subtree read the band counts of its organizations', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

-- grants ---------------------------------------------------------------------------------
grant select on public.evaluation_band_counts to authenticated;
grant select, insert (period_id, org_id, self_band, self_report) on public.org_evaluations to authenticated;
grant update (step, self_band, self_report, decision_band, decision_note, return_reason) on public.org_evaluations to authenticated;
