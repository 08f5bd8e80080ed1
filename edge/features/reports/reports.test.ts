import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, LOGINS, orgIdByPath, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'

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

  it('counts visits as days a person opened the app: pages count once a day, fragments and streams never, and nothing of what was read is kept', async () => {
    // a member who has not opened the app today: signed in by a bare post, no page loaded yet
    const login = (await signInMemberOf(t, 'ns.tp1.g1.c2')).login
    await t.runtime.data.asSystem('test: no visit yet', (tx) =>
      tx.query(`delete from app.visits where user_id = (select user_id from app.credentials where login_phone = $1)`, [login]),
    )
    const member = t.anonymous()
    expect((await member.post('/login', { login, password: DEMO_PASSWORD })).status).toBe(303)
    const visits = () =>
      t.runtime.data.asSystem(
        'test: visits recorded',
        async (tx) =>
          (
            await tx.query<{ n: number }>(
              `select count(*)::int as n from app.visits v join app.credentials c on c.user_id = v.user_id where c.login_phone = $1`,
              [login],
            )
          )[0].n,
      )
    const columns = await t.runtime.data.asSystem('test: what a visit keeps', (tx) =>
      tx.query<{ column_name: string }>(`select column_name from information_schema.columns where table_schema = 'app' and table_name = 'visits' order by 1`),
    )
    expect(columns.map((c) => c.column_name)).toEqual(['day', 'user_id'])
    expect(await visits()).toBe(0)
    await member.get('/notifications/count', { htmx: true })
    expect(await visits()).toBe(0)
    await member.get('/')
    await member.get('/meetings')
    expect(await visits()).toBe(1)
    const ward = await t.signIn(LOGINS.grassroots)
    const html = await (await ward.get(`/reports/registration?org=${await orgIdByPath(t, 'ns.tp1.g1')}`)).text()
    expect(html).toContain('Lượt truy cập 30 ngày')
    const row = /<tr data-org="[^"]+" data-kind="cell">\s*<td>\s*<a[^>]*>Chi bộ khu phố 2<\/a>\s*<\/td>(.*?)<\/tr>/s.exec(html)?.[1] ?? ''
    const cells = [...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1])
    expect(Number(cells[4])).toBeGreaterThanOrEqual(1)
  })
})

describe('registration statistics as a file', () => {
  it('exports the same rows, subtotals and total as the page, as CSV and Excel; another subtree is 404', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const city = await orgIdByPath(t, 'ns.tp1')
    const csv = await staff.get(`/reports/registration.csv?org=${city}`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('Content-Type')).toContain('text/csv')
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
    expect(lines[0]).toBe('Tổ chức,Loại,Số tổ chức,Đảng viên,Đã đăng ký,Tỷ lệ đăng ký (%),Đăng nhập 30 ngày,Lượt truy cập 30 ngày')
    const total = lines.at(-1)!.split(',')
    const expectedTotal = await expected('ns.tp1')
    expect(total[0]).toBe('Toàn Đảng bộ thành phố Nam Sơn')
    expect(Number(total[3])).toBe(expectedTotal.members)
    expect(Number(total[4])).toBe(expectedTotal.registered)
    const children = lines.slice(1).filter((l) => l.split(',')[2] === '1')
    expect(children.reduce((s, l) => s + Number(l.split(',')[3]), 0)).toBeLessThanOrEqual(expectedTotal.members)
    const xlsx = await staff.get(`/reports/registration.xlsx?org=${city}`)
    expect(xlsx.headers.get('Content-Type')).toContain('spreadsheetml')
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]))

    const cellSecretary = await t.signIn(LOGINS.cellSecretary)
    expect((await cellSecretary.get(`/reports/registration.csv?org=${city}`)).status).toBe(404)
    expect((await cellSecretary.get(`/reports/registration.csv?org=not-a-uuid`)).status).toBe(404)
  })
})

describe('visits per period', () => {
  it('a week, a month, a quarter or a year: a visit ten days ago counts in the month, not in the week', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const member = await signInMemberOf(t, 'ns.tp1.g1.c1')
    await t.runtime.data.asSystem('test: a visit ten days ago', (tx) =>
      tx.query(
        `insert into app.visits (user_id, day)
         select c.user_id, app.today() - 10 from app.credentials c where c.login_phone = $1 on conflict do nothing`,
        [member.login],
      ),
    )
    const totalVisits = async (days: string) => {
      const lines = (await (await staff.get(`/reports/registration.csv?org=${cell}&days=${days}`)).text()).trim().split(/\r?\n/)
      return { header: lines[0], visits: Number(lines.at(-1)!.split(',').at(-1)) }
    }
    const week = await totalVisits('7')
    const month = await totalVisits('30')
    expect(week.header).toContain('Lượt truy cập 7 ngày')
    expect(month.visits - week.visits).toBeGreaterThanOrEqual(1)
    expect((await totalVisits('12345')).header).toContain('Lượt truy cập 30 ngày')
    const page = await (await staff.get(`/reports/registration?org=${cell}&days=90`)).text()
    expect(page).toContain('đăng nhập trong 90 ngày qua')
  })
})
