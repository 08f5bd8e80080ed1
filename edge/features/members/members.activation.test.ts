import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, orgIdByPath, testApp, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let cellId: string

beforeAll(async () => {
  t = await testApp()
  secretary = await t.signIn(LOGINS.cellSecretary)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
})
afterAll(() => t?.close())

const system = <T>(why: string, work: (tx: Parameters<Parameters<TestApp['runtime']['data']['asSystem']>[1]>[0]) => Promise<T>) =>
  t.runtime.data.asSystem(`test: ${why}`, work)

interface PrintedSlip {
  name: string
  login: string
  code: string
}

/** The slips as printed: name, login and code of each. */
function slipsOf(html: string): PrintedSlip[] {
  return [...html.matchAll(/<article class="slip">.*?<strong>(.*?)<\/strong>.*?class="slip-login">(.*?)<\/dd>.*?class="slip-code">(.*?)<\/dd>/gs)].map((m) => ({
    name: m[1],
    login: m[2],
    code: m[3],
  }))
}

async function print(agent: Agent, form: Record<string, string>) {
  const res = await agent.post('/members/activation', form)
  return { res, html: await res.text() }
}

/** Members of a cell without a login of their own, made so on the system path: the state a newly imported cell is in. */
async function withoutAccounts(path: string, count: number): Promise<{ id: string; birth: string }[]> {
  return system('members of a cell lose their accounts', async (tx) => {
    const rows = await tx.query<{ id: string; birth: string }>(
      `select m.id, to_char(m.birth_date, 'DD/MM/YYYY') as birth from public.members m join public.organizations o on o.id = m.org_id
        where o.path = $1::ltree and m.birth_date is not null and m.left_on is null and m.deceased_on is null
          and not exists (select 1 from public.org_roles r where r.member_id = m.id)
          and m.phone <> all ($3::text[])
        order by m.full_name limit $2`,
      [path, count, Object.values(LOGINS)],
    )
    await tx.query(`delete from auth.users u using public.accounts a where a.user_id = u.id and a.member_id = any ($1::uuid[])`, [rows.map((r) => r.id)])
    return rows
  })
}

const birthOf = (memberLogin: string) =>
  system('birth date of a login', async (tx) => {
    const [row] = await tx.query<{ birth: string }>(
      `select to_char(m.birth_date, 'DD/MM/YYYY') as birth from app.credentials c join public.accounts a on a.user_id = c.user_id
         join public.members m on m.id = a.member_id where c.login_phone = $1 or c.login_card = $1`,
      [memberLogin],
    )
    return row.birth
  })

function activate(agent: Agent, slip: PrintedSlip, birth: string, extra: Record<string, string> = {}) {
  return agent.post('/activate', { login: slip.login, birth_date: birth, code: slip.code, password: 'mat-khau-cua-toi', confirm: 'mat-khau-cua-toi', ...extra })
}

describe('activation slips', () => {
  let printed: PrintedSlip[]

  it('a secretary prints one slip per member of the cell who has no password of his/her own, and says why the others got none', async () => {
    const fresh = await withoutAccounts('ns.tp1.g1.c1', 4)
    const { res, html } = await print(secretary, { org_id: cellId, days: '30' })
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    printed = slipsOf(html)
    expect(printed.length).toBeGreaterThanOrEqual(fresh.length)
    for (const s of printed) expect(s.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
    expect(new Set(printed.map((s) => s.code)).size).toBe(printed.length)
    expect(html).toContain('Đã có mật khẩu (đã kích hoạt, hoặc đã nhận mật khẩu tạm).')
    // the secretary's own superior sits in the cell: his/her slip is printed above, never here
    expect(html).toContain('Người cùng cấp hoặc cấp trên: phiếu do cấp ủy cấp trên in.')
    const stored = await system('stored codes', (tx) => tx.query<{ code_hash: string }>(`select code_hash from app.activation_codes`))
    expect(stored.length).toBe(printed.length)
    for (const s of printed) expect(stored.some((r) => r.code_hash.includes(s.code.replace('-', '')))).toBe(false)
  })

  it('printing again skips who already holds a valid code; "print again" replaces the code and the old slip stops working', async () => {
    const again = await print(secretary, { org_id: cellId, days: '30' })
    expect(slipsOf(again.html)).toEqual([])
    expect(again.html).toContain('Đã có mã còn hạn từ lần in trước.')
    const target = printed.pop()!
    const birth = await birthOf(target.login)
    const replaced = slipsOf((await print(secretary, { org_id: cellId, days: '30', reissue: 'on' })).html)
    const fresh = replaced.find((s) => s.login === target.login)!
    expect(fresh.code).not.toBe(target.code)
    const old = await activate(t.anonymous(), target, birth)
    expect(old.status).toBe(401)
    expect(await old.text()).toContain('Thông tin kích hoạt không đúng.')
    printed = replaced
  })

  it('the member activates with login, birth date and code, chooses a password, is signed in, and counts as registered', async () => {
    const slip = printed[0]
    const birth = await birthOf(slip.login)
    const member = t.anonymous()
    const res = await activate(member, slip, birth)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/')
    expect((await member.get('/')).status).toBe(200)
    const registered = await system('registered?', async (tx) => {
      const [row] = await tx.query<{ registered: boolean; must_change: boolean }>(
        `select m.registered_at is not null as registered, c.must_change_password as must_change from app.credentials c
           join public.accounts a on a.user_id = c.user_id join public.members m on m.id = a.member_id
          where c.login_phone = $1 or c.login_card = $1`,
        [slip.login],
      )
      return row
    })
    expect(registered).toEqual({ registered: true, must_change: false })
    expect((await t.anonymous().post('/login', { login: slip.login, password: 'mat-khau-cua-toi' })).status).toBe(303)

    const reused = await activate(t.anonymous(), slip, birth, { password: 'ke-gian-doi-mat-khau', confirm: 'ke-gian-doi-mat-khau' })
    expect(reused.status).toBe(401)
    expect(await reused.text()).toContain('Tài khoản này đã được kích hoạt.')
    expect((await t.anonymous().post('/login', { login: slip.login, password: 'mat-khau-cua-toi' })).status).toBe(303)
  })

  it('an expired code, a wrong birth date or a wrong code is refused, and guessing stops after five tries', async () => {
    const [expiring, guessed] = printed.slice(1)
    await system('the code has lapsed', (tx) =>
      tx.query(
        `update app.activation_codes set expires_at = now() - interval '1 second'
          where user_id = (select user_id from app.credentials where login_phone = $1 or login_card = $1)`,
        [expiring.login],
      ),
    )
    const lapsed = await activate(t.anonymous(), expiring, await birthOf(expiring.login))
    expect(lapsed.status).toBe(401)
    expect(await lapsed.text()).toContain('Mã kích hoạt này đã hết hạn')

    const birth = await birthOf(guessed.login)
    const wrongBirth = await activate(t.anonymous(), guessed, '01/01/1901')
    expect(await wrongBirth.text()).toContain('Thông tin kích hoạt không đúng.')
    for (const code of ['AAAA-AAAA', 'BBBB-BBBB', 'CCCC-CCCC', 'DDDD-DDDD'])
      expect((await activate(t.anonymous(), { ...guessed, code }, birth)).status).toBe(401)
    const blocked = await activate(t.anonymous(), guessed, birth)
    expect(blocked.status).toBe(429)
    expect(await blocked.text()).toContain('Nhập sai quá 5 lần trong 15 phút.')
  })

  it('a code typed in lower case with spaces works, and two devices sending one code at once activate it once', async () => {
    await withoutAccounts('ns.tp1.g1.c1', 6)
    const slip = slipsOf((await print(secretary, { org_id: cellId, days: '7' })).html)[0]
    const birth = await birthOf(slip.login)
    const typed = { ...slip, code: ` ${slip.code.toLowerCase().replace('-', ' ')} ` }
    const outcomes = await Promise.all([
      activate(t.anonymous(), typed, birth),
      activate(t.anonymous(), typed, birth, { password: 'mot-mat-khau-khac', confirm: 'mot-mat-khau-khac' }),
    ])
    expect(outcomes.map((r) => r.status).sort()).toEqual([303, 401])
  })

  it('form errors are in Vietnamese, keep what was typed, and never send the password back', async () => {
    const res = await t.anonymous().post('/activate', { login: '0912345678', birth_date: '31/02/1970', code: 'K7M', password: 'ngan', confirm: 'khac' })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Ngày sinh: ghi theo dạng ngày/tháng/năm')
    expect(html).toContain('Mã kích hoạt gồm 8 chữ và số')
    expect(html).toContain('Mật khẩu mới phải có ít nhất 8 ký tự.')
    expect(html).toContain('value="0912345678"')
    expect(html).not.toContain('value="ngan"')
  })
})

describe('who may print slips', () => {
  it('a plain member has no such page and cannot issue a code, even for himself/herself', async () => {
    const member = await t.signIn(LOGINS.member)
    expect((await member.get('/members/activation')).status).toBe(404)
    const own = await system(
      'own member id',
      async (tx) =>
        (
          await tx.query<{ member_id: string }>(
            `select a.member_id from public.accounts a join app.credentials c on c.user_id = a.user_id where c.login_phone = $1`,
            [LOGINS.member],
          )
        )[0].member_id,
    )
    expect((await member.post('/members/activation', { member_id: own })).status).toBe(404)
    expect((await member.post('/members/activation', { org_id: cellId })).status).toBe(404)
  })

  it("another ward's cell is outside a cell secretary's scope: nothing is issued", async () => {
    const before = await system('codes', async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from app.activation_codes`))[0].n)
    const other = await orgIdByPath(t, 'ns.tp1.g2')
    const res = await secretary.post('/members/activation', { org_id: other })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Tổ chức này chưa có đảng viên nào')
    const after = await system('codes', async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from app.activation_codes`))[0].n)
    expect(after).toBe(before)
  })

  it("a secretary cannot reset a superior's password by printing a slip from the profile", async () => {
    const superior = await system(
      'the ward secretary',
      async (tx) =>
        (
          await tx.query<{ member_id: string }>(
            `select a.member_id from public.accounts a join app.credentials c on c.user_id = a.user_id where c.login_phone = $1`,
            [LOGINS.grassroots],
          )
        )[0].member_id,
    )
    const res = await secretary.post('/members/activation', { member_id: superior })
    const html = await res.text()
    expect(slipsOf(html)).toEqual([])
    expect((await t.anonymous().post('/login', { login: LOGINS.grassroots, password: 'demo-pass-2026' })).status).toBe(303)
  })
})

describe('codes and logins at the database', () => {
  it('no user reads or writes activation codes or the space of logins, not even an administrator', async () => {
    for (const login of [LOGINS.admin, LOGINS.staff, LOGINS.cellSecretary]) {
      const claims = await claimsOf(t, login)
      for (const table of ['app.activation_codes', 'app.logins']) {
        const read = await t.runtime.data.withUser(claims, (tx) => tx.query(`select * from ${table}`)).catch((e: { code?: string }) => e.code)
        expect(read === '42501' || (Array.isArray(read) && read.length === 0), `${login} reads ${table}`).toBe(true)
      }
      const write = await t.runtime.data
        .withUser(claims, (tx) => tx.query(`insert into app.logins (login, user_id) values ('0999999999', auth.uid())`))
        .catch((e: { code?: string }) => e.code)
      expect(write).toBe('42501')
    }
  })
})

describe('what a printing and a failed activation leave alone', () => {
  it("a temporary password given in person is not voided by printing the cell's slips", async () => {
    const [fresh] = await withoutAccounts('ns.tp1.g1.c1', 1)
    const issued = await (await secretary.post(`/members/${fresh.id}/login`, {})).text()
    const temporary = /Mật khẩu tạm: (\S+) —/.exec(issued)![1]
    const login = await system(
      'the login',
      async (tx) =>
        (
          await tx.query<{ login: string }>(
            `select coalesce(c.login_phone, c.login_card) as login from app.credentials c join public.accounts a on a.user_id = c.user_id where a.member_id = $1`,
            [fresh.id],
          )
        )[0].login,
    )
    const slips = slipsOf((await print(secretary, { org_id: cellId, days: '', reissue: 'on' })).html)
    expect(slips.some((s) => s.login === login)).toBe(false)
    expect((await t.anonymous().post('/login', { login, password: temporary })).headers.get('Location')).toBe('/account/password')
  })

  it('failed activations from one network do not stop its sign-ins, and count per account whether by phone or card', async () => {
    const hall = t.anonymous()
    for (let i = 0; i < 30; i++)
      await hall.post('/activate', {
        login: `09880000${String(i).padStart(2, '0')}`,
        birth_date: '01/01/1960',
        code: 'QTBW-5BZ5',
        password: 'abcdefgh',
        confirm: 'abcdefgh',
      })
    const more = await hall.post('/activate', { login: '0988000099', birth_date: '01/01/1960', code: 'QTBW-5BZ5', password: 'abcdefgh', confirm: 'abcdefgh' })
    expect(more.status).toBe(429)
    expect(await more.text()).toContain('Có quá nhiều lần kích hoạt sai từ mạng này.')
    expect((await hall.post('/login', { login: LOGINS.member, password: 'demo-pass-2026' })).status).toBe(303)

    const [person] = await withoutAccounts('ns.tp1.g1.c1', 1)
    const [slip] = slipsOf((await print(secretary, { member_id: person.id, days: '30' })).html)
    const card = await system(
      'card number',
      async (tx) => (await tx.query<{ card_number: string }>(`select card_number from public.members where id = $1`, [person.id]))[0].card_number,
    )
    const logins = [slip.login, card, slip.login, card, slip.login]
    for (const login of logins) expect((await activate(t.anonymous(), { ...slip, login, code: 'AAAA-AAAA' }, person.birth)).status).toBe(401)
    expect((await activate(t.anonymous(), { ...slip, login: card }, person.birth)).status).toBe(429)
  })
})
