import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv } from '../../kernel/files/csv.ts'
import { type Agent, importFile, LOGINS, testApp, type TestApp } from '../../../test/support.ts'

/*
 * The files a city office really keeps (test/fixtures, made by make-office-files.ts), imported as
 * they are, with no manual step, under a province whose other city already has wards and cells
 * of the same names: every row comes in, and the registration report says what the file says.
 */
const fixture = async (name: string) => new Uint8Array(await readFile(new URL(`../../../test/fixtures/${name}`, import.meta.url)))
const expected = JSON.parse(new TextDecoder().decode(await fixture('city-expected.json'))) as {
  members: number
  registered: number
  inWards: number
  registeredInWards: number
  orgs: number
}

/** The registration report of the new city, as its spreadsheet: the whole city, and its wards as a group. */
async function registration(t: TestApp, agent: Agent) {
  const [city] = await t.runtime.data.asSystem('test: the imported city', (tx) =>
    tx.query<{ id: string }>(`select id from public.organizations where name = 'Đảng bộ thành phố Bắc Hà'`),
  )
  const rows = parseCsv(await (await agent.get(`/reports/registration.csv?org=${city.id}`)).text())
  const row = (first: string) => rows.find((r) => r[0] === first)!
  const [whole, wards] = [row('Toàn Đảng bộ thành phố Bắc Hà'), row('Cộng Đảng bộ cơ sở')]
  return { members: Number(whole[3]), registered: Number(whole[4]), inWards: Number(wards[3]), registeredInWards: Number(wards[4]) }
}

describe('a city office’s own files, as they are', () => {
  let t: TestApp
  let admin: Agent
  beforeAll(async () => {
    t = await testApp({ members: 120 })
    admin = await t.signIn(LOGINS.admin)
  })
  afterAll(() => t?.close())

  it('the organization list: the title block is skipped, and each cell goes under the ward of the row above it, not the demo city’s ward of the same name', async () => {
    const { dry, done } = await importFile(admin, '/orgs/import', 'to-chuc.csv', await fixture('city-orgs.csv'))
    expect(dry).toContain(`${expected.orgs} dòng: <strong>${expected.orgs} tạo mới</strong>`)
    expect(dry).toContain('Dòng tiêu đề: dòng 4.')
    expect(dry).toContain('dòng 1: ĐẢNG BỘ TỈNH NAM SƠN')
    expect(done).toContain(`Đã nhập: ${expected.orgs} tổ chức mới`)
    const placed = await t.runtime.data.asSystem('test: the new wards’ cells', (tx) =>
      tx.query<{ n: number }>(
        `select count(*)::int as n from public.organizations c join public.organizations w on w.id = c.parent_id
           join public.organizations city on city.id = w.parent_id
          where city.name = 'Đảng bộ thành phố Bắc Hà' and c.kind = 'cell'`,
      ),
    )
    expect(placed[0].n).toBe(12)
  })

  it('the member list with cell and grassroots committee in columns of their own imports every row, dates and numbers as typed', async () => {
    const { dry, done } = await importFile(admin, '/members/import', 'danh-sach.csv', await fixture('city-members.csv'))
    expect(dry).toContain(`${expected.members} dòng: <strong>${expected.members} hợp lệ</strong>, <strong>0 có lỗi</strong>.`)
    expect(dry).toContain('số thêm lại số 0 ở đầu')
    expect(done).toContain(`Đã nhập ${expected.members} đảng viên.`)
    expect(await registration(t, admin)).toEqual({
      members: expected.members,
      registered: expected.registered,
      inWards: expected.inWards,
      registeredInWards: expected.registeredInWards,
    })
    // what was typed as 987100001 and 31000000021 is stored as the numbers they were
    const [one] = await t.runtime.data.asSystem('test: a member whose numbers lost their zeros', (tx) =>
      tx.query<{ phone: string; citizen_id: string }>(`select phone, citizen_id from public.members where card_number = '52000001'`),
    )
    expect(one).toEqual({ phone: '0987100001', citizen_id: '031000000007' })
  })
})

describe('the same list as an Excel workbook', () => {
  let t: TestApp
  let admin: Agent
  beforeAll(async () => {
    t = await testApp({ members: 120 })
    admin = await t.signIn(LOGINS.admin)
    await importFile(admin, '/orgs/import', 'to-chuc.csv', await fixture('city-orgs.csv'))
  })
  afterAll(() => t?.close())

  it('finds the list’s sheet and header under the title block, reads Excel dates and numbers, skips the total row, and imports every member', async () => {
    const { dry, done } = await importFile(admin, '/members/import', 'danh-sach.xlsx', await fixture('city-members.xlsx'))
    expect(dry).toContain('Dùng trang tính “DS đảng viên”; tệp còn “Hướng dẫn”')
    expect(dry).toContain('Dòng tiêu đề: dòng 5.')
    expect(dry).toContain('ngày lưu dạng ngày của Excel')
    expect(dry).toContain(`${expected.members} dòng: <strong>${expected.members} hợp lệ</strong>, <strong>0 có lỗi</strong>.`)
    expect(done).toContain(`Đã nhập ${expected.members} đảng viên.`)
    expect(await registration(t, admin)).toEqual({
      members: expected.members,
      registered: expected.registered,
      inWards: expected.inWards,
      registeredInWards: expected.registeredInWards,
    })
    const [one] = await t.runtime.data.asSystem('test: a member of the workbook', (tx) =>
      tx.query<{ phone: string; citizen_id: string; birth: string }>(
        `select phone, citizen_id, to_char(birth_date, 'DD/MM/YYYY') as birth from public.members where card_number = '52000000'`,
      ),
    )
    expect(one).toEqual({ phone: '0987100000', citizen_id: '031000000000', birth: '12/05/1980' })
  })
})
