/*
 * No answer is seen before an examinee takes the exam (issue 23). A manager in the exam's audience
 * (a cell secretary, ward staff) could open a member's graded attempt and read, question by
 * question, what was chosen and whether it was right: the key of every single-choice question,
 * before taking the exam himself/herself. A member with attempts left saw right and wrong after
 * the first, and with one attempt the first to finish read the whole key while the exam was open.
 *
 * The rule now: until the exam closes, an examinee sees his/her score only; the bank's managers
 * (who wrote the key) see every attempt and its per-question results; after the exam closes, the
 * examinee sees his/her own answers reviewed. Managers of the audience keep the scores (results
 * per organization and per member), not the attempts' questions.
 */

-- tables: whether a chosen answer was right is read through the functions below only ----------
revoke select on public.attempt_questions from authenticated;
grant select (attempt_id, question_id, member_id, org_key, position, multiple, option_order, chosen, answered_at)
  on public.attempt_questions to authenticated;

-- helper functions ---------------------------------------------------------------------------

/* Whether the caller manages the bank an exam draws from (and so wrote its key). */
create or replace function app.manages_exam_bank(p_exam uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.exams e join public.question_banks b on b.id = e.bank_id
                  where e.id = p_exam and app.in_scope(b.org_key))
$$;

/* Right or wrong, per question of a graded attempt: the bank's managers; the member once the exam has closed. */
create or replace function app.attempt_correctness(p_attempt uuid)
  returns table (question_id uuid, is_correct boolean)
language sql stable security definer
set search_path = ''
as $$
  select aq.question_id, aq.is_correct
    from public.exam_attempts a
    join public.exams e on e.id = a.exam_id
    join public.attempt_questions aq on aq.attempt_id = a.id
   where a.id = p_attempt and a.submitted_at is not null
     and (app.manages_exam_bank(e.id) or (a.member_id = app.current_member_id() and app.now() >= e.closes_at))
$$;

/* The answers of a graded attempt, for its review: the bank's managers; the member once the exam has closed. */
create or replace function app.attempt_review(p_attempt uuid)
  returns table (question_id uuid, correct_ids uuid[], explanation text)
language sql stable security definer
set search_path = ''
as $$
  select k.question_id, k.correct_ids, k.explanation
    from public.exam_attempts a
    join public.exams e on e.id = a.exam_id
    join public.attempt_questions aq on aq.attempt_id = a.id
    join public.question_keys k on k.question_id = aq.question_id
   where a.id = p_attempt and a.submitted_at is not null
     and (app.manages_exam_bank(e.id) or (a.member_id = app.current_member_id() and app.now() >= e.closes_at))
$$;

/* How often each question of a bank was answered and answered right: its managers only. */
create or replace function app.bank_question_shares(p_bank uuid)
  returns table (question_id uuid, answered int, answered_right int)
language sql stable security definer
set search_path = ''
as $$
  select aq.question_id, count(*)::int, count(*) filter (where aq.is_correct)::int
    from public.question_banks b
    join public.questions q on q.bank_id = b.id
    join public.attempt_questions aq on aq.question_id = q.id
   where b.id = p_bank and app.in_scope(b.org_key) and aq.is_correct is not null
   group by aq.question_id
$$;

revoke all on function app.manages_exam_bank(uuid), app.attempt_correctness(uuid), app.attempt_review(uuid), app.bank_question_shares(uuid) from public;
grant execute on function app.manages_exam_bank(uuid), app.attempt_correctness(uuid), app.attempt_review(uuid), app.bank_question_shares(uuid)
  to authenticated, service_role;

-- policies -----------------------------------------------------------------------------------

/* An attempt's questions (the order, the options drawn, what was chosen): the member, and the
   managers of the bank. Managers of the audience see the attempt's score, not its questions. */
drop policy if exists "Members and their managers read attempt questions" on public.attempt_questions;
select app.define_policy('public.attempt_questions', 'Members and the bank''s managers read attempt questions', 'select',
  using_sql => $p$member_id = (select app.current_member_id()) or app.manages_exam_bank((select a.exam_id from public.exam_attempts a where a.id = attempt_id))$p$);
