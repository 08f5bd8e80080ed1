import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../app.ts'
import type { Resolve } from '../../kernel/push/endpoint.ts'
import { PushSender } from '../../kernel/push/push.ts'
import { Agent, DEMO_PASSWORD, LOGINS, testApp, type TestApp } from '../../../test/support.ts'

/** Names resolve only here: registering never asks a real DNS server nor reaches the endpoint. */
const fakeResolve: Resolve = async (host) => {
  if (host === 'push.inside.example') return [{ address: '10.1.2.3', family: 4 }]
  if (host.endsWith('push.example.com')) return [{ address: '93.184.216.34', family: 4 }]
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
}

let t: TestApp
let app: ReturnType<typeof createApp>
beforeAll(async () => {
  t = await testApp({ members: 50 })
  app = createApp({ ...t.runtime, push: new PushSender(t.runtime.push.vapid, { resolve: fakeResolve }) })
})
afterAll(() => t?.close())

async function signIn(login: string) {
  const agent = new Agent(app)
  expect((await agent.post('/login', { login, password: DEMO_PASSWORD })).status).toBe(303)
  await agent.loadCsrf()
  return agent
}

const keys = (seed: string) => ({ p256dh: `B${seed.repeat(86).slice(0, 86)}`, auth: seed.repeat(22).slice(0, 22) })
const register = (agent: Agent, endpoint: string, seed = 'A') =>
  agent.request('/notifications/devices', {
    method: 'POST',
    body: JSON.stringify({ endpoint, keys: keys(seed) }),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': agent.csrf },
  })

async function devicesOf(login: string) {
  return t.runtime.data.asSystem('test: devices of a login', (tx) =>
    tx.query<{ endpoint: string; p256dh: string }>(
      `select s.endpoint, s.p256dh from public.push_subscriptions s join app.credentials c on c.user_id = s.user_id where c.login_phone = $1 order by s.endpoint`,
      [login],
    ),
  )
}

describe('registering a device for push', () => {
  it('a browser’s push service on the internet is accepted', async () => {
    const member = await signIn(LOGINS.member)
    expect((await register(member, 'https://fcm.push.example.com/send/member-1')).status).toBe(201)
    expect((await devicesOf(LOGINS.member)).map((d) => d.endpoint)).toEqual(['https://fcm.push.example.com/send/member-1'])
  })

  it('an endpoint inside our network is refused with a Vietnamese message, and nothing is stored', async () => {
    const member = await signIn(LOGINS.cellSecretary)
    const http = await register(member, 'http://127.0.0.1/push')
    expect(http.status).toBe(400)
    for (const endpoint of [
      'https://10.0.0.1/push',
      'https://169.254.169.254/latest/meta-data/',
      'https://localhost/push',
      'https://[::1]/push',
      'https://push.inside.example/push',
    ]) {
      const res = await register(member, endpoint)
      expect(res.status, endpoint).toBe(422)
      expect((await res.json()).error).toContain('không được chấp nhận')
    }
    const unknown = await register(member, 'https://nowhere.example/push')
    expect(unknown.status).toBe(422)
    expect((await unknown.json()).error).toContain('Không tìm thấy máy chủ')
    expect(await devicesOf(LOGINS.cellSecretary)).toEqual([])
  })

  it('registering again from the same browser renews one’s own device (new keys), without a second row', async () => {
    const member = await signIn(LOGINS.grassroots)
    expect((await register(member, 'https://fcm.push.example.com/send/grassroots', 'A')).status).toBe(201)
    expect((await register(member, 'https://fcm.push.example.com/send/grassroots', 'C')).status).toBe(201)
    const devices = await devicesOf(LOGINS.grassroots)
    expect(devices).toHaveLength(1)
    expect(devices[0].p256dh.startsWith('BC')).toBe(true)
  })

  it('an endpoint another user registered is not taken over: 409, and it stays his/hers', async () => {
    const owner = await signIn(LOGINS.staff)
    expect((await register(owner, 'https://fcm.push.example.com/send/shared-phone', 'A')).status).toBe(201)
    const intruder = await signIn(LOGINS.admin)
    const res = await register(intruder, 'https://fcm.push.example.com/send/shared-phone', 'D')
    expect(res.status).toBe(409)
    expect((await res.json()).error).toContain('tài khoản khác')
    expect(await devicesOf(LOGINS.admin)).toEqual([])
    const kept = await devicesOf(LOGINS.staff)
    expect(kept.map((d) => [d.endpoint, d.p256dh[1]])).toEqual([['https://fcm.push.example.com/send/shared-phone', 'A']])
  })
})
