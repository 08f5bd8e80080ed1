import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 200 })
})
afterAll(() => t?.close())

const pathOf = (id: string) =>
  t.runtime.data.asSystem(
    'test: read a path',
    async (tx) => (await tx.query<{ path: string }>(`select path::text as path from public.organizations where id = $1`, [id]))[0]?.path,
  )

describe('browsing', () => {
  it('staff see the city at the top and load children lazily as a fragment', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const page = await (await staff.get('/orgs')).text()
    expect(page).toContain('Đảng bộ thành phố Nam Sơn')
    expect(page).not.toContain('>Đảng bộ tỉnh Nam Sơn<')
    const city = await orgIdByPath(t, 'ns.tp1')
    const fragment = await (await staff.get(`/orgs/${city}/children`, { htmx: true })).text()
    expect(fragment.startsWith('<ul')).toBe(true)
    expect(fragment).toContain('Đảng bộ phường Minh Khai')
  })

  it('a row opens by its summary, which holds no link (nested-interactive); a separate labelled link opens the unit', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const city = await orgIdByPath(t, 'ns.tp1')
    for (const html of [
      await (await staff.get('/orgs')).text(),
      await (await staff.get(`/orgs/${city}`)).text(),
      await (await staff.get(`/orgs/${city}/children`, { htmx: true })).text(),
    ]) {
      const summaries = [...html.matchAll(/<summary>([\s\S]*?)<\/summary>/g)].map((m) => m[1])
      expect(summaries.length).toBeGreaterThan(0)
      expect(summaries.filter((s) => /<(a|button|input|select|textarea)\b/.test(s))).toEqual([])
    }
    const fragment = await (await staff.get(`/orgs/${city}/children`, { htmx: true })).text()
    const ward = await orgIdByPath(t, 'ns.tp1.g1')
    expect(fragment).toContain(`<a class="org-open" href="/orgs/${ward}" aria-label="Xem Đảng bộ phường Minh Khai">`)
    // the branch loads its own level when first opened
    expect(fragment).toContain(`<details hx-get="/orgs/${ward}/children" hx-trigger="toggle once" hx-target="find .org-kids"`)
  })

  it('an organization with exactly one child lists it on its page (the province, a cell with one new party group)', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const province = await (await staff.get(`/orgs/${await orgIdByPath(t, 'ns')}`)).text()
    expect(province).toContain('>Đảng bộ thành phố Nam Sơn<')
    expect(province).not.toContain('Không có tổ chức trực thuộc.')
    const cell = await orgIdByPath(t, 'ns.tp1.g9.c1')
    expect(await (await staff.get(`/orgs/${cell}`)).text()).toContain('Không có tổ chức trực thuộc.')
    expect((await staff.post(`/orgs/${cell}/children`, { name: 'Tổ đảng số 1', kind: 'party_group' })).status).toBe(303)
    const page = await (await staff.get(`/orgs/${cell}`)).text()
    expect(page).toContain('>Tổ đảng số 1<')
    expect(page).not.toContain('Không có tổ chức trực thuộc.')
  })

  it('an organization outside the scope answers 404, like a missing one', async () => {
    const cellSecretary = await t.signIn(LOGINS.cellSecretary)
    const sibling = await orgIdByPath(t, 'ns.tp1.g1.c2')
    expect((await cellSecretary.get(`/orgs/${sibling}`)).status).toBe(404)
    expect((await cellSecretary.get(`/orgs/${sibling}/children`)).status).toBe(404)
    expect((await cellSecretary.get(`/orgs/${crypto.randomUUID()}`)).status).toBe(404)
  })

  it('a cell secretary sees the cell but no restructuring forms', async () => {
    const cellSecretary = await t.signIn(LOGINS.cellSecretary)
    const html = await (await cellSecretary.get(`/orgs/${await orgIdByPath(t, 'ns.tp1.g1.c1')}`)).text()
    expect(html).toContain('Chi bộ khu phố 1')
    expect(html).not.toContain('Đổi tên')
    const res = await cellSecretary.post(`/orgs/${await orgIdByPath(t, 'ns.tp1.g1.c1')}/rename`, { name: 'Tự đổi' })
    expect(res.status).toBe(404)
  })
})

describe('restructuring', () => {
  it('creates, renames and moves a unit with its whole subtree; each step is audited', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const g1 = await orgIdByPath(t, 'ns.tp1.g1')
    const g2 = await orgIdByPath(t, 'ns.tp1.g2')
    const created = await staff.post(`/orgs/${g1}/children`, { name: 'Đảng ủy bộ phận Khối 3', kind: 'sub_committee' })
    expect(created.status).toBe(303)
    expect(await (await staff.get(created.headers.get('Location')!)).text()).toContain('Đã tạo tổ chức.')
    const idIn = (res: Response) => /\/orgs\/([0-9a-f-]{36})/.exec(res.headers.get('Location')!)![1]
    const sub = idIn(created)
    const cell = idIn(await staff.post(`/orgs/${sub}/children`, { name: 'Chi bộ Tổ 7', kind: 'cell' }))
    expect(await pathOf(cell)).toMatch(/^ns\.tp1\.g1\.dang_uy_bo_phan_khoi_3_[0-9a-f]{4}\.chi_bo_to_7_[0-9a-f]{4}$/)

    // a plain form post goes (303) to the page it changed: reloading it reloads the page, not the post
    const renamed = await staff.post(`/orgs/${sub}/rename`, { name: 'Đảng ủy bộ phận Khối Ba' })
    expect(renamed.status).toBe(303)
    expect(renamed.headers.get('Location')).toBe(`/orgs/${sub}?done=renamed`)
    expect(await (await staff.get(renamed.headers.get('Location')!)).text()).toContain('Đã đổi tên.')
    expect(await (await staff.submit(`/orgs/${sub}/move`, { target: g2 })).text()).toContain('Đã chuyển tổ chức')
    expect(await pathOf(cell)).toMatch(/^ns\.tp1\.g2\.dang_uy_bo_phan_khoi_3_[0-9a-f]{4}\.chi_bo_to_7_[0-9a-f]{4}$/)

    const actions = await t.runtime.data.asSystem('test: audit of the unit', async (tx) =>
      (await tx.query<{ action: string }>(`select action from public.audit_log where entity_id = $1 order by id`, [sub])).map((r) => r.action),
    )
    expect(actions).toEqual(['organization.create', 'organization.update', 'organization.update'])
  })

  it('a cell moves into a ward that has a cell of the same name (the clash of internal labels is not the user’s business)', async () => {
    const staff = await t.signIn(LOGINS.staff)
    // wards 9 and 11 each have a "Chi bộ khu phố 2" (internal label c2)
    const moving = await orgIdByPath(t, 'ns.tp1.g9.c2')
    const ward = await orgIdByPath(t, 'ns.tp1.g11')
    const [{ n: before }] = await t.runtime.data.asSystem('test: the moving cell’s members', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.members where org_id = $1`, [moving]),
    )
    const res = await staff.post(`/orgs/${moving}/move`, { target: ward })
    expect(res.status).toBe(303)
    const path = await pathOf(moving)
    expect(path.startsWith('ns.tp1.g11.')).toBe(true)
    expect(path).not.toBe('ns.tp1.g11.c2')
    expect(await pathOf(await orgIdByPath(t, 'ns.tp1.g11.c2'))).toBe('ns.tp1.g11.c2')
    // its members' copied paths followed it
    const [{ n }] = await t.runtime.data.asSystem('test: the members moved with it', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.members where org_id = $1 and org_path = $2::ltree`, [moving, path]),
    )
    expect(n).toBe(before)
  })

  it('refuses to move a unit under its own descendant', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const g3 = await orgIdByPath(t, 'ns.tp1.g3')
    const child = await orgIdByPath(t, 'ns.tp1.g3.c1')
    const res = await staff.post(`/orgs/${g3}/move`, { target: child })
    expect(res.status).toBe(400)
    expect(await pathOf(g3)).toBe('ns.tp1.g3')
  })

  it('a grassroots secretary cannot move a unit out of his/her committee', async () => {
    const grassroots = await t.signIn(LOGINS.grassroots)
    const c2 = await orgIdByPath(t, 'ns.tp1.g1.c2')
    const outside = await orgIdByPath(t, 'ns.tp1.g4')
    const res = await grassroots.post(`/orgs/${c2}/move`, { target: outside })
    expect(res.status).toBe(400)
    expect(await pathOf(c2)).toBe('ns.tp1.g1.c2')
  })

  it('merges two cells: members move, the old cell is closed and kept with merged_into', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const source = await orgIdByPath(t, 'ns.tp1.g5.c2')
    const target = await orgIdByPath(t, 'ns.tp1.g5.c1')
    const counts = () =>
      t.runtime.data.asSystem(
        'test: members per cell',
        async (tx) =>
          await tx.query<{ org_id: string; n: number }>(
            `select org_id, count(*)::int as n from public.members where org_id = any ($1::uuid[]) group by org_id`,
            [[source, target]],
          ),
      )
    const before = await counts()
    const total = before.reduce((s, r) => s + r.n, 0)
    const res = await staff.submit(`/orgs/${source}/merge`, { into: target })
    expect(await res.text()).toContain('Đã hợp nhất')
    const after = await counts()
    expect(after).toEqual([{ org_id: target, n: total }])
    const closed = await t.runtime.data.asSystem(
      'test: the closed cell',
      async (tx) =>
        (await tx.query<{ valid_to: string | null; merged_into: string }>(`select valid_to, merged_into from public.organizations where id = $1`, [source]))[0],
    )
    expect(closed.valid_to).not.toBeNull()
    expect(closed.merged_into).toBe(target)
    expect((await staff.get(`/orgs/${source}`)).status).toBe(200)
  })

  it('validates names and targets with Vietnamese messages', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const g1 = await orgIdByPath(t, 'ns.tp1.g1')
    const empty = await staff.post(`/orgs/${g1}/children`, { name: '   ', kind: 'cell' })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('Tên tổ chức: bắt buộc nhập.')
    const badKind = await staff.post(`/orgs/${g1}/children`, { name: 'X', kind: 'planet' })
    expect(await badKind.text()).toContain('Chọn loại tổ chức.')
    const badTarget = await staff.post(`/orgs/${g1}/move`, { target: 'nope' })
    expect(await badTarget.text()).toContain('Tổ chức đích: không hợp lệ.')
    // a second "Chi bộ khu phố 1" under the same ward (whatever the case and spacing) is refused, the first stays alone
    const twin = await staff.post(`/orgs/${g1}/children`, { name: 'chi bộ  Khu phố 1', kind: 'cell' })
    expect(twin.status).toBe(400)
    expect(await twin.text()).toContain('Đã có tổ chức cùng tên trực thuộc tổ chức này.')
    const [{ n }] = await t.runtime.data.asSystem('test: the ward’s cells of that name', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.organizations where parent_id = $1 and lower(name) like '%khu phố 1'`, [g1]),
    )
    expect(n).toBe(1)
  })
})
