import assert from 'node:assert/strict'
import { DEMO_PASSWORD, startServer } from './server.ts'

/** The same app under Deno on PGlite: the login page and signed-in pages work over HTTP. */
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
console.log(`deno: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
