import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, LOGINS, testApp, type TestApp } from '../../../test/support.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

describe('sign-in', () => {
  it('a member signs in with phone number and gets an HttpOnly, SameSite session cookie', async () => {
    const agent = t.anonymous()
    const res = await agent.post('/login', { login: LOGINS.member, password: DEMO_PASSWORD })
    expect(res.status).toBe(303)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sotay_session='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    const home = await agent.get('/')
    expect(await home.text()).toContain('Nguyễn Thị Hồng Nhung')
  })

  it('the session cookie carries Supabase-shaped claims (sub, role authenticated, exp)', async () => {
    const agent = await t.signIn(LOGINS.member)
    const token = agent.cookies.get('sotay_session')!
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
    expect(claims.role).toBe('authenticated')
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/)
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000)
  })

  it('a member signs in with the Party card number too', async () => {
    const card = await t.runtime.data.asSystem('test: read a card number', async (tx) => {
      const [row] = await tx.query<{ login_card: string }>(`select c.login_card from app.credentials c where c.login_phone = $1`, [LOGINS.cellSecretary])
      return row.login_card
    })
    const res = await t.anonymous().post('/login', { login: card, password: DEMO_PASSWORD })
    expect(res.status).toBe(303)
  })

  it('a wrong password is refused with a Vietnamese message and no session', async () => {
    const agent = t.anonymous()
    const res = await agent.post('/login', { login: LOGINS.grassroots, password: 'wrong-password' })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('không đúng')
    expect(agent.cookies.has('sotay_session')).toBe(false)
  })

  it('after 5 failures in 15 minutes a browser that never signed in to the account is held off, even with the right password', async () => {
    const agent = t.anonymous()
    for (let i = 0; i < 5; i++) await agent.post('/login', { login: LOGINS.staff, password: `nope-${i}` })
    const res = await agent.post('/login', { login: LOGINS.staff, password: DEMO_PASSWORD })
    expect(res.status).toBe(429)
    expect(await res.text()).toContain('15 phút')
  })

  it('empty and overlong inputs get field messages, not a crash', async () => {
    const empty = await t.anonymous().post('/login', { login: '', password: '' })
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('Nhập số điện thoại hoặc số thẻ đảng viên.')
    const long = await t.anonymous().post('/login', { login: 'x'.repeat(20_000), password: 'y' })
    expect(long.status).toBe(400)
  })

  it('next= never redirects to another site', async () => {
    const res = await t.anonymous().post('/login', { login: LOGINS.member, password: DEMO_PASSWORD, next: '//evil.example/x' })
    expect(res.headers.get('Location')).toBe('/')
  })

  it('signed-out visitors are sent to the login page', async () => {
    const res = await t.anonymous().get('/members')
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/login?next=%2Fmembers')
  })

  it('logout ends the session', async () => {
    const agent = await t.signIn(LOGINS.member)
    await agent.post('/logout', {})
    expect(agent.cookies.has('sotay_session')).toBe(false)
    expect((await agent.get('/')).status).toBe(302)
  })
})

describe('CSRF and headers', () => {
  it('an unsafe request without the CSRF token is refused', async () => {
    const agent = await t.signIn(LOGINS.member)
    const res = await agent.post('/logout', {}, { csrf: false })
    expect(res.status).toBe(403)
  })

  it('a request from another origin is refused', async () => {
    const res = await t.app.request('http://localhost/login', {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'login=0901000004&password=x',
    })
    expect(res.status).toBe(403)
  })

  it('pages carry secure headers and a strict content security policy', async () => {
    const res = await t.anonymous().get('/login')
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
    expect(res.headers.get('X-Frame-Options')).toBe('SAMEORIGIN')
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })
})

describe('change password', () => {
  it('a wrong current password is refused; the right one changes it', async () => {
    const agent = await t.signIn(LOGINS.grassroots)
    const wrong = await agent.post('/account/password', { current: 'bad', password: 'new-pass-2026', confirm: 'new-pass-2026' })
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('Mật khẩu hiện tại không đúng.')
    const mismatch = await agent.post('/account/password', { current: DEMO_PASSWORD, password: 'new-pass-2026', confirm: 'other' })
    expect(await mismatch.text()).toContain('không khớp')
    const ok = await agent.post('/account/password', { current: DEMO_PASSWORD, password: 'new-pass-2026', confirm: 'new-pass-2026' })
    expect(ok.status).toBe(200)
    expect((await t.anonymous().post('/login', { login: LOGINS.grassroots, password: DEMO_PASSWORD })).status).toBe(401)
    expect((await t.anonymous().post('/login', { login: LOGINS.grassroots, password: 'new-pass-2026' })).status).toBe(303)
  })
})
