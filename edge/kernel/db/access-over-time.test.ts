import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Agent, claimsOf, DEMO_PASSWORD, LOGINS, memberIdOf, orgIdByPath, setClock, testApp, type TestApp } from '../../../test/support.ts'

/*
 * Who sees what while the organization lives: people leave and die, roles end and start on
 * Vietnam dates, passwords are reset, sessions end. Each rule is tried from both sides.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 60 })
})
afterAll(() => t?.close())
afterEach(() => setClock(t, null))

// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc fixture queries
const system = <T>(fn: (q: (sql: string, params?: unknown[]) => Promise<any[]>) => Promise<T>) =>
  t.runtime.data.asSystem('test: fixtures for access over time', (tx) => fn((sql, params) => tx.query(sql, params)))

/** A new member of the cell at `path` with an account of his/her own (the demo password), signed in. */
async function newPerson(path: string, name: string): Promise<{ id: string; phone: string; agent: Agent }> {
  const phone = `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  await system(async (q) => {
    const [m] = await q(
      `insert into public.members (org_id, full_name, phone, status) values ((select id from public.organizations where path = $1::ltree), $2, $3, 'official') returning id`,
      [path, name, phone],
    )
    const [u] = await q(`insert into auth.users (phone) values (null) returning id`)
    await q(`insert into public.accounts (user_id, member_id, display_name) values ($1, $2, $3)`, [u.id, m.id, name])
    await q(
      `insert into app.credentials (user_id, login_phone, password_hash, must_change_password)
       values ($1, $2, (select password_hash from app.credentials where login_phone = $3), false)`,
      [u.id, phone, LOGINS.member],
    )
  })
  const agent = await t.signIn(phone)
  const id = await memberIdOf(t, phone)
  return { id, phone, agent }
}

async function giveRole(memberId: string, path: string, role: string, from: string, to: string | null = null) {
  await system((q) =>
    q(
      `insert into public.org_roles (org_id, member_id, role, valid_from, valid_to) values ((select id from public.organizations where path = $1::ltree), $2, $3, $4, $5)`,
      [path, memberId, role, from, to],
    ),
  )
}

async function scopeOf(phone: string): Promise<string[]> {
  const claims = await claimsOf(t, phone)
  return t.runtime.data.withUser(claims, async (tx) => (await tx.query<{ s: string }>(`select unnest(app.managed_scope())::text as s`)).map((r) => r.s))
}

/** The Vietnam calendar date of an instant. */
const vietnamDate = (at: Date) => new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10)

describe('authority over credentials flows only downwards', () => {
  it('a cell secretary cannot reset the password of the ward secretary whose home is the cell, nor of city staff', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const res = await secretary.post(`/members/${await memberIdOf(t, LOGINS.grassroots)}/login`, {})
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('cấp trên')
    // city staff's home cell is elsewhere: out of scope, so not even found
    expect((await secretary.post(`/members/${await memberIdOf(t, LOGINS.staff)}/login`, {})).status).toBe(404)
    // the superior still signs in with his/her own password
    expect((await t.anonymous().post('/login', { login: LOGINS.grassroots, password: DEMO_PASSWORD })).status).toBe(303)
  })

  it('a peer at the same level (a deputy of the same cell) is refused; the secretary resets himself nowhere', async () => {
    const deputy = await newPerson('ns.tp1.g1.c1', 'Phó Bí Thư Ngang Cấp')
    await giveRole(deputy.id, 'ns.tp1.g1.c1', 'deputy_secretary', '2024-01-01')
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const peer = await secretary.post(`/members/${deputy.id}/login`, {})
    expect(peer.status).toBe(403)
    const self = await secretary.post(`/members/${await memberIdOf(t, LOGINS.cellSecretary)}/login`, {})
    expect(self.status).toBe(403)
    expect((await deputy.agent.get('/')).status).toBe(200)
  })

  it('a strictly wider scope may: the ward secretary resets the cell secretary, whose sessions end', async () => {
    const cellSecretary = await t.signIn(LOGINS.cellSecretary)
    const ward = await t.signIn(LOGINS.grassroots)
    const res = await ward.post(`/members/${await memberIdOf(t, LOGINS.cellSecretary)}/login`, {})
    expect(res.status).toBe(200)
    const password = /Mật khẩu tạm: ([a-z0-9]+)/.exec(await res.text())![1]
    expect((await cellSecretary.get('/members')).status).toBe(302)
    const again = t.anonymous()
    expect((await again.post('/login', { login: LOGINS.cellSecretary, password })).headers.get('Location')).toBe('/account/password')
    // put the demo password back for the other tests
    await system((q) =>
      q(
        `update app.credentials set password_hash = (select password_hash from app.credentials where login_phone = $2), must_change_password = false where login_phone = $1`,
        [LOGINS.cellSecretary, LOGINS.member],
      ),
    )
  })

  it('an ordinary member gets no answer from the identifier check (no citizen-ID oracle)', async () => {
    const member = await claimsOf(t, LOGINS.member)
    const known = await system(
      async (q) => (await q(`select citizen_id from public.members where citizen_id is not null limit 1`))[0]?.citizen_id ?? '012345678901',
    )
    const rows = await t.runtime.data.withUser(member, (tx) => tx.query(`select * from public.member_duplicate_keys('{}', $1::text[], '{}')`, [[known]]))
    expect(rows).toEqual([])
  })
})

describe('leaving ends access', () => {
  for (const how of ['left_on', 'deceased_on'] as const) {
    it(`a member whose ${how} is today is signed out at once, cannot sign in, and reads nothing`, async () => {
      const person = await newPerson('ns.tp1.g1.c1', `Người Rời Đi ${how}`)
      expect((await person.agent.get('/')).status).toBe(200)
      const staff = await t.signIn(LOGINS.staff)
      const change = how === 'left_on' ? 'left' : 'deceased'
      const res = await staff.post(`/members/${person.id}/status`, { change, date: vietnamDate(new Date()) })
      expect(res.status).toBe(303)
      expect((await person.agent.get('/')).status).toBe(302)
      const again = await t.anonymous().post('/login', { login: person.phone, password: DEMO_PASSWORD })
      expect(again.status).toBe(403)
      expect(await again.text()).toContain('không còn hiệu lực')
      const claims = await claimsOf(t, person.phone)
      const visible = await t.runtime.data.withUser(claims, async (tx) => {
        const [row] = await tx.query<{ members: number; orgs: number; meetings: number }>(
          `select (select count(*) from public.members)::int as members, (select count(*) from public.organizations)::int as orgs,
                  (select count(*) from public.meetings)::int as meetings`,
        )
        return row
      })
      expect(visible).toEqual({ members: 0, orgs: 0, meetings: 0 })
    })
  }

  it('a manager who left keeps no scope although the role has no end date', async () => {
    const manager = await newPerson('ns.tp1.g1.c2', 'Cấp Ủy Đã Chuyển Đi')
    await giveRole(manager.id, 'ns.tp1.g1', 'committee_member', '2024-01-01')
    expect(await scopeOf(manager.phone)).toEqual(['ns.tp1.g1'])
    await system((q) => q(`update public.members set left_on = $2 where id = $1`, [manager.id, vietnamDate(new Date())]))
    expect(await scopeOf(manager.phone)).toEqual([])
    expect((await manager.agent.get('/members')).status).toBe(302)
  })
})

describe('roles start and end on Vietnam dates', () => {
  it('at 06:30 in Hà Nội (still yesterday in UTC) a term that ended yesterday grants nothing and one starting today grants its scope', async () => {
    // 06:30 Vietnam time is 23:30 UTC of the previous day: a UTC date would get both wrong
    const day = vietnamDate(new Date(Date.now() + 86_400_000))
    const yesterday = vietnamDate(new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000))
    const ended = await newPerson('ns.tp1.g1.c2', 'Nhiệm Kỳ Vừa Hết')
    const starting = await newPerson('ns.tp1.g1.c2', 'Nhiệm Kỳ Mới Bắt Đầu')
    await giveRole(ended.id, 'ns.tp1.g1.c2', 'secretary', '2024-01-01', yesterday)
    await giveRole(starting.id, 'ns.tp1.g11.c1', 'secretary', day)
    await setClock(t, `${day}T06:30:00+07:00`)
    expect(await scopeOf(ended.phone)).toEqual([])
    expect(await scopeOf(starting.phone)).toEqual(['ns.tp1.g11.c1'])
    // one minute before midnight in Hà Nội the old term still holds and the new one not yet
    await setClock(t, `${yesterday}T23:59:00+07:00`)
    expect(await scopeOf(ended.phone)).toEqual(['ns.tp1.g1.c2'])
    expect(await scopeOf(starting.phone)).toEqual([])
  })

  it('a role that ends (removed, or ended before today) ends the holder’s sessions; a member of two roles keeps exactly the other', async () => {
    const holder = await newPerson('ns.tp1.g1.c2', 'Hai Vai Trò')
    await giveRole(holder.id, 'ns.tp1.g1.c2', 'secretary', '2024-01-01')
    await giveRole(holder.id, 'ns.tp1.g2', 'staff', '2024-01-01')
    const agent = await t.signIn(holder.phone)
    expect((await scopeOf(holder.phone)).sort()).toEqual(['ns.tp1.g1.c2', 'ns.tp1.g2'])
    await system((q) => q(`delete from public.org_roles where member_id = $1 and role = 'staff'`, [holder.id]))
    expect((await agent.get('/members')).status).toBe(302)
    expect(await scopeOf(holder.phone)).toEqual(['ns.tp1.g1.c2'])
  })
})

describe('sessions can be ended', () => {
  it('logout ends the session itself: a copy of the cookie is dead too', async () => {
    const agent = await t.signIn(LOGINS.member)
    const copy = new Agent(t.app)
    copy.cookies = new Map(agent.cookies)
    expect((await copy.get('/')).status).toBe(200)
    await agent.post('/logout', {})
    expect((await copy.get('/')).status).toBe(302)
  })

  it('changing one’s password ends one’s other sessions and keeps this one', async () => {
    const person = await newPerson('ns.tp1.g11.c1', 'Đổi Mật Khẩu')
    const other = await t.signIn(person.phone)
    await person.agent.loadCsrf()
    const res = await person.agent.post('/account/password', { current: DEMO_PASSWORD, password: 'mat-khau-moi-2026', confirm: 'mat-khau-moi-2026' })
    expect(res.status).toBe(200)
    expect((await person.agent.get('/')).status).toBe(200)
    expect((await other.get('/')).status).toBe(302)
  })

  it('guessing the current password is throttled like sign-in', async () => {
    const person = await newPerson('ns.tp1.g11.c1', 'Đoán Mật Khẩu')
    await person.agent.loadCsrf()
    for (let i = 0; i < 5; i++) {
      const res = await person.agent.post('/account/password', { current: `sai-${i}-khong-dung`, password: 'mat-khau-moi-2026', confirm: 'mat-khau-moi-2026' })
      expect(res.status).toBe(400)
    }
    const right = await person.agent.post('/account/password', { current: DEMO_PASSWORD, password: 'mat-khau-moi-2026', confirm: 'mat-khau-moi-2026' })
    expect(right.status).toBe(429)
  })
})

describe('throttling cannot be turned against the owner', () => {
  it('failures from elsewhere hold off new browsers, not the owner’s own phone; a secretary’s reset clears them', async () => {
    const person = await newPerson('ns.tp1.g1.c1', 'Bị Dò Mật Khẩu')
    const ownPhone = t.anonymous()
    expect((await ownPhone.post('/login', { login: person.phone, password: DEMO_PASSWORD })).status).toBe(303)
    ownPhone.cookies.delete('sotay_session')
    // an attacker from five addresses (each a new agent: a new address and no device cookie)
    for (let i = 0; i < 5; i++) await t.anonymous().post('/login', { login: person.phone, password: `doan-${i}` })
    const newBrowser = await t.anonymous().post('/login', { login: person.phone, password: DEMO_PASSWORD })
    expect(newBrowser.status).toBe(429)
    expect((await ownPhone.post('/login', { login: person.phone, password: DEMO_PASSWORD })).status).toBe(303)
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const reset = await secretary.post(`/members/${person.id}/login`, {})
    const password = /Mật khẩu tạm: ([a-z0-9]+)/.exec(await reset.text())![1]
    expect((await t.anonymous().post('/login', { login: person.phone, password })).status).toBe(303)
  })

  it('one address that fails many logins is held off, while other addresses are not', async () => {
    const noisy = t.anonymous()
    for (let i = 0; i < 30; i++) await noisy.post('/login', { login: `09000${String(i).padStart(5, '0')}`, password: 'khong-dung-dau' })
    expect((await noisy.post('/login', { login: LOGINS.member, password: DEMO_PASSWORD })).status).toBe(429)
    expect((await t.anonymous().post('/login', { login: LOGINS.member, password: DEMO_PASSWORD })).status).toBe(303)
  })
})

describe('a shared phone', () => {
  it('issuing a login to a second member with the same phone uses the card number, or says why not, never a 500', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const first = await newPerson('ns.tp1.g1.c1', 'Chủ Máy Điện Thoại')
    const [noCard, withCard] = await system(async (q) => {
      const rows = await q(
        `insert into public.members (org_id, full_name, phone, card_number, status) values ($1, 'Người Nhà Không Thẻ', $2, null, 'official'), ($1, 'Người Nhà Có Thẻ', $2, 'TH-998877', 'official') returning id`,
        [cell, first.phone],
      )
      return rows.map((r) => r.id as string)
    })
    const refused = await staff.post(`/members/${noCard}/login`, {})
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('máy dùng chung')
    const issued = await staff.post(`/members/${withCard}/login`, {})
    expect(issued.status).toBe(200)
    const password = /Mật khẩu tạm: ([a-z0-9]+)/.exec(await issued.text())![1]
    expect((await t.anonymous().post('/login', { login: 'TH-998877', password })).status).toBe(303)
    expect((await t.anonymous().post('/login', { login: first.phone, password: DEMO_PASSWORD })).status).toBe(303)
  })
})

describe('one scope vocabulary', () => {
  const KEYS = ['ns.tp1.g1', 'ns.tp1.g1.c1', 'ns.tp1.g10', 'ns.tp1.g10.c1', 'ns.tp1.g2.c1', 'ns.tp1.g11.c1', 'ns.tp1.g11', 'ns.tp1', 'ns', 'ns.tp1.g1c']

  it('app.in_scope as a function and as the inline form policies use agree, for one root, disjoint roots and none', async () => {
    const single = await newPerson('ns.tp1.g1.c1', 'Một Phạm Vi')
    await giveRole(single.id, 'ns.tp1.g1', 'committee_member', '2024-01-01')
    const disjoint = await newPerson('ns.tp1.g1.c1', 'Hai Phạm Vi Rời')
    await giveRole(disjoint.id, 'ns.tp1.g1', 'committee_member', '2024-01-01')
    await giveRole(disjoint.id, 'ns.tp1.g11', 'staff', '2024-01-01')
    const [{ inline }] = await system((q) => q(`select app.expand_scope('app.in_scope(k)') as inline`))
    const values = KEYS.map((k) => `('${k}')`).join(', ')
    for (const phone of [single.phone, disjoint.phone, LOGINS.member]) {
      const rows = await t.runtime.data.withUser(await claimsOf(t, phone), (tx) =>
        tx.query<{ k: string; f: boolean; e: boolean }>(`select k, app.in_scope(k) as f, ${inline} as e from (values ${values}) keys (k)`),
      )
      expect(rows.filter((r) => r.f !== r.e)).toEqual([])
    }
    const seen = await t.runtime.data.withUser(await claimsOf(t, disjoint.phone), (tx) =>
      tx.query<{ k: string }>(`select k from (values ${values}) keys (k) where ${inline} order by k`),
    )
    expect(seen.map((r) => r.k)).toEqual(['ns.tp1.g1', 'ns.tp1.g1.c1', 'ns.tp1.g11', 'ns.tp1.g11.c1'])
  })
})

describe('standing is decided from above too', () => {
  it('a cell secretary cannot record that the ward secretary left or died; the city can', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const ward = await memberIdOf(t, LOGINS.grassroots)
    for (const change of ['left', 'deceased']) {
      const res = await secretary.post(`/members/${ward}/status`, { change, date: vietnamDate(new Date()) })
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('cấp trên')
    }
    expect((await t.anonymous().post('/login', { login: LOGINS.grassroots, password: DEMO_PASSWORD })).status).toBe(303)
    const person = await newPerson('ns.tp1.g1.c1', 'Cấp Ủy Phường Nghỉ')
    await giveRole(person.id, 'ns.tp1.g1', 'deputy_secretary', '2024-01-01')
    const staff = await t.signIn(LOGINS.staff)
    expect((await staff.post(`/members/${person.id}/status`, { change: 'left', date: vietnamDate(new Date()) })).status).toBe(303)
  })
})

describe('live streams end cleanly', () => {
  it('a stream whose session is logged out elsewhere gets a notice and the close event; reconnecting gets them again instead of a redirect', async () => {
    const agent = await t.signIn(LOGINS.member)
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const created = await secretary.post('/meetings', {
      org_id: await orgIdByPath(t, 'ns.tp1.g1.c1'),
      kind: 'regular',
      title: 'Họp có luồng',
      date: vietnamDate(new Date(Date.now() + 86_400_000)),
      time: '19:30',
    })
    const meeting = created.headers.get('Location')!.split('?')[0].split('/').pop()!
    const res = await agent.request(`/comments/meetings/${meeting}/stream?after=`)
    expect(res.status).toBe(200)
    const copy = new Agent(t.app)
    copy.cookies = new Map(agent.cookies)
    await copy.loadCsrf()
    await copy.post('/logout', {})
    const text = await new Response(res.body).text()
    expect(text).toContain('event: ended')
    expect(text).toContain('Phiên đăng nhập đã kết thúc')
    const again = await agent.request(`/comments/meetings/${meeting}/stream`, { headers: { 'Last-Event-ID': crypto.randomUUID() } })
    expect(again.status).toBe(200)
    expect(again.headers.get('HX-Redirect')).toBeNull()
    expect(await again.text()).toContain('event: ended')
  })

  it('while the password must be changed, the page’s background requests get nothing rather than a redirect to the page itself', async () => {
    const person = await newPerson('ns.tp1.g1.c1', 'Mật Khẩu Tạm')
    await system((q) => q(`update app.credentials set must_change_password = true where login_phone = $1`, [person.phone]))
    const agent = t.anonymous()
    expect((await agent.post('/login', { login: person.phone, password: DEMO_PASSWORD })).headers.get('Location')).toBe('/account/password')
    const count = await agent.get('/notifications/count', { htmx: true })
    expect(count.status).toBe(204)
    expect(count.headers.get('HX-Redirect')).toBeNull()
    expect((await agent.get('/members')).headers.get('Location')).toBe('/account/password')
  })
})

describe('phones and card numbers are one space of logins', () => {
  it('a card number written like the ward secretary’s phone never becomes a second key to her login', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const puppet = await newPerson('ns.tp1.g1.c1', 'Tài Khoản Bù Nhìn')
    await system((q) => q(`update public.members set card_number = $2 where id = $1`, [puppet.id, LOGINS.grassroots]))
    const res = await secretary.post(`/members/${puppet.id}/login`, {})
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('máy dùng chung')
    // nor can any path store it: the credentials refuse a login that is another account's phone or card
    await expect(
      system((q) => q(`update app.credentials set login_card = $1 where login_phone = $2`, [LOGINS.grassroots, puppet.phone])),
    ).rejects.toMatchObject({ code: '23505' })
    expect((await t.anonymous().post('/login', { login: LOGINS.grassroots, password: DEMO_PASSWORD })).status).toBe(303)
  })

  it('a subordinate cannot change a superior’s phone or card number (they are her logins); a wider scope can', async () => {
    const ward = await memberIdOf(t, LOGINS.grassroots)
    const claims = await claimsOf(t, LOGINS.cellSecretary)
    await expect(
      t.runtime.data.withUser(claims, (tx) => tx.query(`update public.members set phone = '0987654321' where id = $1`, [ward])),
    ).rejects.toMatchObject({ code: '42501' })
    // other fields of her record stay with the cell that keeps it
    await t.runtime.data.withUser(claims, (tx) => tx.query(`update public.members set current_address = 'Số 1 phố Minh Khai' where id = $1`, [ward]))
    const deputy = await newPerson('ns.tp1.g1.c1', 'Phó Bí Thư Đổi Số')
    await giveRole(deputy.id, 'ns.tp1.g1.c1', 'deputy_secretary', '2024-01-01')
    const staff = await claimsOf(t, LOGINS.staff)
    const [changed] = await t.runtime.data.withUser(staff, (tx) =>
      tx.query<{ card_number: string }>(`update public.members set card_number = 'PB-1234' where id = $1 returning card_number`, [deputy.id]),
    )
    expect(changed.card_number).toBe('PB-1234')
  })
})

describe('throttling holds against a burst', () => {
  it('forty wrong passwords sent at once for one login get at most five verdicts; the rest are held off', async () => {
    const person = await newPerson('ns.tp1.g1.c1', 'Bị Dò Dồn Dập')
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.anonymous().post('/login', { login: person.phone, password: `doan-cung-luc-${i}` })),
    )
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35)
  })
})

describe('hostile input found by the probe answers 4xx, never 500', () => {
  it('NUL bytes, a broken multipart body and a status change without its date', async () => {
    expect((await t.anonymous().post('/login', { login: '\0', password: 'x' })).status).toBeLessThan(500)
    const staff = await t.signIn(LOGINS.staff)
    expect((await staff.get('/members?q=%00')).status).toBeLessThan(500)
    const broken = await staff.request('/members', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=zz', 'X-CSRF-Token': staff.csrf },
      body: '--zz\r\nbroken',
    })
    expect(broken.status).toBe(400)
    const member = await newPerson('ns.tp1.g1.c1', 'Thiếu Ngày')
    const res = await staff.post(`/members/${member.id}/status`, { change: 'left' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Ngày ra khỏi Đảng: bắt buộc nhập.')
  })
})

describe('every table, as people whose access ended', () => {
  /** Rows of every table of the app's schemas a user can read (the catalog decides which tables). */
  async function visibleEverywhere(phone: string): Promise<Record<string, number>> {
    const tables = await system((q) =>
      q(`select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname in ('public', 'app') order by 1`),
    )
    const claims = await claimsOf(t, phone)
    const seen: Record<string, number> = {}
    for (const { name } of tables) {
      seen[name] = await t.runtime.data
        .withUser(claims, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from ${name}`))[0].n)
        .catch((error) => {
          if ((error as { code?: string }).code !== '42501') throw error
          return 0
        })
    }
    return Object.fromEntries(Object.entries(seen).filter(([, n]) => n > 0))
  }

  // what stays readable is keyed to the person's own account, never to the Party: the account and
  // password row, and (none here) his/her devices, calendar feed and push deliveries
  const OWN_ACCOUNT = ['public.accounts', 'app.credentials']

  const CELL = 'ns.tp1.g1.c1'
  const strayWrites = (cell: string) => [
    `insert into public.members (org_id, full_name) values ('${cell}', 'Ghi Trộm')`,
    `insert into public.meetings (org_id, kind, title, starts_at) values ('${cell}', 'regular', 'Họp trộm', now())`,
    `insert into public.events (org_id, title, starts_at, ends_at) values ('${cell}', 'Sự kiện trộm', now(), now())`,
    `insert into public.tasks (org_id, title, due_on) values ('${cell}', 'Việc trộm', current_date + 3)`,
  ]

  async function writesNothing(phone: string) {
    const claims = await claimsOf(t, phone)
    const cell = await orgIdByPath(t, CELL)
    for (const sql of strayWrites(cell)) await expect(t.runtime.data.withUser(claims, (tx) => tx.query(sql))).rejects.toMatchObject({ code: '42501' })
    const changed = await t.runtime.data.withUser(claims, (tx) =>
      tx.query(`update public.members set position = 'Sửa trộm' where org_id = $1 returning id`, [cell]),
    )
    expect(changed).toEqual([])
    const removed = await t.runtime.data.withUser(claims, (tx) => tx.query(`delete from public.members where org_id = $1 returning id`, [cell]))
    expect(removed).toEqual([])
  }

  for (const how of ['left_on', 'deceased_on'] as const) {
    it(`a ward secretary whose ${how} is today reads nothing of any table but his/her own account, and writes nothing`, async () => {
      const person = await newPerson('ns.tp1.g1.c2', `Hết Quyền ${how}`)
      await giveRole(person.id, 'ns.tp1.g1', 'secretary', '2024-01-01')
      await system((q) => q(`update public.members set ${how} = $2 where id = $1`, [person.id, vietnamDate(new Date())]))
      expect(Object.keys(await visibleEverywhere(person.phone)).filter((name) => !OWN_ACCOUNT.includes(name))).toEqual([])
      await writesNothing(person.phone)
    })
  }

  it('a ward secretary whose term ended yesterday reads another cell of the ward in no table, and writes nothing there', async () => {
    const person = await newPerson('ns.tp1.g1.c2', 'Hết Nhiệm Kỳ Hôm Qua')
    await giveRole(person.id, 'ns.tp1.g1', 'secretary', '2024-01-01', vietnamDate(new Date(Date.now() - 86_400_000)))
    const columns = await system((q) =>
      q(`select format('%I.%I', n.nspname, c.relname) as table, a.attname as column
           from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname in ('public', 'app') and c.relkind = 'r' and a.attname in ('org_key', 'task_key') and not a.attisdropped`),
    )
    const tablesSeenBy = async (phone: string) => {
      const claims = await claimsOf(t, phone)
      const seen: string[] = []
      for (const { table, column } of columns) {
        const [row] = await t.runtime.data.withUser(claims, (tx) =>
          tx.query<{ n: number }>(`select count(*)::int as n from ${table} where ${column} = $1 or ${column} like $1 || '.%'`, [CELL]),
        )
        if (row.n > 0) seen.push(table)
      }
      return seen
    }
    // the cell's own secretary, whose term runs, sees its rows: the check can fail
    expect(await tablesSeenBy(LOGINS.cellSecretary)).toEqual(expect.arrayContaining(['public.members', 'public.meetings']))
    expect(await tablesSeenBy(person.phone)).toEqual([])
    await writesNothing(person.phone)
  })
})
