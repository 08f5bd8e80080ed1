import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cityFiles } from '../../../test/city-files.ts'
import { type Agent, LOGINS, testApp, type TestApp } from '../../../test/support.ts'

/*
 * Issue 10's rollout, as a city office does it with its own spreadsheets and no manual step
 * between: the organization list, then 10,000 members naming their organizations, then the
 * activation slips. Importing both files again changes nothing.
 */
let t: TestApp
let staff: Agent
const files = cityFiles({ city: 'Đảng bộ thành phố Nam Sơn', wards: 10, cellsPerWard: 6, members: 10_000 })

beforeAll(async () => {
  t = await testApp({ members: 60 })
  staff = await t.signIn(LOGINS.staff)
})
afterAll(() => t?.close())

const text = async (res: Response) => (await res.text()).replaceAll('&quot;', '"')

async function importFile(path: string, csv: string) {
  const form = new FormData()
  form.set('file', new File([csv], 'tep.csv'))
  const dry = await text(await staff.post(path, form))
  const commit = new RegExp(`action="(${path}/[0-9a-f-]{36}/commit)"`).exec(dry)?.[1]
  return { dry, done: commit ? await text(await staff.post(commit, {})) : null }
}

const imported = () =>
  t.runtime.data.asSystem('test: the imported city', async (tx) => {
    const [row] = await tx.query<{ orgs: number; members: number; registered: number; cells: number }>(
      `select (select count(*)::int from public.organizations where short_code like 'RP%') as orgs,
              (select count(*)::int from public.organizations where short_code like 'RP%-%') as cells,
              count(*)::int as members, count(m.registered_at)::int as registered
         from public.members m join public.organizations o on o.id = m.org_id where o.short_code like 'RP%-%'`,
    )
    return row
  })

describe('a city brings its organization and members in', () => {
  it('imports 70 organizations and 10,000 members named by organization, in one go each', async () => {
    const orgs = await importFile('/orgs/import', files.orgsCsv)
    expect(orgs.dry).toContain('70 dòng: <strong>70 tạo mới</strong>')
    expect(orgs.done).toContain('Đã nhập: 70 tổ chức mới, 0 tổ chức được cập nhật.')

    const members = await importFile('/members/import', files.membersCsv)
    expect(members.dry).toContain('10000 dòng: <strong>10000 hợp lệ</strong>, <strong>0 có lỗi</strong>.')
    expect(members.dry.match(/Dùng chung số điện thoại/g)?.length).toBe(files.sharedPhones)
    expect(members.done).toContain('Đã nhập 10000 đảng viên.')
    expect(await imported()).toEqual({ orgs: 70, cells: 60, members: 10_000, registered: files.registeredRows })
  })

  it('the same two files imported again change nothing', async () => {
    const before = await imported()
    const orgs = await importFile('/orgs/import', files.orgsCsv)
    expect(orgs.dry).toContain('<strong>0 tạo mới</strong>, <strong>0 cập nhật</strong>, 70 không đổi')
    const members = await importFile('/members/import', files.membersCsv)
    expect(members.dry).toContain('10000 dòng: <strong>0 hợp lệ</strong>')
    expect(members.done).toBeNull()
    expect(await imported()).toEqual(before)
  })

  it('slips for the whole city in one printing: each of the 10,000 gets one, and of two members sharing a phone only one signs in by it', async () => {
    const city = await t.runtime.data.asSystem(
      'test: the city',
      async (tx) => (await tx.query<{ id: string }>(`select id from public.organizations where path = 'ns.tp1'`))[0].id,
    )
    const html = await (await staff.post('/members/activation', { org_id: city, days: '30' })).text()
    const logins = [...html.matchAll(/class="slip-login">(.*?)<\/dd>/g)].map((m) => m[1])
    const printed = new Set(logins)
    expect(printed.size).toBe(logins.length)
    const people = await t.runtime.data.asSystem('test: the imported members', (tx) =>
      tx.query<{ phone: string; card_number: string }>(
        `select m.phone, m.card_number from public.members m join public.organizations o on o.id = m.org_id where o.short_code like 'RP%-%'`,
      ),
    )
    expect(people.length).toBe(10_000)
    const missing = people.filter((m) => !printed.has(m.phone) && !printed.has(m.card_number))
    expect(missing).toEqual([])
    // the second of two sharing a phone signs in by card number
    expect(people.filter((m) => printed.has(m.card_number)).length).toBe(files.sharedPhones)
    expect(html.match(/<section class="slip-sheet"/g)?.length).toBeGreaterThanOrEqual(60)
  })
})
