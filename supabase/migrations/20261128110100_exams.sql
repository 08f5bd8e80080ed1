/*
 * Quizzes and exams (khảo thí). A committee keeps question banks (single and multiple choice);
 * an exam draws from one bank for an audience (a subtree), with a window, a time limit, a pass
 * mark and a number of attempts. Members take it on their phones; the server's clock is the
 * timer and the server grades.
 *
 * The one rule that shapes the tables: which options are correct is NEVER readable by a member
 * before his/her attempt is graded. So correctness lives apart (public.question_keys), readable
 * by the bank's managers only; attempts are started and graded by security definer functions
 * (app.exam_start, app.exam_submit), and a member's only write is the `chosen` column of his/her
 * own open attempt's questions (a column grant), checked against the deadline by a trigger.
 *
 * For other features (resolution study): public.exam_attempts (member_id, exam_id, passed,
 * submitted_at) is readable under RLS by the member and by managers of the member's cell's
 * subtree; "passed" is null until the attempt is graded. An attempt whose time ran out is graded
 * when a page of exams is opened; `select app.exam_grade_due(<exam id>)` grades it at once.
 */

-- tables -------------------------------------------------------------------------------

/* A committee's bank of questions; only the managers of that organization's subtree see it. */
create table if not exists public.question_banks (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  title text not null check (length(title) between 1 and 200),
  description text check (length(description) <= 2000),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now()
);

/* A question without its answer. `fingerprint` (of the normalized text and options) keeps an
   import that is sent twice from adding the same question twice. */
create table if not exists public.questions (
  id uuid primary key default gen_random_uuid(),
  bank_id uuid not null references public.question_banks (id),
  org_key text collate "C" not null default '',
  kind text not null check (kind in ('single', 'multiple')),
  body text not null check (length(body) between 1 and 2000),
  position int not null default 0,
  fingerprint text not null check (length(fingerprint) between 1 and 100),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  unique (bank_id, fingerprint)
);

/* The options of a question (2 to 6), in the order the author wrote them. */
create table if not exists public.question_options (
  id uuid primary key default gen_random_uuid(),
  question_id uuid not null references public.questions (id),
  org_key text collate "C" not null default '',
  position int not null check (position between 1 and 6),
  body text not null check (length(body) between 1 and 1000),
  unique (question_id, position)
);

/* The answer of a question: its correct options and the explanation. Readable by the bank's
   managers only (a member reads a review through app.attempt_review once it is allowed). */
create table if not exists public.question_keys (
  question_id uuid primary key references public.questions (id),
  org_key text collate "C" not null default '',
  correct_ids uuid[] not null check (cardinality(correct_ids) between 1 and 6),
  explanation text check (length(explanation) <= 2000)
);

/* An exam: drawn from a bank, for the members of the subtree at org_id (its audience). */
create table if not exists public.exams (
  id uuid primary key default gen_random_uuid(),
  bank_id uuid not null references public.question_banks (id),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  title text not null check (length(title) between 1 and 200),
  description text check (length(description) <= 2000),
  -- null: every question of the bank; else this many, drawn at random per attempt
  question_count int check (question_count between 1 and 500),
  opens_at timestamptz not null,
  closes_at timestamptz not null,
  time_limit_minutes int not null check (time_limit_minutes between 1 and 600),
  pass_percent int not null check (pass_percent between 1 and 100),
  attempts_allowed int not null default 1 check (attempts_allowed between 1 and 20),
  shuffle_questions boolean not null default true,
  shuffle_options boolean not null default true,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  check (closes_at > opens_at)
);

/* One attempt of a member at an exam. org_key is the member's cell when it started: the
   managers of that subtree read it. The deadline is fixed at the start (started + limit,
   capped by the exam's close); an attempt past it is graded with what was saved. */
create table if not exists public.exam_attempts (
  id uuid primary key default gen_random_uuid(),
  exam_id uuid not null references public.exams (id),
  member_id uuid not null references public.members (id),
  org_key text collate "C" not null default '',
  attempt_no int not null check (attempt_no >= 1),
  started_at timestamptz not null,
  deadline timestamptz not null,
  submitted_at timestamptz,
  timed_out boolean not null default false,
  question_count int not null default 0,
  correct_count int,
  score numeric(5, 2),
  passed boolean,
  unique (exam_id, member_id, attempt_no)
);

/* The questions of one attempt in the order drawn, each with its options' order (so a resumed
   attempt shows the same page) and the options chosen so far. is_correct is set by grading. */
create table if not exists public.attempt_questions (
  attempt_id uuid not null references public.exam_attempts (id),
  question_id uuid not null references public.questions (id),
  member_id uuid not null references public.members (id),
  org_key text collate "C" not null default '',
  position int not null,
  multiple boolean not null,
  option_order uuid[] not null,
  chosen uuid[] not null default '{}',
  answered_at timestamptz,
  is_correct boolean,
  primary key (attempt_id, question_id),
  unique (attempt_id, position)
);

-- indexes ------------------------------------------------------------------------------
create index if not exists question_banks_org_key_idx on public.question_banks (org_key);
create index if not exists questions_bank_idx on public.questions (bank_id, position);
create index if not exists questions_org_key_idx on public.questions (org_key);
create index if not exists question_options_org_key_idx on public.question_options (org_key);
create index if not exists question_keys_org_key_idx on public.question_keys (org_key);
create index if not exists exams_org_key_idx on public.exams (org_key, closes_at);
create index if not exists exams_bank_idx on public.exams (bank_id);
create index if not exists exam_attempts_member_idx on public.exam_attempts (member_id, exam_id);
create index if not exists exam_attempts_exam_idx on public.exam_attempts (exam_id, org_key);
create index if not exists exam_attempts_org_key_idx on public.exam_attempts (org_key);
/* at most one open attempt per member and exam: two taps on "Bắt đầu" start one attempt */
create unique index if not exists exam_attempts_open_idx on public.exam_attempts (exam_id, member_id) where submitted_at is null;
create index if not exists exam_attempts_due_idx on public.exam_attempts (deadline) where submitted_at is null;
create index if not exists attempt_questions_member_idx on public.attempt_questions (member_id);
create index if not exists attempt_questions_question_idx on public.attempt_questions (question_id);
create index if not exists attempt_questions_org_key_idx on public.attempt_questions (org_key);

-- triggers -------------------------------------------------------------------------------
drop trigger if exists question_banks_prepare on public.question_banks;
create trigger question_banks_prepare before insert or update on public.question_banks
  for each row execute function app.take_org_key();
drop trigger if exists exams_prepare on public.exams;
create trigger exams_prepare before insert or update on public.exams
  for each row execute function app.take_org_key();

/* Questions and their parts carry the bank's key (a committee's bank moves with the committee). */
create or replace function app.questions_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;
  select b.org_key into new.org_key from public.question_banks b where b.id = new.bank_id;
  return new;
end
$$;
drop trigger if exists questions_prepare on public.questions;
create trigger questions_prepare before insert or update on public.questions
  for each row execute function app.questions_prepare();

create or replace function app.question_parts_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;
  select q.org_key into new.org_key from public.questions q where q.id = new.question_id;
  return new;
end
$$;
drop trigger if exists question_options_prepare on public.question_options;
create trigger question_options_prepare before insert or update on public.question_options
  for each row execute function app.question_parts_prepare();
drop trigger if exists question_keys_prepare on public.question_keys;
create trigger question_keys_prepare before insert or update on public.question_keys
  for each row execute function app.question_parts_prepare();

/* An exam's bank must be one its author manages, and its audience inside the bank's committee's
   subtree (a committee examines its own members). */
create or replace function app.exams_check() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare bank_key text;
begin
  if app.rekeying() then return new; end if;
  select b.org_key into bank_key from public.question_banks b where b.id = new.bank_id;
  if bank_key is null or not (new.org_key = bank_key or new.org_key like bank_key || '.%') then
    raise exception 'the audience must be inside the bank''s organization' using errcode = '42501';
  end if;
  return new;
end
$$;
/* named to fire after exams_prepare (triggers fire in name order), which sets the key it checks */
drop trigger if exists exams_verify on public.exams;
create trigger exams_verify before insert or update on public.exams
  for each row execute function app.exams_check();

/*
 * A member's one write: choosing options of an open attempt before its deadline (the server's
 * clock). Only `chosen` is granted; this checks the rest: the attempt is still open, the time
 * has not run out, the options belong to the question, a single-choice question has one.
 */
create or replace function app.attempt_questions_choose() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare attempt public.exam_attempts%rowtype;
begin
  -- grading (and a key rewrite) changes other columns: only a change of choice is checked here
  if app.rekeying() or new.chosen is not distinct from old.chosen then return new; end if;
  select * into attempt from public.exam_attempts a where a.id = new.attempt_id;
  if attempt.submitted_at is not null or app.now() >= attempt.deadline then
    raise exception 'the attempt is closed' using errcode = 'P0001', hint = 'exam_attempt_closed';
  end if;
  new.chosen := coalesce(array(select distinct c from unnest(new.chosen) c where c is not null order by c), '{}');
  if not (new.chosen operator(pg_catalog.<@) new.option_order) then
    raise exception 'an option of another question' using errcode = '23514';
  end if;
  if not new.multiple and cardinality(new.chosen) > 1 then
    raise exception 'a single-choice question takes one option' using errcode = '23514';
  end if;
  new.answered_at := app.now();
  return new;
end
$$;
drop trigger if exists attempt_questions_choose on public.attempt_questions;
create trigger attempt_questions_choose before update on public.attempt_questions
  for each row execute function app.attempt_questions_choose();

-- helper functions -----------------------------------------------------------------------

/*
 * Grades one attempt from what was saved: a question is right when the chosen options are all
 * and only the correct ones. Internal (no grant): called by app.exam_submit and
 * app.exam_grade_due, which decide whether the caller may.
 */
create or replace function app.exam_grade(p_attempt uuid, p_timed_out boolean) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  exam public.exams%rowtype;
  total int;
  right_count int;
begin
  select e.* into exam from public.exams e join public.exam_attempts a on a.exam_id = e.id where a.id = p_attempt;
  update public.attempt_questions aq
     set is_correct = coalesce((select k.correct_ids operator(pg_catalog.@>) aq.chosen and k.correct_ids operator(pg_catalog.<@) aq.chosen
                                  from public.question_keys k where k.question_id = aq.question_id), false)
   where aq.attempt_id = p_attempt;
  select count(*)::int, count(*) filter (where aq.is_correct)::int into total, right_count
    from public.attempt_questions aq where aq.attempt_id = p_attempt;
  update public.exam_attempts a
     set submitted_at = least(app.now(), a.deadline),
         timed_out = p_timed_out,
         question_count = total,
         correct_count = right_count,
         score = case when total = 0 then 0 else round(100.0 * right_count / total, 2) end,
         passed = total > 0 and 100.0 * right_count / total >= exam.pass_percent
   where a.id = p_attempt and a.submitted_at is null;
end
$$;
revoke all on function app.exam_grade(uuid, boolean) from public;

/* Attempts of an exam (null: of every exam) whose time ran out, graded now: lazily, whenever a
   page of exams is opened, and by other features before they count who passed. Only the attempts
   the caller can read; grading is deterministic, so anyone who sees an attempt may trigger it.
   Returns how many. */
create or replace function app.exam_grade_due(p_exam uuid) returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  due record;
  graded int := 0;
begin
  for due in
    select a.id from public.exam_attempts a
     where (p_exam is null or a.exam_id = p_exam) and a.submitted_at is null and a.deadline <= app.now()
       and (a.member_id = app.current_member_id() or app.in_scope(a.org_key))
     for update
  loop
    perform app.exam_grade(due.id, true);
    graded := graded + 1;
  end loop;
  return graded;
end
$$;

/*
 * Starts (or resumes) the caller's attempt at an exam of his/her audience: resumes the open
 * attempt if its time has not run out; otherwise, inside the exam's window and with attempts
 * left, draws the questions (all, or N at random) and each one's option order, and stores them
 * with the attempt. A refusal is returned, not raised: a failed statement would spoil the
 * caller's transaction (postgres.js keeps a failure even when the app catches it).
 */
drop function if exists app.exam_start(uuid);
create or replace function app.exam_start(p_exam uuid, out attempt_id uuid, out refusal text)
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := app.current_member_id();
  exam public.exams%rowtype;
  home extensions.ltree := app.home_path();
  open_attempt public.exam_attempts%rowtype;
  used int;
  result uuid;
  at timestamptz := app.now();
begin
  select e.* into exam from public.exams e where e.id = p_exam;
  if me is null or exam.id is null or home is null or not (home operator(extensions.<@) exam.org_key::extensions.ltree) then
    refusal := 'not_found';
    return;
  end if;
  -- one member, one exam, one start at a time
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(p_exam::text || me::text));
  perform app.exam_grade_due(p_exam);
  select a.* into open_attempt from public.exam_attempts a where a.exam_id = p_exam and a.member_id = me and a.submitted_at is null;
  if open_attempt.id is not null then
    attempt_id := open_attempt.id;
    return;
  end if;
  if at < exam.opens_at or at >= exam.closes_at then
    refusal := 'not_open';
    return;
  end if;
  select count(*)::int into used from public.exam_attempts a where a.exam_id = p_exam and a.member_id = me;
  if used >= exam.attempts_allowed then
    refusal := 'no_attempts_left';
    return;
  end if;
  if not exists (select 1 from public.questions q where q.bank_id = exam.bank_id) then
    refusal := 'empty';
    return;
  end if;
  insert into public.exam_attempts (exam_id, member_id, org_key, attempt_no, started_at, deadline)
  select p_exam, me, m.org_key, used + 1, at, least(at + pg_catalog.make_interval(mins => exam.time_limit_minutes), exam.closes_at)
    from public.members m where m.id = me
  returning id into result;
  insert into public.attempt_questions (attempt_id, question_id, member_id, org_key, position, multiple, option_order)
  select result, drawn.id, me, (select a.org_key from public.exam_attempts a where a.id = result),
         row_number() over (order by case when exam.shuffle_questions then drawn.draw else drawn.position end, drawn.id),
         drawn.kind = 'multiple',
         array(select o.id from public.question_options o where o.question_id = drawn.id
                order by case when exam.shuffle_options then pg_catalog.random() else o.position end)
    from (select q.id, q.kind, q.position::double precision as position, pg_catalog.random() as draw
            from public.questions q where q.bank_id = exam.bank_id
           order by draw
           limit exam.question_count) drawn;
  update public.exam_attempts a set question_count = (select count(*) from public.attempt_questions aq where aq.attempt_id = result)
   where a.id = result;
  attempt_id := result;
end
$$;

/* The caller hands in his/her attempt (after the deadline it is graded as timed out). */
create or replace function app.exam_submit(p_attempt uuid) returns void
language plpgsql security definer
set search_path = ''
as $$
declare attempt public.exam_attempts%rowtype;
begin
  select a.* into attempt from public.exam_attempts a where a.id = p_attempt for update;
  if attempt.id is null or attempt.member_id is distinct from app.current_member_id() then
    return;  -- not the caller's: nothing to hand in
  end if;
  if attempt.submitted_at is null then
    perform app.exam_grade(p_attempt, app.now() >= attempt.deadline);
  end if;
end
$$;

/*
 * The answers of a graded attempt, for its review: to the bank's managers always; to the
 * member once the attempt is graded and either no attempt is left or the exam has closed
 * (answers shown after a first try would be copied into the second). Nothing otherwise.
 */
create or replace function app.attempt_review(p_attempt uuid)
  returns table (question_id uuid, correct_ids uuid[], explanation text)
language sql stable security definer
set search_path = ''
as $$
  select k.question_id, k.correct_ids, k.explanation
    from public.exam_attempts a
    join public.exams e on e.id = a.exam_id
    join public.question_banks b on b.id = e.bank_id
    join public.attempt_questions aq on aq.attempt_id = a.id
    join public.question_keys k on k.question_id = aq.question_id
   where a.id = p_attempt and a.submitted_at is not null
     and (app.in_scope(b.org_key)
          or (a.member_id = app.current_member_id()
              and (app.now() >= e.closes_at
                   or (select count(*) from public.exam_attempts x where x.exam_id = a.exam_id and x.member_id = a.member_id) >= e.attempts_allowed)))
$$;

revoke all on function app.exam_grade_due(uuid), app.exam_start(uuid), app.exam_submit(uuid), app.attempt_review(uuid) from public;
grant execute on function app.exam_grade_due(uuid), app.exam_start(uuid), app.exam_submit(uuid), app.attempt_review(uuid) to authenticated, service_role;

-- row-level security -----------------------------------------------------------------------
alter table public.question_banks enable row level security;
alter table public.questions enable row level security;
alter table public.question_options enable row level security;
alter table public.question_keys enable row level security;
alter table public.exams enable row level security;
alter table public.exam_attempts enable row level security;
alter table public.attempt_questions enable row level security;

/* Banks, their questions and answers: the managers of the owning organization's subtree only. */
select app.define_policy('public.question_banks', 'Managers read banks of their scope', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);
select app.define_policy('public.question_banks', 'Managers create banks in their scope', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);
select app.define_policy('public.question_banks', 'Managers change banks of their scope', 'update',
  using_sql => $p$app.in_scope(org_key)$p$, check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.question_keys', 'Managers read the answers of their banks', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);
select app.define_policy('public.question_keys', 'Managers write the answers of their banks', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

/* A question and its options: the bank's managers, and whoever may read an attempt that drew it
   (the member taking it, managers of his/her subtree). Never the answer: that is question_keys. */
select app.define_policy('public.questions', 'Managers and examinees read questions', 'select',
  using_sql => $p$app.in_scope(org_key) or id in (select aq.question_id from public.attempt_questions aq)$p$);
select app.define_policy('public.questions', 'Managers add questions to their banks', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.question_options', 'Managers and examinees read options', 'select',
  using_sql => $p$app.in_scope(org_key) or question_id in (select aq.question_id from public.attempt_questions aq)$p$);
select app.define_policy('public.question_options', 'Managers add options to their questions', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

/* Exams: their audience (members whose cell is in the subtree), managers of the audience (for
   results) and of the bank. Written by the bank's managers, for an audience in their scope. */
select app.define_policy('public.exams', 'The audience and managers read exams', 'select',
  using_sql => $p$(select app.home_path()) operator(extensions.<@) org_key::extensions.ltree
         or app.in_scope(org_key)
         or bank_id in (select b.id from public.question_banks b)$p$);
select app.define_policy('public.exams', 'Bank managers set exams for their scope', 'insert',
  check_sql => $p$app.in_scope(org_key) and bank_id in (select b.id from public.question_banks b)$p$);
select app.define_policy('public.exams', 'Bank managers change their exams', 'update',
  using_sql => $p$bank_id in (select b.id from public.question_banks b)$p$,
  check_sql => $p$app.in_scope(org_key) and bank_id in (select b.id from public.question_banks b)$p$);

/* Attempts and their questions: the member, and managers of the member's cell's subtree.
   Started and graded by the functions above; a member only chooses options (column grant). */
select app.define_policy('public.exam_attempts', 'Members and their managers read attempts', 'select',
  using_sql => $p$member_id = (select app.current_member_id()) or app.in_scope(org_key)$p$);

select app.define_policy('public.attempt_questions', 'Members and their managers read attempt questions', 'select',
  using_sql => $p$member_id = (select app.current_member_id()) or app.in_scope(org_key)$p$);
select app.define_policy('public.attempt_questions', 'Members answer their own attempts', 'update',
  using_sql => $p$member_id = (select app.current_member_id())$p$,
  check_sql => $p$member_id = (select app.current_member_id())$p$);

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.question_banks to authenticated;
grant select, insert on public.questions, public.question_options, public.question_keys to authenticated;
grant select, insert, update on public.exams to authenticated;
grant select on public.exam_attempts to authenticated;
grant select on public.attempt_questions to authenticated;
grant update (chosen) on public.attempt_questions to authenticated;
