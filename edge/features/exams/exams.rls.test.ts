import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, orgIdByPath, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'
import type { Tx } from '../../kernel/db/types.ts'

/* The rules of the exam tables, read straight from SQL as each user (exactly as requests run). */

let t: TestApp
let bankId: string
let examId: string
let questionIds: string[]
let outsiderLogin: string

async function as<T>(login: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return t.runtime.data.withUser(await claimsOf(t, login), fn)
}
const count = async (login: string, sql: string, params: unknown[] = []) =>
  as(login, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from (${sql}) s`, params))[0].n)
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: { code?: string }) => error.code ?? String(error),
  )

beforeAll(async () => {
  t = await testApp({ members: 200 })
  outsiderLogin = (await signInMemberOf(t, 'ns.tp1.g2.c1')).login
  const ward = await orgIdByPath(t, 'ns.tp1.g1')
  await as(LOGINS.grassroots, async (tx) => {
    ;[{ id: bankId }] = await tx.query<{ id: string }>(`insert into public.question_banks (org_id, title) values ($1, 'Điều lệ Đảng') returning id`, [ward])
    questionIds = []
    for (const [i, kind] of ['single', 'multiple', 'single'].entries()) {
      const [q] = await tx.query<{ id: string }>(
        `insert into public.questions (bank_id, kind, body, position, fingerprint) values ($1, $2, $3, $4, $5) returning id`,
        [bankId, kind, `Câu hỏi ${i + 1}`, i + 1, `fp-${i}`],
      )
      const options = await tx.query<{ id: string }>(
        `insert into public.question_options (question_id, position, body) select $1, p, 'Phương án ' || p from generate_series(1, 4) p returning id`,
        [q.id],
      )
      await tx.query(`insert into public.question_keys (question_id, correct_ids) values ($1, $2)`, [
        q.id,
        kind === 'multiple' ? [options[0].id, options[2].id] : [options[1].id],
      ])
      questionIds.push(q.id)
    }
    ;[{ id: examId }] = await tx.query<{ id: string }>(
      `insert into public.exams (bank_id, org_id, title, opens_at, closes_at, time_limit_minutes, pass_percent)
       values ($1, $2, 'Kiểm tra Điều lệ', now() - interval '1 hour', now() + interval '1 day', 15, 60) returning id`,
      [bankId, ward],
    )
  })
})
afterAll(() => t?.close())

describe('banks and answers', () => {
  it('the managers of the bank read its questions and answers', async () => {
    expect(await count(LOGINS.grassroots, `select 1 from public.question_keys where question_id = any($1)`, [questionIds])).toBe(3)
    expect(await count(LOGINS.staff, `select 1 from public.question_banks where id = $1`, [bankId])).toBe(1)
  })

  it('a member, a cell secretary below and an outsider read no bank, no question and no answer', async () => {
    for (const login of [LOGINS.member, LOGINS.cellSecretary, outsiderLogin]) {
      expect(await count(login, `select 1 from public.question_banks`)).toBe(0)
      expect(await count(login, `select 1 from public.questions`)).toBe(0)
      expect(await count(login, `select 1 from public.question_options`)).toBe(0)
      expect(await count(login, `select 1 from public.question_keys`)).toBe(0)
    }
  })

  it('a member cannot create a bank, a question or an exam', async () => {
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    expect(await failure(as(LOGINS.member, (tx) => tx.query(`insert into public.question_banks (org_id, title) values ($1, 'Của tôi')`, [cell])))).toBe('42501')
    expect(
      await failure(
        as(LOGINS.member, (tx) => tx.query(`insert into public.questions (bank_id, kind, body, fingerprint) values ($1, 'single', 'Chen vào', 'x')`, [bankId])),
      ),
    ).toBe('42501')
    expect(
      await failure(
        as(LOGINS.member, (tx) =>
          tx.query(
            `insert into public.exams (bank_id, org_id, title, opens_at, closes_at, time_limit_minutes, pass_percent)
             values ($1, $2, 'Tự ra đề', now(), now() + interval '1 day', 10, 50)`,
            [bankId, cell],
          ),
        ),
      ),
    ).toBe('42501')
  })

  it('a manager of another ward cannot set an exam from a bank that is not his/hers', async () => {
    const secretaryOfG2 = await t.runtime.data.asSystem('test: the secretary of another ward', async (tx) => {
      const [row] = await tx.query<{ login_phone: string }>(
        `select c.login_phone from public.org_roles r join public.organizations o on o.id = r.org_id
           join public.accounts a on a.member_id = r.member_id join app.credentials c on c.user_id = a.user_id
          where o.path = 'ns.tp1.g2.c1'::ltree limit 1`,
      )
      return row?.login_phone
    })
    if (!secretaryOfG2) return
    const otherCell = await orgIdByPath(t, 'ns.tp1.g2.c1')
    expect(await count(secretaryOfG2, `select 1 from public.question_banks where id = $1`, [bankId])).toBe(0)
    expect(
      await failure(
        as(secretaryOfG2, async (tx) =>
          tx.query(
            `insert into public.exams (bank_id, org_id, title, opens_at, closes_at, time_limit_minutes, pass_percent)
             values ($1, $2, 'Mượn đề', now(), now() + interval '1 day', 10, 50)`,
            [bankId, otherCell],
          ),
        ),
      ),
    ).toBe('42501')
  })
})

describe('exams and attempts', () => {
  it('the audience reads the exam; an outsider does not and cannot start it', async () => {
    expect(await count(LOGINS.member, `select 1 from public.exams where id = $1`, [examId])).toBe(1)
    expect(await count(outsiderLogin, `select 1 from public.exams where id = $1`, [examId])).toBe(0)
    const [refused] = await as(outsiderLogin, (tx) => tx.query<{ attempt_id: string | null; refusal: string }>(`select * from app.exam_start($1)`, [examId]))
    expect(refused).toEqual({ attempt_id: null, refusal: 'not_found' })
  })

  it('a started attempt shows its questions and options to the member, never the answers', async () => {
    const attemptId = await as(LOGINS.member, async (tx) => (await tx.query<{ id: string }>(`select attempt_id as id from app.exam_start($1)`, [examId]))[0].id)
    expect(await count(LOGINS.member, `select 1 from public.attempt_questions where attempt_id = $1`, [attemptId])).toBe(3)
    expect(await count(LOGINS.member, `select 1 from public.questions`)).toBe(3)
    expect(await count(LOGINS.member, `select 1 from public.question_options`)).toBe(12)
    expect(await count(LOGINS.member, `select 1 from public.question_keys`)).toBe(0)
    expect(await count(LOGINS.member, `select 1 from app.attempt_review($1)`, [attemptId])).toBe(0)
    // starting again resumes the same attempt
    const again = await as(LOGINS.member, async (tx) => (await tx.query<{ id: string }>(`select attempt_id as id from app.exam_start($1)`, [examId]))[0].id)
    expect(again).toBe(attemptId)
  })

  it('a member chooses options, but cannot grade himself/herself or touch another attempt', async () => {
    const [row] = await as(LOGINS.member, (tx) =>
      tx.query<{ attempt_id: string; question_id: string; option_order: string[] }>(
        `select attempt_id, question_id, option_order from public.attempt_questions order by position limit 1`,
      ),
    )
    const updated = await as(LOGINS.member, (tx) =>
      tx.query(`update public.attempt_questions set chosen = $3 where attempt_id = $1 and question_id = $2 returning 1`, [
        row.attempt_id,
        row.question_id,
        [row.option_order[0]],
      ]),
    )
    expect(updated).toHaveLength(1)
    expect(
      await failure(as(LOGINS.member, (tx) => tx.query(`update public.attempt_questions set is_correct = true where attempt_id = $1`, [row.attempt_id]))),
    ).toBe('42501')
    expect(
      await failure(as(LOGINS.member, (tx) => tx.query(`update public.exam_attempts set passed = true, score = 100 where id = $1`, [row.attempt_id]))),
    ).toBe('42501')
    const byOutsider = await as(outsiderLogin, (tx) =>
      tx.query(`update public.attempt_questions set chosen = '{}' where attempt_id = $1 returning 1`, [row.attempt_id]),
    )
    expect(byOutsider).toHaveLength(0)
  })

  it('the cell secretary and the ward read the attempt; an outsider does not', async () => {
    for (const login of [LOGINS.cellSecretary, LOGINS.grassroots, LOGINS.staff])
      expect(await count(login, `select 1 from public.exam_attempts where exam_id = $1`, [examId])).toBe(1)
    expect(await count(outsiderLogin, `select 1 from public.exam_attempts`)).toBe(0)
    expect(await count(outsiderLogin, `select 1 from public.attempt_questions`)).toBe(0)
    // the cell secretary sees the questions of the attempt, still not their answers
    expect(await count(LOGINS.cellSecretary, `select 1 from public.question_keys`)).toBe(0)
  })

  it('submitting grades on the server: multiple choice needs all and only the correct options', async () => {
    const attempt = await as(LOGINS.member, async (tx) => {
      const rows = await tx.query<{ attempt_id: string; question_id: string }>(`select attempt_id, question_id from public.attempt_questions`)
      await tx.query(`select app.exam_submit($1)`, [rows[0].attempt_id])
      return (await tx.query<{ passed: boolean; score: string; submitted_at: string }>(`select passed, score, submitted_at from public.exam_attempts`))[0]
    })
    expect(attempt.submitted_at).not.toBeNull()
    expect(attempt.passed).not.toBeNull()
    // while the exam is open the member reads the score only: neither right and wrong per question nor the answers
    expect(await failure(as(LOGINS.member, (tx) => tx.query(`select is_correct from public.attempt_questions`)))).toBe('42501')
    const mine = `(select id from public.exam_attempts where member_id = app.current_member_id())`
    expect(await count(LOGINS.member, `select 1 from app.attempt_correctness(${mine})`)).toBe(0)
    expect(await count(LOGINS.member, `select 1 from app.attempt_review(${mine})`)).toBe(0)
    // the bank's managers (the ward) read every question's result; the cell secretary of the audience reads none of the attempt's questions
    const [{ id: graded }] = await as(LOGINS.grassroots, (tx) => tx.query<{ id: string }>(`select id from public.exam_attempts where exam_id = $1`, [examId]))
    expect(await count(LOGINS.grassroots, `select 1 from app.attempt_correctness($1)`, [graded])).toBe(3)
    expect(await count(LOGINS.cellSecretary, `select 1 from public.attempt_questions where attempt_id = $1`, [graded])).toBe(0)
    expect(await count(LOGINS.cellSecretary, `select 1 from app.attempt_correctness($1)`, [graded])).toBe(0)
    expect(await count(LOGINS.cellSecretary, `select 1 from app.attempt_review($1)`, [graded])).toBe(0)
    const [again] = await as(LOGINS.member, (tx) => tx.query<{ refusal: string }>(`select refusal from app.exam_start($1)`, [examId]))
    expect(again.refusal).toBe('no_attempts_left')
  })
})
