import type { Tx } from '../../kernel/db/types.ts'
import type { BankInput, ExamInput, QuestionInput } from './exams.forms.ts'

export interface OrgChoice {
  id: string
  name: string
  path: string
}

/** The roots of the caller's managed scope: where he/she may keep a question bank. */
export async function managedRoots(tx: Tx): Promise<OrgChoice[]> {
  return tx.query<OrgChoice>(
    `select o.id, o.name, o.path::text as path from public.organizations o
      where o.path = any ((select app.managed_scope())::extensions.ltree[]) order by o.path`,
  )
}

/** Organizations an exam from this bank may be set for: the bank's own and two levels below it, inside the caller's scope. */
export async function audienceChoices(tx: Tx, bankId: string): Promise<OrgChoice[]> {
  return tx.query<OrgChoice>(
    `select o.id, o.name, o.path::text as path
       from public.question_banks b join public.organizations o on o.path operator(extensions.<@) b.org_key::extensions.ltree
      where b.id = $1 and extensions.nlevel(o.path) <= extensions.nlevel(b.org_key::extensions.ltree) + 2
        and o.valid_to is null and app.in_scope(o.path::text)
      order by o.path limit 300`,
    [bankId],
  )
}

export interface BankRow {
  id: string
  title: string
  description: string | null
  org_id: string
  org_name: string
  question_count: number
}

export async function banks(tx: Tx): Promise<BankRow[]> {
  return tx.query<BankRow>(
    `select b.id, b.title, b.description, b.org_id, o.name as org_name,
            (select count(*)::int from public.questions q where q.bank_id = b.id) as question_count
       from public.question_banks b join public.organizations o on o.id = b.org_id
      order by b.created_at desc limit 200`,
  )
}

export async function createBank(tx: Tx, input: BankInput): Promise<string> {
  const [row] = await tx.query<{ id: string }>(`insert into public.question_banks (org_id, title, description) values ($1, $2, $3) returning id`, [
    input.org_id,
    input.title,
    input.description ?? null,
  ])
  return row.id
}

export interface QuestionView {
  id: string
  position: number
  kind: 'single' | 'multiple'
  body: string
  options: { id: string; body: string; correct: boolean }[]
  explanation: string | null
  answered: number
  right: number
}

/** A bank with its questions, answers and statistics (share answered correctly in graded attempts the caller can read). */
export async function bank(tx: Tx, id: string): Promise<(BankRow & { questions: QuestionView[] }) | undefined> {
  const [row] = await tx.query<BankRow>(
    `select b.id, b.title, b.description, b.org_id, o.name as org_name,
            (select count(*)::int from public.questions q where q.bank_id = b.id) as question_count
       from public.question_banks b join public.organizations o on o.id = b.org_id where b.id = $1`,
    [id],
  )
  if (!row) return undefined
  const questions = await tx.query<QuestionView>(
    `select q.id, q.position, q.kind, q.body, k.explanation,
            coalesce((select json_agg(json_build_object('id', o.id, 'body', o.body, 'correct', o.id = any (k.correct_ids)) order by o.position)
                        from public.question_options o where o.question_id = q.id), '[]') as options,
            coalesce(s.answered, 0) as answered, coalesce(s.answered_right, 0) as right
       from public.questions q
       left join public.question_keys k on k.question_id = q.id
       left join app.bank_question_shares($1) s on s.question_id = q.id
      where q.bank_id = $1 order by q.position, q.created_at limit 2000`,
    [id],
  )
  return { ...row, questions }
}

/** Fingerprints already in a bank, among those given. */
export async function existingFingerprints(tx: Tx, bankId: string, fingerprints: string[]): Promise<Set<string>> {
  const rows = await tx.query<{ fingerprint: string }>(`select fingerprint from public.questions where bank_id = $1 and fingerprint = any ($2::text[])`, [
    bankId,
    fingerprints,
  ])
  return new Set(rows.map((r) => r.fingerprint))
}

/**
 * Adds questions with their options and answers in three statements, whatever their number; a
 * question whose fingerprint the bank already has is skipped (a resubmitted file adds nothing).
 * Returns the fingerprints added.
 */
export async function addQuestions(tx: Tx, bankId: string, items: { question: QuestionInput; fingerprint: string }[]): Promise<Set<string>> {
  if (!items.length) return new Set()
  const input = JSON.stringify(
    items.map(({ question, fingerprint }, i) => ({
      fingerprint,
      kind: question.kind,
      body: question.body,
      options: question.options,
      correct: question.correct.map((n) => n + 1),
      explanation: question.explanation ?? null,
      n: i,
    })),
  )
  const recordset = `jsonb_to_recordset($2::jsonb) as x (fingerprint text, kind text, body text, options text[], correct int[], explanation text, n int)`
  const added = await tx.query<{ id: string; fingerprint: string }>(
    `insert into public.questions (bank_id, kind, body, position, fingerprint)
     select $1, x.kind, x.body, coalesce((select max(q.position) from public.questions q where q.bank_id = $1), 0) + x.n + 1, x.fingerprint
       from ${recordset}
     order by x.n
     on conflict (bank_id, fingerprint) do nothing
     returning id, fingerprint`,
    [bankId, input],
  )
  if (!added.length) return new Set()
  await tx.query(
    `insert into public.question_options (question_id, position, body)
     select q.id, o.n, o.body
       from ${recordset}
       join public.questions q on q.bank_id = $1 and q.fingerprint = x.fingerprint
       cross join lateral unnest(x.options) with ordinality o (body, n)
      where q.id = any ($3::uuid[])`,
    [bankId, input, added.map((a) => a.id)],
  )
  await tx.query(
    `insert into public.question_keys (question_id, correct_ids, explanation)
     select q.id, array(select o.id from public.question_options o where o.question_id = q.id and o.position = any (x.correct) order by o.position), x.explanation
       from ${recordset}
       join public.questions q on q.bank_id = $1 and q.fingerprint = x.fingerprint
      where q.id = any ($3::uuid[])`,
    [bankId, input, added.map((a) => a.id)],
  )
  return new Set(added.map((a) => a.fingerprint))
}

export async function createExam(tx: Tx, input: ExamInput): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.exams (bank_id, org_id, title, description, question_count, opens_at, closes_at, time_limit_minutes, pass_percent,
                               attempts_allowed, shuffle_questions, shuffle_options)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
    [
      input.bank_id,
      input.org_id,
      input.title,
      input.description ?? null,
      input.question_count ?? null,
      input.opens_at.toISOString(),
      input.closes_at.toISOString(),
      input.time_limit_minutes,
      input.pass_percent,
      input.attempts_allowed,
      input.shuffle_questions,
      input.shuffle_options,
    ],
  )
  return row.id
}

export interface ExamRow {
  id: string
  title: string
  description: string | null
  org_name: string
  bank_title: string | null
  opens_at: string
  closes_at: string
  time_limit_minutes: number
  pass_percent: number
  attempts_allowed: number
  question_count: number | null
  is_open: boolean
  in_audience: boolean
  manages: boolean
  sees_results: boolean
  attempts_used: number
  best_score: string | null
  passed: boolean
  open_attempt: string | null
}

const EXAM_COLUMNS = `e.id, e.title, e.description, o.name as org_name, b.title as bank_title, e.opens_at::text, e.closes_at::text,
       e.time_limit_minutes, e.pass_percent, e.attempts_allowed, e.question_count,
       app.now() >= e.opens_at and app.now() < e.closes_at as is_open,
       coalesce((select app.home_path()) operator(extensions.<@) e.org_key::extensions.ltree, false) as in_audience,
       b.id is not null as manages,
       b.id is not null or app.in_scope(e.org_key)
         or exists (select 1 from unnest((select app.managed_scope())) r where r operator(extensions.<@) e.org_key::extensions.ltree) as sees_results,
       coalesce(mine.used, 0) as attempts_used, mine.best::text as best_score, coalesce(mine.passed, false) as passed, mine.open_attempt`

const EXAM_FROM = `public.exams e
       join public.organizations o on o.id = e.org_id
       left join public.question_banks b on b.id = e.bank_id
       left join lateral (select count(*)::int as used, max(a.score) as best, bool_or(a.passed) as passed,
                                 (array_agg(a.id) filter (where a.submitted_at is null))[1] as open_attempt
                            from public.exam_attempts a where a.exam_id = e.id and a.member_id = (select app.current_member_id())) mine on true`

/** Exams for the caller: those of his/her audience, then those he/she manages or oversees; newest close first. */
export async function exams(tx: Tx): Promise<ExamRow[]> {
  return tx.query<ExamRow>(`select ${EXAM_COLUMNS} from ${EXAM_FROM} order by e.closes_at < app.now(), e.closes_at desc limit 200`)
}

export async function exam(tx: Tx, id: string): Promise<ExamRow | undefined> {
  const [row] = await tx.query<ExamRow>(`select ${EXAM_COLUMNS} from ${EXAM_FROM} where e.id = $1`, [id])
  return row
}

export interface AttemptRow {
  id: string
  exam_id: string
  attempt_no: number
  started_at: string
  deadline: string
  submitted_at: string | null
  timed_out: boolean
  question_count: number
  correct_count: number | null
  score: string | null
  passed: boolean | null
  seconds_left: number
  member_name: string | null
  mine: boolean
}

const ATTEMPT_COLUMNS = `a.id, a.exam_id, a.attempt_no, a.started_at::text, a.deadline::text, a.submitted_at::text, a.timed_out, a.question_count,
       a.correct_count, a.score::text, a.passed, greatest(0, floor(extract(epoch from a.deadline - app.now())))::int as seconds_left,
       m.full_name as member_name, a.member_id = (select app.current_member_id()) as mine`

export async function myAttempts(tx: Tx, examId: string): Promise<AttemptRow[]> {
  return tx.query<AttemptRow>(
    `select ${ATTEMPT_COLUMNS} from public.exam_attempts a left join public.members m on m.id = a.member_id
      where a.exam_id = $1 and a.member_id = (select app.current_member_id()) order by a.attempt_no`,
    [examId],
  )
}

export async function attempt(tx: Tx, id: string): Promise<AttemptRow | undefined> {
  const [row] = await tx.query<AttemptRow>(
    `select ${ATTEMPT_COLUMNS} from public.exam_attempts a left join public.members m on m.id = a.member_id where a.id = $1`,
    [id],
  )
  return row
}

export interface AttemptQuestion {
  question_id: string
  position: number
  multiple: boolean
  body: string
  options: { id: string; body: string }[]
  chosen: string[]
}

/** The questions of an attempt in its stored order, each with its options in the attempt's order and what was chosen. Never the answer. */
export async function attemptQuestions(tx: Tx, attemptId: string): Promise<AttemptQuestion[]> {
  return tx.query<AttemptQuestion>(
    `select aq.question_id, aq.position, aq.multiple, q.body, aq.chosen::text[] as chosen,
            coalesce((select json_agg(json_build_object('id', o.id, 'body', o.body) order by u.n)
                        from unnest(aq.option_order) with ordinality u (id, n) join public.question_options o on o.id = u.id), '[]') as options
       from public.attempt_questions aq join public.questions q on q.id = aq.question_id
      where aq.attempt_id = $1 order by aq.position`,
    [attemptId],
  )
}

/** Grades the attempts of an exam (null: of every exam) whose time ran out, among those the caller can read. */
export async function gradeDue(tx: Tx, examId: string | null): Promise<void> {
  await tx.query(`select app.exam_grade_due($1)`, [examId])
}

export type StartRefusal = 'not_found' | 'not_open' | 'no_attempts_left' | 'empty'

/** Starts or resumes the caller's attempt (app.exam_start), or says why not. */
export async function start(tx: Tx, examId: string): Promise<{ id: string } | { refused: StartRefusal }> {
  const [row] = await tx.query<{ attempt_id: string | null; refusal: StartRefusal | null }>(`select attempt_id, refusal from app.exam_start($1)`, [examId])
  return row.attempt_id ? { id: row.attempt_id } : { refused: row.refusal ?? 'not_found' }
}

/**
 * Saves the options chosen for one question of the caller's open attempt. The statement itself
 * asks that the attempt be open, the options be the question's and a single choice be single, so
 * nothing fails inside the transaction (the trigger stays as the guard): zero rows, then we say why.
 */
export async function saveAnswer(tx: Tx, attemptId: string, questionId: string, optionIds: string[]): Promise<'saved' | 'closed' | 'unknown'> {
  const rows = await tx.query(
    `update public.attempt_questions aq set chosen = $3::uuid[]
      where aq.attempt_id = $1 and aq.question_id = $2 and aq.member_id = (select app.current_member_id())
        and $3::uuid[] operator(pg_catalog.<@) aq.option_order and (aq.multiple or cardinality($3::uuid[]) <= 1)
        and exists (select 1 from public.exam_attempts a where a.id = aq.attempt_id and a.submitted_at is null and a.deadline > app.now())
     returning 1`,
    [attemptId, questionId, optionIds],
  )
  if (rows.length) return 'saved'
  const [found] = await tx.query<{ open: boolean }>(
    `select a.submitted_at is null and a.deadline > app.now() as open
       from public.attempt_questions aq join public.exam_attempts a on a.id = aq.attempt_id
      where aq.attempt_id = $1 and aq.question_id = $2 and aq.member_id = (select app.current_member_id())`,
    [attemptId, questionId],
  )
  if (!found) return 'unknown'
  return found.open ? 'unknown' : 'closed'
}

export async function submit(tx: Tx, attemptId: string): Promise<void> {
  await tx.query(`select app.exam_submit($1)`, [attemptId])
}

export interface Review {
  is_correct: boolean
  correct_ids: string[]
  explanation: string | null
}

/** Right or wrong and the answers of a graded attempt, where the database allows them (the bank's managers; the member once the exam has closed), else an empty map. */
export async function review(tx: Tx, attemptId: string): Promise<Map<string, Review>> {
  const rows = await tx.query<Review & { question_id: string }>(
    `select c.question_id, c.is_correct, coalesce(r.correct_ids::text[], '{}') as correct_ids, r.explanation
       from app.attempt_correctness($1) c left join app.attempt_review($1) r on r.question_id = c.question_id`,
    [attemptId],
  )
  return new Map(rows.map((r) => [r.question_id, r]))
}

export interface OrgResult {
  id: string
  name: string
  path: string
  members: number
  participants: number
  passed: number
  leaf: boolean
}

export interface MemberResult {
  member_id: string
  name: string
  best_attempt: string | null
  attempts: number
  best_score: string | null
  passed: boolean
}

/** Where the caller's view of an exam's results starts: the audience's root if he/she manages it, else his/her own roots inside it. */
export async function resultRoots(tx: Tx, examId: string): Promise<OrgChoice[]> {
  return tx.query<OrgChoice>(
    `select o.id, o.name, o.path::text as path from public.exams e
       join public.organizations o on o.id = e.org_id where e.id = $1 and app.in_scope(e.org_key)
     union all
     select o.id, o.name, o.path::text from public.exams e
       join public.organizations o on o.path = any ((select app.managed_scope())::extensions.ltree[])
      where e.id = $1 and not app.in_scope(e.org_key) and o.path operator(extensions.<@) e.org_key::extensions.ltree
     order by 3`,
    [examId],
  )
}

/** Results per organization directly under `path` (each with its subtree): members, participants, passed (a member counts once). */
export async function resultsByOrg(tx: Tx, examId: string, path: string): Promise<OrgResult[]> {
  return tx.query<OrgResult>(
    `with children as (
       select o.id, o.name, o.path from public.organizations o
        where o.path operator(extensions.~) ($2::text || '.*{1}')::extensions.lquery and o.valid_to is null
     ),
     people as (
       select a.member_id, a.org_key, bool_or(a.passed) as passed from public.exam_attempts a
        where a.exam_id = $1 and (a.org_key = $2::text or a.org_key like $2::text || '.%') group by a.member_id, a.org_key
     )
     select c.id, c.name, c.path::text as path,
            (select count(*)::int from public.members m where m.org_path operator(extensions.<@) c.path
                and m.deceased_on is null and m.left_on is null) as members,
            (select count(*)::int from people p where p.org_key = c.path::text or p.org_key like c.path::text || '.%') as participants,
            (select count(*)::int from people p where (p.org_key = c.path::text or p.org_key like c.path::text || '.%') and p.passed) as passed,
            not exists (select 1 from public.organizations x where x.parent_id = c.id) as leaf
       from children c order by c.name limit 500`,
    [examId, path],
  )
}

/** Per member of one organization (its own members, not its subtree's): attempts, best score, passed. */
export async function resultsByMember(tx: Tx, examId: string, path: string): Promise<MemberResult[]> {
  return tx.query<MemberResult>(
    `select m.id as member_id, m.full_name as name, count(a.id)::int as attempts, max(a.score)::text as best_score, coalesce(bool_or(a.passed), false) as passed,
            (array_agg(a.id order by a.score desc nulls last, a.attempt_no desc) filter (where a.id is not null))[1] as best_attempt
       from public.members m left join public.exam_attempts a on a.member_id = m.id and a.exam_id = $1
      where m.org_key = $2 and m.deceased_on is null and m.left_on is null
      group by m.id, m.full_name order by m.full_name limit 500`,
    [examId, path],
  )
}

/** The totals at `path` itself (its whole subtree). */
export async function resultTotals(tx: Tx, examId: string, path: string): Promise<{ members: number; participants: number; passed: number }> {
  const [row] = await tx.query<{ members: number; participants: number; passed: number }>(
    `select (select count(*)::int from public.members m where m.org_path operator(extensions.<@) $2::extensions.ltree
                and m.deceased_on is null and m.left_on is null) as members,
            count(distinct a.member_id)::int as participants,
            count(distinct a.member_id) filter (where a.passed)::int as passed
       from public.exam_attempts a where a.exam_id = $1 and (a.org_key = $2::text or a.org_key like $2::text || '.%')`,
    [examId, path],
  )
  return row
}
