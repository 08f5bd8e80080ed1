import assert from 'node:assert/strict'
import postgres from 'postgres'
import { DEMO_PASSWORD, startServer } from './server.ts'

/** The same app under Deno on PGlite: the login page and signed-in pages work over HTTP; then two edge functions. */
const server = await startServer('deno')
let passed = 0
let failed = 0
async function check(name: string, fn: () => Promise<void>) {
  try {
    await fn()
    passed++
    console.log(`  ✓ ${name}`)
  } catch (error) {
    failed++
    console.log(`  ✗ ${name}: ${(error as Error).message}`)
  }
}

let cookie = ''
await check('the login page answers', async () => {
  const res = await fetch(`${server.url}/login`)
  assert.equal(res.status, 200)
  assert.match(await res.text(), /Đăng nhập/)
})
await check('a demo account signs in', async () => {
  const res = await fetch(`${server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: '0901000003', password: DEMO_PASSWORD }),
  })
  assert.equal(res.status, 303)
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  assert.match(cookie, /sotay_session=/)
})
await check('the signed-in home and member list render', async () => {
  const home = await fetch(`${server.url}/`, { headers: { Cookie: cookie } })
  assert.equal(home.status, 200)
  assert.match(await home.text(), /Trần Văn Bình/)
  const list = await fetch(`${server.url}/members?q=nguyen%20thi%20hong`, { headers: { Cookie: cookie } })
  assert.match(await list.text(), /Nguyễn Thị Hồng Nhung/)
})
await server.stop()

/**
 * Two Supabase Edge Functions (supabase/functions/auth, …/members) in two Deno processes on one
 * Postgres database (created here, dropped after) with one SESSION_SECRET: the session cookie
 * set by the one opens the other's pages, as on one domain behind the path router.
 */
const ADMIN_URL = process.env.FUNCTIONS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const dbName = `sotay_fn_smoke_${process.pid}`
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
await admin.unsafe(`drop database if exists "${dbName}" with (force)`)
await admin.unsafe(`create database "${dbName}"`)
const dbUrl = new URL(ADMIN_URL)
dbUrl.pathname = `/${dbName}`
const fnEnv = {
  DATABASE_URL: dbUrl.toString(),
  SESSION_SECRET: 'deno-smoke-functions-secret-0123456789',
  REALTIME: 'postgres',
  STORAGE: 'database',
}
const functions: Awaited<ReturnType<typeof startServer>>[] = []
try {
  // one after the other: the first migrates and seeds the demo, the second finds it done
  const authFn = await startServer({ fn: 'auth', env: fnEnv })
  functions.push(authFn)
  const membersFn = await startServer({ fn: 'members', env: fnEnv }, undefined, '/members')
  functions.push(membersFn)
  let fnCookie = ''
  await check('the auth function signs in', async () => {
    const res = await fetch(`${authFn.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: authFn.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: '0901000003', password: DEMO_PASSWORD }),
    })
    assert.equal(res.status, 303)
    fnCookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    assert.match(fnCookie, /sotay_session=/)
  })
  await check("a link on the auth function's page opens in the members function with the same cookie", async () => {
    const page = await fetch(`${authFn.url}/account/password`, { headers: { Cookie: fnCookie } })
    assert.equal(page.status, 200)
    const link = /href="(\/members[^"]*)"/.exec(await page.text())?.[1]
    assert.ok(link, 'the page links to the member list')
    const list = await fetch(`${membersFn.url}${link.replaceAll('&amp;', '&')}`, { headers: { Cookie: fnCookie }, redirect: 'manual' })
    assert.equal(list.status, 200)
    assert.match(await list.text(), /Nguyễn Thị Hồng Nhung/)
  })
  await check("each function answers the ordinary 404 page for the other's paths", async () => {
    const members = await fetch(`${authFn.url}/members`, { headers: { Cookie: fnCookie } })
    assert.equal(members.status, 404)
    const login = await fetch(`${membersFn.url}/login`)
    assert.equal(login.status, 404)
    assert.match(await login.text(), /<html/)
  })
} catch (error) {
  failed++
  console.log(`  ✗ edge functions: ${(error as Error).message}`)
} finally {
  for (const fn of functions) await fn.stop()
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`)
  await admin.end()
}
console.log(`deno: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
