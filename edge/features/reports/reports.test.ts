import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 300 })
})
afterAll(() => t?.close())

async function expected(path: string) {
  return t.runtime.data.asSystem(
    'test: count registrations',
    async (tx) =>
      (
        await tx.query<{ members: number; registered: number }>(
          `select count(*)::int as members, count(m.registered_at)::int as registered
         from public.members m join public.organizations o on o.id = m.org_id
        where o.path <@ $1::ltree and m.deceased_on is null and m.left_on is null`,
          [path],
        )
      )[0],
  )
}

describe('registration statistics', () => {
  it('shows members, registered accounts and the rate for the subtree and each child', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const html = await (await staff.get('/reports/registration')).text()
    const city = await expected('ns.tp1')
    expect(city.registered).toBeGreaterThan(0)
    expect(html).toContain(`<strong>${city.registered.toLocaleString('vi-VN')}</strong> / ${city.members.toLocaleString('vi-VN')} đảng viên đã đăng ký`)
    const g1 = await expected('ns.tp1.g1')
    expect(html).toMatch(new RegExp(`Đảng bộ phường Minh Khai</a></td><td class="num">${g1.members}</td><td class="num">${g1.registered}</td>`))
  })

  it('a grassroots secretary drills down only inside the committee', async () => {
    const grassroots = await t.signIn(LOGINS.grassroots)
    const inside = await grassroots.get(`/reports/registration?org=${await orgIdByPath(t, 'ns.tp1.g1.c1')}`)
    expect(inside.status).toBe(200)
    const outside = await grassroots.get(`/reports/registration?org=${await orgIdByPath(t, 'ns.tp1')}`)
    expect(outside.status).toBe(404)
    expect((await grassroots.get('/reports/registration?org=bad')).status).toBe(404)
  })

  it('an ordinary member sees an empty state', async () => {
    const member = await t.signIn(LOGINS.member)
    expect(await (await member.get('/reports/registration')).text()).toContain('Không có số liệu trong phạm vi của bạn.')
  })
})
