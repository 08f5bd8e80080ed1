import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, importFile, testApp, type TestApp } from '../../test/support.ts'
import { needsSetup, setUpDeployment } from './setup.ts'

/*
 * A real committee's first day, on an empty database without the demo: npm run setup makes the
 * root and the administrator, who activates, brings the organizations and members in, prints the
 * slips; a member activates from his/her slip. Runs on PGlite and on the Postgres server alike.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 0, env: { DEMO: 'off' } })
})
afterAll(() => t?.close())

// the province the office's files (test/fixtures) place their city under
const ROOT = { org_name: 'Đảng bộ tỉnh Nam Sơn', org_kind: 'province_committee', org_code: 'NS', admin_name: 'Nguyễn Văn Quản', admin_phone: '0912 345 678' }
const fixture = async (name: string) => new Uint8Array(await readFile(new URL(`../../test/fixtures/${name}`, import.meta.url)))
const expected = JSON.parse(new TextDecoder().decode(await fixture('city-expected.json'))) as { members: number; orgs: number }

describe('the first start of a real deployment', () => {
  let admin: Agent
  let printed: { login: string; code: string }[]

  it('an empty database waits for setup: nobody can sign in, the login page lists no demo', async () => {
    expect(await needsSetup(t.runtime)).toBe(true)
    const login = await (await t.anonymous().get('/login')).text()
    expect(login).not.toContain('demo-logins')
  })

  it('bad input is refused with Vietnamese messages, and nothing is made', async () => {
    const outcome = await setUpDeployment(t.runtime, { ...ROOT, org_name: ' ', org_kind: 'tinh', admin_phone: '12' })
    expect(outcome).toMatchObject({ ok: false })
    const errors = 'errors' in outcome ? outcome.errors : {}
    expect(errors.org_name).toBe('Tên tổ chức đảng: bắt buộc nhập.')
    expect(errors.org_kind).toContain('Loại tổ chức')
    expect(errors.admin_phone).toContain('gồm 10–11 chữ số')
    expect(await needsSetup(t.runtime)).toBe(true)
  })

  it('setup makes the root and the administrator once; the administrator activates with the printed code and no birth date', async () => {
    const outcome = await setUpDeployment(t.runtime, ROOT)
    if (!outcome.ok) throw new Error(JSON.stringify(outcome))
    expect(outcome.login).toBe('0912345678')
    expect(outcome.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
    const again = await setUpDeployment(t.runtime, { ...ROOT, org_name: 'Một gốc khác' })
    expect(again).toMatchObject({ ok: false })
    expect('already' in again && again.already).toContain('đã được thiết lập (1 tổ chức đảng)')

    // a wrong code is refused; the right one signs the administrator in with the password he/she chose
    const wrong = await t
      .anonymous()
      .post('/activate', { login: outcome.login, birth_date: '', code: 'AAAA-AAAA', password: 'mat-khau-quan-tri', confirm: 'mat-khau-quan-tri' })
    expect(wrong.status).toBe(401)
    admin = t.anonymous()
    const res = await admin.post('/activate', {
      login: outcome.login,
      birth_date: '',
      code: outcome.code,
      password: 'mat-khau-quan-tri',
      confirm: 'mat-khau-quan-tri',
    })
    expect(res.status).toBe(303)
    await admin.loadCsrf()
    const home = await (await admin.get('/')).text()
    expect(home).toContain('Nguyễn Văn Quản')
    // the code was spent
    const reused = await t
      .anonymous()
      .post('/activate', { login: outcome.login, birth_date: '', code: outcome.code, password: 'mat-khau-khac-1', confirm: 'mat-khau-khac-1' })
    expect(reused.status).toBe(401)
  })

  it('the administrator imports the office’s own files (a title block, Excel dates and numbers) and prints the slips', async () => {
    const orgs = await importFile(admin, '/orgs/import', 'to-chuc.csv', await fixture('city-orgs.csv'))
    expect(orgs.done).toContain(`Đã nhập: ${expected.orgs} tổ chức mới`)
    const members = await importFile(admin, '/members/import', 'danh-sach.xlsx', await fixture('city-members.xlsx'))
    expect(members.done).toContain(`Đã nhập ${expected.members} đảng viên.`)
    const [city] = await t.runtime.data.asSystem('test: the city', (tx) =>
      tx.query<{ id: string }>(`select id from public.organizations where name = 'Đảng bộ thành phố Bắc Hà'`),
    )
    const slips = await (await admin.post('/members/activation', { org_id: city.id, days: '30' })).text()
    printed = [...slips.matchAll(/class="slip-login">(.*?)<\/dd>.*?class="slip-code">(.*?)<\/dd>/gs)].map((m) => ({ login: m[1], code: m[2] }))
    expect(printed.length).toBe(expected.members)
  })

  it('a member activates from the slip with his/her birth date, which a member cannot leave out', async () => {
    const slip = printed[0]
    const [{ birth, cell }] = await t.runtime.data.asSystem('test: the slip’s member', (tx) =>
      tx.query<{ birth: string; cell: string }>(
        `select to_char(m.birth_date, 'DD/MM/YYYY') as birth, o.name as cell from public.members m join public.organizations o on o.id = m.org_id
          where m.phone = $1 or m.card_number = $1`,
        [slip.login],
      ),
    )
    const member = t.anonymous()
    const blank = await member.post('/activate', {
      login: slip.login,
      birth_date: '',
      code: slip.code,
      password: 'mat-khau-cua-mai',
      confirm: 'mat-khau-cua-mai',
    })
    expect(blank.status).toBe(400)
    expect(await blank.text()).toContain('Nhập ngày sinh.')
    const res = await member.post('/activate', {
      login: slip.login,
      birth_date: birth,
      code: slip.code,
      password: 'mat-khau-cua-mai',
      confirm: 'mat-khau-cua-mai',
    })
    expect(res.status).toBe(303)
    expect(await (await member.get('/')).text()).toContain(cell)
    expect(await needsSetup(t.runtime)).toBe(false)
  })
})
