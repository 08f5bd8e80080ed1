import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, testApp, type TestApp } from '../../../test/support.ts'

/*
 * Which kind of organization may hold which is data (public.org_kind_rules), enforced by the
 * database on create, move and retype, and the forms offer only what it allows.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 60 })
})
afterAll(() => t?.close())

// fixtures read whatever columns they select
// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc fixture queries
type Query = (sql: string, params?: unknown[]) => Promise<any[]>
const system = <T>(reason: string, fn: (q: Query) => Promise<T>) =>
  t.runtime.data.asSystem(`test: ${reason}`, (tx) => fn((sql, params) => tx.query(sql, params)))
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error) => (error as { code?: string }).code,
  )

const orgAt = (path: string) =>
  system(
    'read an organization',
    async (q) => (await q(`select id, kind, parent_id, path::text as path from public.organizations where path = $1::ltree and valid_to is null`, [path]))[0],
  )
const childNamed = (parentPath: string, name: string) =>
  system(
    'find a child by name',
    async (q) =>
      (
        await q(`select o.id from public.organizations o join public.organizations p on p.id = o.parent_id where p.path = $1::ltree and o.name = $2`, [
          parentPath,
          name,
        ])
      ).length,
  )

/** The options of the select named `name` in a page. */
function options(html: string, name: string): string[] {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)
  return select ? [...select[1].matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]).filter(Boolean) : []
}

describe('the rules are data', () => {
  it('the demo tree obeys every rule (the seed inserts with triggers off)', async () => {
    const misfits = await system('every parent/child pair against the rules', (q) =>
      q(`select p.kind as parent_kind, c.kind as child_kind, count(*)::int as n
           from public.organizations c join public.organizations p on p.id = c.parent_id
          where c.valid_to is null
            and not exists (select 1 from public.org_kind_rules r where r.parent_kind = p.kind and r.child_kind = c.kind)
          group by 1, 2`),
    )
    expect(misfits).toEqual([])
  })

  it('managers read the rules; a signed-in stranger reads none; nobody writes them, not even the admin', async () => {
    const staff = await claimsOf(t, LOGINS.staff)
    const rules = await t.runtime.data.withUser(staff, (tx) =>
      tx.query<{ parent_kind: string; child_kind: string }>(`select parent_kind, child_kind from public.org_kind_rules`),
    )
    expect(rules).toContainEqual({ parent_kind: 'cell', child_kind: 'party_group' })
    expect(rules.filter((r) => r.parent_kind === 'party_group')).toEqual([])
    const stranger = { sub: crypto.randomUUID(), role: 'authenticated' as const, iat: 0, exp: Math.floor(Date.now() / 1000) + 60 }
    expect(await t.runtime.data.withUser(stranger, (tx) => tx.query(`select * from public.org_kind_rules`))).toEqual([])
    const admin = await claimsOf(t, LOGINS.admin)
    for (const sql of [
      `insert into public.org_kind_rules values ('cell', 'province_committee')`,
      `delete from public.org_kind_rules where parent_kind = 'cell'`,
      `update public.org_kind_rules set child_kind = 'cell' where parent_kind = 'cell'`,
    ]) {
      expect(await codeOf(t.runtime.data.withUser(admin, (tx) => tx.query(sql)))).toBe('42501')
    }
  })

  it('the database refuses a wrong kind whoever asks (23514, constraint org_kind_rules): create, move, retype', async () => {
    const cell = await orgAt('ns.tp1.g1.c1')
    const city = await orgAt('ns.tp1')
    const error = await system('a province under a cell', (q) =>
      q(`insert into public.organizations (parent_id, code, name, kind) values ($1, 'sai_1', 'Sai', 'province_committee')`, [cell.id]),
    ).catch((e) => e as { code?: string; constraint?: string; constraint_name?: string; message: string })
    expect(error).toMatchObject({ code: '23514' })
    expect((error as { constraint?: string }).constraint ?? (error as { constraint_name?: string }).constraint_name).toBe('org_kind_rules')
    // a move is tried by someone who may restructure both places (the system path has no scope to move into)
    const staff = await claimsOf(t, LOGINS.staff)
    expect(
      await codeOf(t.runtime.data.withUser(staff, (tx) => tx.query(`update public.organizations set parent_id = $2 where id = $1`, [cell.id, city.id]))),
    ).toBe('23514')
    // a grassroots committee with cells cannot become a cell
    expect(
      await codeOf(system('retype a committee that holds cells', (q) => q(`update public.organizations set kind = 'cell' where path = 'ns.tp1.g1'`))),
    ).toBe('23514')
    expect(await orgAt('ns.tp1.g1.c1')).toMatchObject({ parent_id: cell.parent_id, kind: 'cell' })
    // allowed: a party group under a cell, a grassroots cell straight under the province
    expect(
      await codeOf(
        system('a party group under a cell', (q) =>
          q(`insert into public.organizations (parent_id, code, name, kind) values ($1, 'to_1', 'Tổ 1', 'party_group')`, [cell.id]),
        ),
      ),
    ).toBe('ok')
    const province = await orgAt('ns')
    expect(
      await codeOf(
        system('an agency cell under the province', (q) =>
          q(`insert into public.organizations (parent_id, code, name, kind) values ($1, 'cq_1', 'Chi bộ Cơ quan', 'grassroots_cell')`, [province.id]),
        ),
      ),
    ).toBe('ok')
  })
})

describe('creating a unit', () => {
  it('a ward secretary cannot create a province committee under a cell: refused in Vietnamese, the input kept, nothing created', async () => {
    const ward = await t.signIn(LOGINS.grassroots)
    const cell = await orgAt('ns.tp1.g1.c2')
    const res = await ward.post(`/orgs/${cell.id}/children`, { name: 'Đảng bộ tỉnh Giả', kind: 'province_committee' })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Không thể đặt Đảng bộ tỉnh/thành phố trực thuộc Chi bộ.')
    expect(html).toContain('value="Đảng bộ tỉnh Giả"')
    expect(await childNamed('ns.tp1.g1.c2', 'Đảng bộ tỉnh Giả')).toBe(0)
  })

  it('the same secretary creates what the rules allow: a cell in the ward, a party group in a cell', async () => {
    const ward = await t.signIn(LOGINS.grassroots)
    const g1 = await orgAt('ns.tp1.g1')
    expect((await ward.post(`/orgs/${g1.id}/children`, { name: 'Chi bộ khu phố 9', kind: 'cell' })).status).toBe(303)
    const cell = await orgAt('ns.tp1.g1.c2')
    expect((await ward.post(`/orgs/${cell.id}/children`, { name: 'Tổ đảng 2', kind: 'party_group' })).status).toBe(303)
    expect(await childNamed('ns.tp1.g1', 'Chi bộ khu phố 9')).toBe(1)
    expect(await childNamed('ns.tp1.g1.c2', 'Tổ đảng 2')).toBe(1)
  })

  it('the form offers only the kinds the rules allow, and none under a party group', async () => {
    const staff = await t.signIn(LOGINS.staff)
    expect(options(await (await staff.get(`/orgs/${(await orgAt('ns.tp1')).id}`)).text(), 'kind')).toEqual(['grassroots_committee', 'grassroots_cell'])
    expect(options(await (await staff.get(`/orgs/${(await orgAt('ns.tp1.g1')).id}`)).text(), 'kind')).toEqual(['sub_committee', 'cell'])
    expect(options(await (await staff.get(`/orgs/${(await orgAt('ns.tp1.g1.c2')).id}`)).text(), 'kind')).toEqual(['party_group'])
    const group = await system('a party group', async (q) => (await q(`select o.id from public.organizations o where o.kind = 'party_group' limit 1`))[0].id)
    const html = await (await staff.get(`/orgs/${group}`)).text()
    expect(html).toContain('Đổi tên')
    expect(html).not.toContain('Thêm tổ chức trực thuộc')
  })
})

describe('moving and merging a unit', () => {
  it('a cell may move to another grassroots committee; the form offers no city, cell or party group', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const cell = await orgAt('ns.tp1.g3.c2')
    const html = await (await staff.get(`/orgs/${cell.id}`)).text()
    const targets = options(html, 'target')
    const kinds = await system('kinds of the targets', async (q) =>
      (await q(`select distinct kind from public.organizations where id = any ($1::uuid[]) order by kind`, [targets])).map((r) => r.kind),
    )
    expect(kinds).toEqual(['grassroots_committee'])
    expect(targets).not.toContain(cell.parent_id)
    expect(await (await staff.submit(`/orgs/${cell.id}/move`, { target: (await orgAt('ns.tp1.g4')).id })).text()).toContain('Đã chuyển tổ chức')
    expect(await orgAt('ns.tp1.g4.c2')).toMatchObject({ id: cell.id })
  })

  it('a cell may not move straight under the city: refused in Vietnamese, nothing moved', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const cell = await orgAt('ns.tp1.g5.c1')
    const res = await staff.post(`/orgs/${cell.id}/move`, { target: (await orgAt('ns.tp1')).id })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Không chuyển được: Chi bộ không thể trực thuộc Đảng bộ xã/phường/đặc khu.')
    expect(await orgAt('ns.tp1.g5.c1')).toMatchObject({ id: cell.id })
  })

  it('a cell merges only into a cell: the form offers cells only, and a committee is refused', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const cell = await orgAt('ns.tp1.g8.c1')
    const into = options(await (await staff.get(`/orgs/${cell.id}`)).text(), 'into')
    expect(into.length).toBeGreaterThan(0)
    const kinds = await system('kinds of the merge targets', async (q) =>
      (await q(`select distinct kind from public.organizations where id = any ($1::uuid[])`, [into])).map((r) => r.kind),
    )
    expect(kinds).toEqual(['cell'])
    const res = await staff.post(`/orgs/${cell.id}/merge`, { into: (await orgAt('ns.tp1.g10')).id })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('chỉ hợp nhất vào một tổ chức cùng loại')
    expect(await orgAt('ns.tp1.g8.c1')).toMatchObject({ id: cell.id })
  })
})
