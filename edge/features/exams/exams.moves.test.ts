import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'
import type { Tx } from '../../kernel/db/types.ts'

/* Moving a ward (with its cells) carries the copies of its keys in every exam table, and who sees what follows at once. */

const CELL = 'ns.tp1.g1.c1'
const WARD = 'ns.tp1.g1'
/** Out of the city, straight under the province (a grassroots committee may sit there). */
const NEW_PARENT = 'ns'
const TABLES = ['question_banks', 'questions', 'question_options', 'question_keys', 'exams', 'exam_attempts', 'attempt_questions']

let t: TestApp

async function as<T>(login: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return t.runtime.data.withUser(await claimsOf(t, login), fn)
}
const countUnder = (table: string, path: string) =>
  t.runtime.data.asSystem('test: copies of a key', async (tx) => {
    const [row] = await tx.query<{ n: number }>(`select count(*)::int as n from public.${table} where org_key = $1 or org_key like $1 || '.%'`, [path])
    return row.n
  })

beforeAll(async () => {
  t = await testApp({ members: 200 })
  const cell = await orgIdByPath(t, CELL)
  // the cell secretary keeps a bank for the cell and sets an exam; the member starts it
  await as(LOGINS.cellSecretary, async (tx) => {
    const [bank] = await tx.query<{ id: string }>(`insert into public.question_banks (org_id, title) values ($1, 'Của chi bộ') returning id`, [cell])
    const [q] = await tx.query<{ id: string }>(
      `insert into public.questions (bank_id, kind, body, fingerprint) values ($1, 'single', 'Câu hỏi', 'fp') returning id`,
      [bank.id],
    )
    const options = await tx.query<{ id: string }>(
      `insert into public.question_options (question_id, position, body) values ($1, 1, 'Đúng'), ($1, 2, 'Sai') returning id`,
      [q.id],
    )
    await tx.query(`insert into public.question_keys (question_id, correct_ids) values ($1, $2)`, [q.id, [options[0].id]])
    await tx.query(
      `insert into public.exams (bank_id, org_id, title, opens_at, closes_at, time_limit_minutes, pass_percent)
       values ($1, $2, 'Kiểm tra chi bộ', now() - interval '1 hour', now() + interval '1 day', 10, 50)`,
      [bank.id, cell],
    )
  })
  await as(LOGINS.member, (tx) => tx.query(`select * from app.exam_start((select id from public.exams where title = 'Kiểm tra chi bộ'))`))
})
afterAll(() => t?.close())

describe('moving the ward of a bank and of an attempt', () => {
  it('every exam table has rows of the cell before the move (the check can fail)', async () => {
    for (const table of TABLES) expect(await countUnder(table, CELL), table).toBeGreaterThan(0)
    expect(await as(LOGINS.grassroots, async (tx) => (await tx.query(`select 1 from public.exam_attempts`)).length)).toBe(1)
  })

  it('after the move no copy keeps the old path; the city loses sight, the ward and the cell keep it', async () => {
    const before = new Map<string, number>()
    for (const table of TABLES) before.set(table, await countUnder(table, WARD))
    expect(await as(LOGINS.staff, async (tx) => (await tx.query(`select 1 from public.exam_attempts`)).length)).toBe(1)
    const admin = await t.signIn(LOGINS.admin)
    const res = await admin.submit(`/orgs/${await orgIdByPath(t, WARD)}/move`, { target: await orgIdByPath(t, NEW_PARENT) })
    expect(await res.text()).toContain('Đã chuyển tổ chức')
    const moved = `${NEW_PARENT}.g1`
    await orgIdByPath(t, moved)
    for (const table of TABLES) {
      expect(await countUnder(table, WARD), table).toBe(0)
      expect(await countUnder(table, moved), table).toBe(before.get(table))
    }
    expect(await as(LOGINS.staff, async (tx) => (await tx.query(`select 1 from public.exam_attempts`)).length)).toBe(0)
    expect(await as(LOGINS.grassroots, async (tx) => (await tx.query(`select 1 from public.exam_attempts`)).length)).toBe(1)
    expect(await as(LOGINS.cellSecretary, async (tx) => (await tx.query(`select 1 from public.question_keys`)).length)).toBe(1)
    // the member still resumes the same attempt (the audience moved with the cell)
    const [resumed] = await as(LOGINS.member, (tx) =>
      tx.query<{ attempt_id: string | null }>(`select attempt_id from app.exam_start((select id from public.exams where title = 'Kiểm tra chi bộ'))`),
    )
    expect(resumed.attempt_id).not.toBeNull()
  })
})
