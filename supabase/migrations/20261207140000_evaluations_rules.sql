/*
 * The rules of the annual evaluation hold in the database, not only on its pages (issue 23):
 * - the "excellent" share (at most the period's percent of those ranked good or better, per
 *   grassroots organization) is checked on returns too: sending back members ranked good shrinks
 *   the base, and two such returns left a period over the quota with nothing refused;
 * - a member evaluated in a period of a kind and year, open or closed, is not evaluated again by
 *   another period of the same kind and year (a closed period did not count);
 * - the disqualifying conditions are locked, like the 100-point form, once a member has sent
 *   his/her self-assessment (only the page locked them).
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
    -- a return from the committee's step shrinks the base of the "excellent" share (those ranked
    -- good or better): refused when it would leave the excellent already decided further over the
    -- quota than they were (`missing` holds how many were over before)
    if old.step in ('committee_decision', 'decided') then
      perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(old.period_id::text || old.grassroots_id::text));
      select q.over into missing
        from app.evaluation_quota(old.id, case when old.step = 'decided' then old.decision_band else old.proposal_band end) q;
      select * into quota from app.evaluation_quota(old.id, case when new.step = 'committee_decision' then old.proposal_band end);
      if quota.over > coalesce(missing, 0) then
        raise exception 'evaluation quota exceeded after this return: % over', quota.over using errcode = '23514';
      end if;
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
                      where e.member_id = m.id and other.kind = new.kind and other.year = new.year
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

/* The conditions of a period, like its form, stay as they were once a member has assessed himself/herself. */
create or replace function app.evaluation_conditions_guard() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return null; end if;
  -- a key rewrite (the tree moved) is not a change of the conditions
  if tg_op = 'UPDATE' and (new.period_id, new.code, new.label, new.max_band) is not distinct from (old.period_id, old.code, old.label, old.max_band) then
    return null;
  end if;
  if exists (select 1 from public.evaluations e where e.period_id = coalesce(new.period_id, old.period_id) and e.self_at is not null) then
    raise exception 'the conditions cannot change once a member has filled in the form' using errcode = '42501';
  end if;
  return null;
end
$$;
drop trigger if exists evaluation_conditions_guard on public.evaluation_conditions;
create trigger evaluation_conditions_guard after insert or update or delete on public.evaluation_conditions
  for each row execute function app.evaluation_conditions_guard();
