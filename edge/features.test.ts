import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, LOGINS, testApp, type TestApp } from '../test/support.ts'
import { createFeatureApp } from './app.ts'
import { auth } from './features/auth/auth.routes.tsx'
import { home } from './features/home/home.routes.tsx'
import { FEATURES, type FeatureName, featureOf } from './features.ts'
import { asApp } from './listen.ts'
import { createRouter } from './router.ts'
import { parseRange } from './kernel/http/ip.ts'

let t: TestApp
const ROUTER_SECRET = 'router-secret-for-the-tests-0123456789'
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t.close())

describe('the registry of features', () => {
  it('names each root feature by the first segments of its own routes', () => {
    for (const [name, router] of [
      ['auth', auth],
      ['home', home],
    ] as const) {
      const firsts = new Set(router.routes.map((r) => r.path.split('/')[1] ?? ''))
      const feature = FEATURES.find((f) => f.name === name)!
      expect([...firsts].sort()).toEqual([...(feature as { segments: readonly string[] }).segments].sort())
    }
  })

  it('sends every path to the feature mounted there', () => {
    expect(featureOf('/')?.name).toBe('home')
    expect(featureOf('/login')?.name).toBe('auth')
    expect(featureOf('/activate')?.name).toBe('auth')
    expect(featureOf('/account/password')?.name).toBe('auth')
    expect(featureOf('/meetings/123/edit')?.name).toBe('cell-meetings')
    expect(featureOf('/orgs')?.name).toBe('org-tree')
    expect(featureOf('/static/css/app.css')).toBeUndefined()
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(FEATURES.length)
  })
})

describe('supabase/config.toml', () => {
  it('lists every feature as a function that ships the files it reads at run time (static files, htmx, migrations)', async () => {
    const config = await readFile(new URL('../supabase/config.toml', import.meta.url), 'utf8')
    for (const name of ['app', ...FEATURES.map((f) => f.name)]) {
      const section = config.split(`[functions.${name}]`)[1]?.split('\n[')[0] ?? ''
      expect(section, name).toContain('verify_jwt = false')
      for (const files of [
        '"../static/**"',
        '"../node_modules/htmx.org/dist/*.min.js"',
        '"../node_modules/htmx.org/dist/ext/*.min.js"',
        '"./migrations/*.sql"',
        '"./local/*.sql"',
      ])
        expect(section, `${name} ships ${files}`).toContain(files)
    }
  })
})

describe('one feature alone', () => {
  it("serves its own pages and the shared static files, and the ordinary 404 page for another feature's", async () => {
    const agent = await t.signIn(LOGINS.cellSecretary)
    const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const members = createFeatureApp(t.runtime, 'members')
    const page = await members.request('http://localhost/members', { headers: { Cookie: cookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/<html/)
    const other = await members.request('http://localhost/meetings', { headers: { Cookie: cookie } })
    expect(other.status).toBe(404)
    expect(await other.text()).toMatch(/<html/)
    expect((await members.request('http://localhost/login')).status).toBe(404)
    expect((await members.request('http://localhost/static/css/app.css')).status).toBe(200)
    expect((await members.request('http://localhost/sw.js')).status).toBe(200)
  })

  it('signs in on the auth feature alone, and that session opens the home feature', async () => {
    const signIn = new Agent(createFeatureApp(t.runtime, 'auth'))
    expect((await signIn.get('/login')).status).toBe(200)
    expect((await signIn.get('/')).status).toBe(404)
    const res = await signIn.post('/login', { login: LOGINS.cellSecretary, password: 'demo-pass-2026' })
    expect(res.status).toBe(303)
    const homeApp = new Agent(createFeatureApp(t.runtime, 'home'))
    homeApp.cookies = signIn.cookies
    const page = await homeApp.get('/')
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/Đăng xuất|logout/)
  })
})

describe('the path router', () => {
  it("sends each path to its feature's function as Supabase calls it, and the session and forms work across them", async () => {
    // each function as Supabase runs it: reached at functions/v1/<name>/<app path>, the router's host forwarded
    const apps = new Map<string, ReturnType<typeof createFeatureApp>>()
    const called: string[] = []
    const router = createRouter(
      (name) => `http://project.supabase.test/functions/v1/${name}`,
      async (req) => {
        const name = new URL(req.url).pathname.split('/')[3] as FeatureName
        called.push(name)
        if (!apps.has(name)) apps.set(name, createFeatureApp(t.runtime, name))
        const inner = new URL(req.url)
        inner.pathname = inner.pathname.slice('/functions/v1'.length)
        return apps.get(name)!.fetch(asApp(new Request(inner, req), name, true, ROUTER_SECRET))
      },
      { secret: ROUTER_SECRET },
    )
    const browser = new Agent(router as never)
    const login = await browser.post('/login', { login: LOGINS.cellSecretary, password: 'demo-pass-2026' })
    expect(login.status).toBe(303)
    expect(login.headers.get('Location')).toBe('/')
    await browser.loadCsrf()
    expect(browser.csrf).not.toBe('')
    const home = await browser.get('/')
    expect(home.status).toBe(200)
    const list = await browser.get('/members')
    expect(list.status).toBe(200)
    expect(await list.text()).toMatch(/Nguyễn Thị Hồng Nhung/)
    expect((await browser.get('/static/css/app.css')).status).toBe(200)
    expect((await browser.get('/no-such-page')).status).toBe(404)
    // a signed-in form post through the router: the function sees the browser's origin
    const signOut = await browser.post('/logout', {})
    expect(signOut.status).toBe(303)
    expect(called).toEqual(['auth', 'auth', 'home', 'members', 'home', 'home', 'auth'])
  })

  it('a client’s own forwarded headers go on only from a trusted proxy; the peer always closes X-Forwarded-For', async () => {
    const sent: Headers[] = []
    const routerFor = (trusted: string[]) =>
      createRouter(
        () => 'http://project.supabase.test/functions/v1/home',
        async (req) => {
          sent.push(req.headers)
          return new Response('ok')
        },
        { trusted: trusted.map((r) => parseRange(r)!), secret: ROUTER_SECRET },
      )
    const forged = { 'X-Forwarded-Host': 'evil.test', 'X-Forwarded-Proto': 'http', 'X-Forwarded-For': '10.9.9.9', 'X-Router-Secret': 'guess' }
    const fromClient = new Request('https://app.example.vn/', { headers: forged })
    await routerFor([]).fetch(fromClient, { remoteAddr: { hostname: '203.0.113.7' } })
    expect(sent[0].get('X-Forwarded-Host')).toBe('app.example.vn')
    expect(sent[0].get('X-Forwarded-Proto')).toBe('https')
    expect(sent[0].get('X-Forwarded-For')).toBe('203.0.113.7')
    expect(sent[0].get('X-Router-Secret')).toBe(ROUTER_SECRET)
    // a reverse proxy in front, listed in TRUSTED_PROXIES, names the browser's host and address
    await routerFor(['10.0.0.0/8']).fetch(new Request('http://router.internal/', { headers: forged }), { remoteAddr: { hostname: '10.0.0.2' } })
    expect(sent[1].get('X-Forwarded-Host')).toBe('evil.test')
    expect(sent[1].get('X-Forwarded-For')).toBe('10.9.9.9, 10.0.0.2')
  })

  it('a function called directly with a forged host and no router secret keeps its own host: links and the same-origin check are not the caller’s', async () => {
    const forged = new Request('http://project.supabase.test/auth/login', {
      method: 'POST',
      headers: {
        'X-Forwarded-Host': 'evil.test',
        'X-Forwarded-Proto': 'https',
        'X-Router-Secret': 'not-the-secret-not-the-secret-0000000',
        Origin: 'https://evil.test',
      },
    })
    const seen = asApp(forged, 'auth', true, ROUTER_SECRET)
    expect(new URL(seen.url).host).toBe('project.supabase.test')
    expect(seen.headers.get('X-Forwarded-Host')).toBeNull()
    expect(seen.headers.get('X-Router-Secret')).toBeNull()
    // without any secret header the forged host goes too
    const bare = asApp(new Request('http://project.supabase.test/auth/login', { headers: { 'X-Forwarded-Host': 'evil.test' } }), 'auth', true, ROUTER_SECRET)
    expect([new URL(bare.url).host, bare.headers.get('X-Forwarded-Host')]).toEqual(['project.supabase.test', null])
    // the app refuses the cross-site post
    const answer = await createFeatureApp(t.runtime, 'auth').fetch(seen)
    expect(answer.status).toBe(403)
    // with the secret the router's forwarded host is believed, and the secret goes no further
    const routed = asApp(
      new Request('http://project.supabase.test/auth/login', { headers: { 'X-Forwarded-Host': 'app.example.vn', 'X-Router-Secret': ROUTER_SECRET } }),
      'auth',
      true,
      ROUTER_SECRET,
    )
    expect(new URL(routed.url).origin).toBe('https://app.example.vn')
    expect(routed.headers.get('X-Router-Secret')).toBeNull()
  })
})
