import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, testApp, type TestApp } from '../../../test/support.ts'

/*
 * Public holidays as data: working-day deadlines skip them; the root committee (and the
 * administrator) keep the list; everyone signed in reads it. Every date below is given to a pure
 * function of its own arguments, so the results hold on any day the suite runs.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 50 })
})
afterAll(() => t?.close())

const addWorkingDays = (from: string, days: number) =>
  t.runtime.data.asSystem(
    'test: a working-day deadline',
    async (tx) => (await tx.query<{ d: string }>(`select app.add_working_days($1, $2)::text as d`, [from, days]))[0].d,
  )

describe('public holidays', () => {
  it('working days skip the holidays filled in (30/4 and 1/5), not only weekends', async () => {
    // fixed date: Tuesday 28/4/2026; three working days later is Tuesday 5/5, not Friday 1/5
    expect(await addWorkingDays('2026-04-28', 3)).toBe('2026-05-05')
  })

  it('the administrator enters Tết; a deadline across it moves; the list shows it to a member, who cannot change it', async () => {
    const admin = await t.signIn(LOGINS.admin)
    // fixed date: a Tết day entered ahead of time (Monday 4/2/2030)
    const res = await admin.post('/calendar/holidays', { day: '04/02/2030', name: 'Tết Nguyên Đán' })
    expect(res.status).toBe(303)
    // fixed date: Friday 1/2/2030 + 1 working day skips the weekend and Tết Monday
    expect(await addWorkingDays('2030-02-01', 1)).toBe('2030-02-05')
    const again = await admin.post('/calendar/holidays', { day: '2030-02-04', name: 'Tết' })
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('Ngày này đã có trong danh sách ngày nghỉ lễ.')
    const member = await t.signIn(LOGINS.member)
    const list = await (await member.get('/calendar/holidays?year=2030')).text()
    expect(list).toContain('Tết Nguyên Đán')
    expect(list).not.toContain('Thêm ngày nghỉ lễ')
  })

  it('only the root committee and the administrator keep the list: a city’s staff and a member are refused, and change nothing', async () => {
    // fixed date: holidays are dates of their own, years ahead; no rule compares them with today
    for (const login of [LOGINS.staff, LOGINS.member]) {
      const agent = await t.signIn(login)
      expect((await agent.post('/calendar/holidays', { day: '2031-01-02', name: 'Nghỉ bù' })).status).toBe(404)
      expect((await agent.post('/calendar/holidays/2030-02-04/delete', {})).status).toBe(404)
    }
    // fixed date: the same two days
    const [{ n }] = await t.runtime.data.asSystem('test: the list', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.public_holidays where day in ('2031-01-02', '2030-02-04')`),
    )
    expect(n).toBe(1)
  })
})
