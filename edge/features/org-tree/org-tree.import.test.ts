import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeXlsx } from '../../kernel/files/xlsx.ts'
import * as hostile from '../../kernel/files/hostile.fixtures.ts'
import { type Agent, LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/*
 * A committee office brings its organizations in from a spreadsheet: a dry run reports every
 * row, a commit applies them in one transaction under the user's rights, and the same file
 * imported again changes nothing.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 60 })
})
afterAll(() => t?.close())

function upload(agent: Agent, content: BlobPart, name: string) {
  const form = new FormData()
  form.set('file', new File([content], name))
  return agent.post('/orgs/import', form)
}

/** A page's text with quotes as typed (the report escapes them). */
const text = async (res: Response) => (await res.text()).replaceAll('&quot;', '"')

/** Dry run, then commit what it staged; returns both pages' text. */
async function importFile(agent: Agent, content: BlobPart, name = 'to-chuc.csv') {
  const dry = await text(await upload(agent, content, name))
  const id = /\/orgs\/import\/([0-9a-f-]{36})\/commit/.exec(dry)?.[1]
  const done = id ? await text(await agent.post(`/orgs/import/${id}/commit`, {})) : ''
  return { dry, done, staged: Boolean(id) }
}

type Org = { id: string; name: string; kind: string; short_code: string | null; parent_id: string }
const subtree = (path: string) =>
  t.runtime.data.asSystem('test: read a subtree', (tx) =>
    tx.query<Org>(
      `select id, name, kind, short_code, parent_id from public.organizations
        where path <@ $1::ltree and valid_to is null and path <> $1::ltree order by path`,
      [path],
    ),
  )
const byCode = (code: string) =>
  t.runtime.data.asSystem(
    'test: an organization by its code',
    async (tx) =>
      (
        await tx.query<Org & { path: string }>(
          `select id, name, kind, short_code, parent_id, path::text as path from public.organizations where short_code = $1`,
          [code],
        )
      )[0],
  )
const count = () =>
  t.runtime.data.asSystem(
    'test: count organizations',
    async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.organizations`))[0].n,
  )

const WARD = [
  'Tên tổ chức,Loại,Trực thuộc,Mã',
  'Đảng bộ phường Bình Minh Mới,Đảng bộ cơ sở,Đảng bộ thành phố Nam Sơn,HB',
  'Chi bộ khu phố Một,Chi bộ,HB,HB-1',
  'Chi bộ khu phố Hai,Chi bộ,Đảng bộ phường Bình Minh Mới,HB-2',
  'Chi bộ khu phố Ba,cell,Đảng bộ thành phố Nam Sơn › Đảng bộ phường Bình Minh Mới,hb.3',
  'Tổ đảng số 1,Tổ đảng,HB-1,',
].join('\n')

describe('importing an organization tree', () => {
  it('a committee manager imports a ward with 3 cells and a party group: the dry run saves nothing, the commit creates them under their parents', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const before = await count()
    const dry = await text(await upload(staff, WARD, 'phuong.csv'))
    expect(dry).toContain('5 dòng: <strong>5 tạo mới</strong>')
    expect(await count()).toBe(before)
    const { done } = await importFile(staff, WARD)
    expect(done).toContain('Đã nhập: 5 tổ chức mới, 0 tổ chức được cập nhật.')
    const ward = await byCode('HB')
    expect(ward).toMatchObject({ name: 'Đảng bộ phường Bình Minh Mới', kind: 'grassroots_committee', parent_id: await orgIdByPath(t, 'ns.tp1') })
    const tree = await subtree(ward.path)
    expect(tree.map((o) => [o.name, o.kind, o.short_code])).toEqual(
      expect.arrayContaining([
        ['Chi bộ khu phố Một', 'cell', 'HB-1'],
        ['Chi bộ khu phố Hai', 'cell', 'HB-2'],
        ['Chi bộ khu phố Ba', 'cell', 'hb.3'],
        ['Tổ đảng số 1', 'party_group', null],
      ]),
    )
    expect(tree).toHaveLength(4)
    expect(tree.find((o) => o.name === 'Tổ đảng số 1')!.parent_id).toBe((await byCode('HB-1')).id)
    // each creation is audited like a form's
    const audited = await t.runtime.data.asSystem(
      'test: audit of the ward',
      async (tx) =>
        (await tx.query<{ n: number }>(`select count(*)::int as n from public.audit_log where action = 'organization.create' and entity_id = $1`, [ward.id]))[0]
          .n,
    )
    expect(audited).toBe(1)
    // the human code shows on the page, the internal path does not
    const page = await (await staff.get(`/orgs/${ward.id}`)).text()
    expect(page).toContain('Mã: HB')
    expect(page).not.toContain(ward.path)
  })

  it('importing the same file again changes nothing, and says so', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const before = await subtree('ns.tp1')
    const { dry, staged } = await importFile(staff, WARD)
    expect(staged).toBe(false)
    expect(dry).toContain('<strong>0 tạo mới</strong>, <strong>0 cập nhật</strong>, 5 không đổi')
    expect(dry).toContain('Cây tổ chức đã đúng như tệp; không có gì để nhập.')
    expect(await subtree('ns.tp1')).toEqual(before)
  })

  it('the same file as Excel changes nothing either', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const [header, ...rows] = WARD.split('\n').map((l) => l.split(','))
    const { dry, staged } = await importFile(staff, writeXlsx('To chuc', header, rows) as Uint8Array<ArrayBuffer>, 'phuong.xlsx')
    expect(staged).toBe(false)
    expect(dry).toContain('5 không đổi')
  })

  it('a renamed or retyped row updates the organization with its code instead of creating another', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const before = await count()
    const id = (await byCode('HB-2')).id
    const renamed = WARD.replace('Chi bộ khu phố Hai,Chi bộ', 'Chi bộ khu phố 2 (mới),Chi bộ')
    const { dry, done } = await importFile(staff, renamed)
    expect(dry).toContain('Cập nhật (tên)')
    expect(done).toContain('Đã nhập: 0 tổ chức mới, 1 tổ chức được cập nhật.')
    expect(await count()).toBe(before)
    expect(await byCode('HB-2')).toMatchObject({ id, name: 'Chi bộ khu phố 2 (mới)' })
    const actions = await t.runtime.data.asSystem('test: audit of the renamed cell', async (tx) =>
      (await tx.query<{ action: string }>(`select action from public.audit_log where entity_id = $1 order by id`, [id])).map((r) => r.action),
    )
    expect(actions).toEqual(['organization.create', 'organization.update'])
  })

  it('an ambiguous parent name is reported with its candidates, and that row is not imported', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const before = await count()
    const file = [
      'Tên tổ chức,Loại,Trực thuộc',
      'Tổ đảng Mới,Tổ đảng,Chi bộ khu phố 1',
      'Tổ đảng Khác,Tổ đảng,Đảng bộ phường Minh Khai › Chi bộ khu phố 1',
    ].join('\n')
    const dry = await text(await upload(staff, file, 'mo-ho.csv'))
    expect(dry).toMatch(/Tên "Chi bộ khu phố 1" trùng với \d+ tổ chức: “Chi bộ khu phố 1” thuộc Đảng bộ phường Minh Khai; /)
    expect(dry).toContain('Ghi mã tổ chức hoặc "cấp trên › tên".')
    expect(dry).toContain('<strong>1 tạo mới</strong>')
    const { done } = await importFile(staff, file)
    expect(done).toContain('Đã nhập: 1 tổ chức mới')
    expect(await count()).toBe(before + 1)
  })

  it('reports, in Vietnamese, an unknown parent, a kind the parent may not hold or that no longer holds its children, a duplicate code, a code of another branch and an unknown kind', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const file = [
      'Tên tổ chức,Loại,Trực thuộc,Mã',
      'Chi bộ A,Chi bộ,Đảng bộ phường Không Có,',
      'Chi bộ B,Chi bộ,Đảng bộ thành phố Nam Sơn,',
      'Chi bộ C,Chi bộ,HB,HB-7',
      'Chi bộ D,Hành tinh,HB,',
      'Tổ đảng E,Tổ đảng,Chi bộ A,',
      'Chi bộ F,Chi bộ,HB,hb-7',
      'Chi bộ G,Chi bộ,Đảng bộ phường Minh Khai,HB-1',
      'Chi bộ khu phố Một,Tổ đảng,HB,HB-1',
    ].join('\n')
    const dry = await text(await upload(staff, file, 'loi.csv'))
    expect(dry).toContain('Không tìm thấy tổ chức cấp trên "Đảng bộ phường Không Có" trong phạm vi bạn quản lý')
    expect(dry).toContain('Chi bộ không thể trực thuộc Đảng bộ xã/phường/đặc khu.')
    expect(dry).toContain('Mã "hb-7" trùng với dòng 4 trong tệp.')
    expect(dry).toContain('Mã "HB-1" là của “Chi bộ khu phố Một” thuộc Đảng bộ phường Bình Minh Mới (mã HB-1), không trực thuộc Đảng bộ phường Minh Khai')
    expect(dry).toContain('Loại "Hành tinh" không rõ')
    expect(dry).toContain('Tổ chức cấp trên "Chi bộ A" (dòng 2) có lỗi nên chưa thể nhập.')
    expect(dry).toContain('Không đổi được loại: Tổ đảng không thể có Tổ đảng trực thuộc (“Tổ đảng số 1”).')
    expect(dry).toContain('8 dòng: <strong>1 tạo mới</strong>, <strong>0 cập nhật</strong>, 0 không đổi, <strong>7 có lỗi</strong>')
  })

  it('a grassroots secretary cannot place organizations outside his/her committee, by name or by code', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const outside = await orgIdByPath(t, 'ns.tp1.g2')
    expect((await staff.post(`/orgs/${outside}/short-code`, { short_code: 'G2' })).status).toBe(303)
    const grassroots = await t.signIn(LOGINS.grassroots)
    const before = await count()
    const name = (await subtree('ns.tp1')).find((o) => o.id === outside)!.name
    const file = ['Tên tổ chức,Loại,Trực thuộc', `Chi bộ Lạ,Chi bộ,${name}`, 'Chi bộ Lạ 2,Chi bộ,G2'].join('\n')
    const { dry, staged } = await importFile(grassroots, file)
    expect(dry).toContain(`Không tìm thấy tổ chức cấp trên "${name}" trong phạm vi bạn quản lý`)
    expect(dry).toContain('Không tìm thấy tổ chức cấp trên "G2" trong phạm vi bạn quản lý')
    expect(staged).toBe(false)
    expect(await count()).toBe(before)
    // inside the committee it works
    const own = await importFile(grassroots, ['Tên tổ chức,Loại,Trực thuộc', 'Chi bộ khu phố 9,Chi bộ,Đảng bộ phường Minh Khai'].join('\n'))
    expect(own.done).toContain('Đã nhập: 1 tổ chức mới')
  })

  it('a cell secretary or member has no import page', async () => {
    for (const login of [LOGINS.cellSecretary, LOGINS.member]) {
      const agent = await t.signIn(login)
      expect((await agent.get('/orgs/import')).status).toBe(404)
      expect((await upload(agent, WARD, 'x.csv')).status).toBe(404)
    }
  })

  it('hostile or broken files answer 400 with the reader’s message, before any row is checked', async () => {
    const staff = await t.signIn(LOGINS.staff)
    for (const [content, name] of [
      [hostile.wideCsv(10_000), 'rong.csv'],
      [hostile.longCellCsv(), 'dai.csv'],
      [hostile.wideXlsx(), 'rong.xlsx'],
      [hostile.lyingXlsx(), 'noi.xlsx'],
      [new Uint8Array([0xff, 0xfe, 0x00, 0x41]), 'utf16.csv'],
      ['Tên đệm,Địa chỉ\nA,B\n', 'sai-cot.csv'],
    ] as const) {
      const res = await upload(staff, content as BlobPart, name)
      expect(res.status, name).toBe(400)
      expect(await res.text(), name).not.toContain('/commit')
    }
  })
})

describe('human organization codes', () => {
  it('a committee manager sets a code, which must be well formed and unique whatever the case; clearing it is allowed', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c2')
    const bad = await staff.post(`/orgs/${cell}/short-code`, { short_code: 'mã có dấu' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Mã tổ chức: chỉ gồm chữ không dấu, số và dấu . - _ (tối đa 30 ký tự).')
    const taken = await staff.post(`/orgs/${cell}/short-code`, { short_code: 'hb' })
    expect(taken.status).toBe(409)
    expect(await taken.text()).toContain('Mã này đã dùng cho một tổ chức khác đang hoạt động.')
    expect(await (await staff.submit(`/orgs/${cell}/short-code`, { short_code: 'MK-2' })).text()).toContain('Mã: MK-2')
    const actions = await t.runtime.data.asSystem('test: audit of the code', async (tx) =>
      (
        await tx.query<{ diff: string }>(`select details::text as diff from public.audit_log where entity_id = $1 and action = 'organization.update'`, [cell])
      ).map((r) => r.diff),
    )
    expect(actions.join()).toContain('MK-2')
    expect((await staff.post(`/orgs/${cell}/short-code`, { short_code: '' })).status).toBe(303)
    expect(await byCode('MK-2')).toBeUndefined()
  })

  it('a cell secretary cannot set a code', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    expect((await secretary.post(`/orgs/${await orgIdByPath(t, 'ns.tp1.g1.c1')}/short-code`, { short_code: 'X1' })).status).toBe(404)
  })
})
