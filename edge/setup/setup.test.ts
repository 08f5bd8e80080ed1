import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, testApp, type TestApp } from '../../test/support.ts'
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

const ROOT = {
  org_name: 'Đảng bộ thành phố Hải Phòng',
  org_kind: 'province_committee',
  org_code: 'HP',
  admin_name: 'Nguyễn Văn Quản',
  admin_phone: '0912 345 678',
}

async function importFile(agent: Agent, path: string, csv: string) {
  const form = new FormData()
  form.set('file', new File([csv], 'tep.csv'))
  const dry = (await (await agent.post(path, form)).text()).replaceAll('&quot;', '"')
  const commit = new RegExp(`action="(${path}/[0-9a-f-]{36}/commit)"`).exec(dry)?.[1]
  return { dry, done: commit ? await (await agent.post(commit, {})).text() : null }
}

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

  it('the administrator imports the organizations and the members, and prints the slips', async () => {
    const orgs = await importFile(
      admin,
      '/orgs/import',
      [
        'Tên tổ chức,Loại,Trực thuộc,Mã',
        'Đảng bộ phường Lê Chân,Đảng bộ cơ sở,HP,LC',
        'Chi bộ tổ dân phố số 1,Chi bộ,LC,LC-1',
        'Chi bộ tổ dân phố số 2,Chi bộ,LC,LC-2',
      ].join('\n'),
    )
    expect(orgs.done).toContain('Đã nhập: 3 tổ chức mới')
    const members = await importFile(
      admin,
      '/members/import',
      [
        'Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Số thẻ,Tổ chức đảng',
        'Trần Thị Mai,05/09/1962,Nữ,0987000001,77000101,LC-1',
        'Lê Văn Hùng,12/03/1958,Nam,0987000002,77000102,LC-2',
      ].join('\n'),
    )
    expect(members.done).toContain('Đã nhập 2 đảng viên.')
    const [root] = await t.runtime.data.asSystem('test: the root', (tx) =>
      tx.query<{ id: string }>(`select id from public.organizations where parent_id is null`),
    )
    const slips = await (await admin.post('/members/activation', { org_id: root.id, days: '30' })).text()
    printed = [...slips.matchAll(/class="slip-login">(.*?)<\/dd>.*?class="slip-code">(.*?)<\/dd>/gs)].map((m) => ({ login: m[1], code: m[2] }))
    expect(printed.map((p) => p.login).sort()).toEqual(['0987000001', '0987000002'])
  })

  it('a member activates from the slip with his/her birth date, which a member cannot leave out', async () => {
    const slip = printed.find((p) => p.login === '0987000001')!
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
      birth_date: '05/09/1962',
      code: slip.code,
      password: 'mat-khau-cua-mai',
      confirm: 'mat-khau-cua-mai',
    })
    expect(res.status).toBe(303)
    expect(await (await member.get('/')).text()).toContain('Chi bộ tổ dân phố số 1')
    expect(await needsSetup(t.runtime)).toBe(false)
  })
})
