import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, memberIdOf, testApp, type TestApp } from '../../../test/support.ts'
import type { Resolve } from '../../kernel/push/endpoint.ts'
import { PushSender } from '../../kernel/push/push.ts'
import { DEFAULT_OFFSETS, runReminders } from './reminders.run.ts'
import { recorder } from '../../../test/push-recorder.ts'

/**
 * Devices whose endpoints point inside our network (stored before registration checked them, or by a name that
 * resolves inside since): the scheduler never sends them a request. The network call is a recorder and names
 * resolve in a table, so no packet leaves this test.
 */
const fakeResolve: Resolve = async (host) => {
  if (host === 'push.inside.example') return [{ address: '10.1.2.3', family: 4 }]
  if (host === 'push.example.com') return [{ address: '93.184.216.34', family: 4 }]
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
}

let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 50 })
})
afterAll(() => t?.close())

/** Stores devices and one new notice for the user behind `login`, as the system (bypassing registration's check). */
async function devicesAndNotice(login: string, endpoints: string[]) {
  const memberId = await memberIdOf(t, login)
  await t.runtime.data.asSystem('test: devices stored before registration checked them, and a notice', async (tx) => {
    const [{ user_id }] = await tx.query<{ user_id: string }>(`select user_id from public.accounts where member_id = $1`, [memberId])
    for (const endpoint of endpoints)
      await tx.query(`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values ($1, $2, $3, $4)`, [
        user_id,
        endpoint,
        'B'.repeat(87),
        'A'.repeat(22),
      ])
    await tx.query(`insert into public.notifications (member_id, kind, title, url) values ($1, 'test', 'Thông báo thử', '/meetings')`, [memberId])
  })
}

async function state(login: string) {
  return t.runtime.data.asSystem('test: deliveries and devices of a login', async (tx) => ({
    deliveries: await tx.query<{ status: string; last_error: string | null }>(
      `select d.status, d.last_error from public.push_deliveries d join app.credentials c on c.user_id = d.user_id where c.login_phone = $1`,
      [login],
    ),
    devices: (
      await tx.query<{ endpoint: string }>(
        `select s.endpoint from public.push_subscriptions s join app.credentials c on c.user_id = s.user_id where c.login_phone = $1 order by 1`,
        [login],
      )
    ).map((r) => r.endpoint),
  }))
}

describe('just before sending', () => {
  it('inside addresses get no request: the delivery fails, and endpoints that are inside by themselves are removed', async () => {
    const inside = [
      'https://10.0.0.1/push',
      'https://169.254.169.254/latest/meta-data/',
      'https://localhost/push',
      'https://[::1]/push',
      'https://127.0.0.1/push',
    ]
    await devicesAndNotice(LOGINS.member, [...inside, 'https://push.inside.example/push'])
    const { calls, transport } = recorder()
    const sender = new PushSender(t.runtime.push.vapid, { resolve: fakeResolve, transport })
    const report = await runReminders(t.runtime.data, sender, { offsets: DEFAULT_OFFSETS, retryBaseMs: 0 })
    expect(calls).toEqual([])
    expect(report).toMatchObject({ delivered: 0, failed: 1 })
    const after = await state(LOGINS.member)
    expect(after.deliveries).toEqual([{ status: 'failed', last_error: expect.stringContaining('endpoint refused') }])
    // a name that resolves inside may be the DNS's fault today: the device stays, and is checked again next time
    expect(after.devices).toEqual(['https://push.inside.example/push'])
  })

  it('a public device of the same user is still reached; the inside one is not', async () => {
    await devicesAndNotice(LOGINS.cellSecretary, ['https://push.example.com/send/1', 'https://169.254.169.254/push'])
    const { calls, transport } = recorder()
    const sender = new PushSender(t.runtime.push.vapid, { resolve: fakeResolve, transport })
    const report = await runReminders(t.runtime.data, sender, { offsets: DEFAULT_OFFSETS, retryBaseMs: 0 })
    expect(report.delivered).toBe(1)
    expect(calls).toEqual(['https://push.example.com/send/1'])
    expect((await state(LOGINS.cellSecretary)).devices).toEqual(['https://push.example.com/send/1'])
  })
})
