import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, LOGINS, testApp, type TestApp } from '../../../test/support.ts'
import { safeNext } from './auth.forms.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 50 })
})
afterAll(() => t?.close())

const hostile = {
  'a newline (header injection)': '/\n/x',
  'a tab (browsers strip it: //host)': '/\t/evil.example',
  'a carriage return and a header': '/\r\nSet-Cookie: a=b',
  'two slashes': '//evil.example/x',
  'a backslash': '/\\evil.example',
  'a backslash further on': '/members\\..\\x',
  'a scheme': 'https://evil.example/',
  'no leading slash': 'evil.example',
  'non-ASCII': '/thành-viên',
  'too long': `/${'a'.repeat(600)}`,
}

describe('next= at sign-in', () => {
  it('keeps our own paths, query included', () => {
    expect(safeNext('/members?q=abc&page=2')).toBe('/members?q=abc&page=2')
    expect(safeNext('/meetings/3b1f%20x')).toBe('/meetings/3b1f%20x')
    expect(safeNext('/')).toBe('/')
    expect(safeNext(undefined)).toBe('/')
  })

  for (const [what, next] of Object.entries(hostile)) {
    it(`with ${what}: the login page renders and signing in lands on /`, async () => {
      const page = await t.anonymous().get(`/login?next=${encodeURIComponent(next)}`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('name="next" value="/"')
      const res = await t.anonymous().post('/login', { login: LOGINS.member, password: DEMO_PASSWORD, next })
      expect(res.status).toBe(303)
      expect(res.headers.get('Location')).toBe('/')
    })
  }

  it('a signed-out visitor sent to the login page comes back to where he/she was going', async () => {
    const agent = t.anonymous()
    const first = await agent.get('/members?q=nguy%E1%BB%85n&page=2')
    const next = new URL(first.headers.get('Location')!, 'http://localhost').searchParams.get('next')!
    expect(next).toBe('/members?q=nguy%E1%BB%85n&page=2')
    const res = await agent.post('/login', { login: LOGINS.member, password: DEMO_PASSWORD, next })
    expect(res.headers.get('Location')).toBe('/members?q=nguy%E1%BB%85n&page=2')
  })
})
