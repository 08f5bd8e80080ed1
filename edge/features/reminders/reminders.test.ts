import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inDays, LOGINS, memberIdOf, orgIdByPath, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'
import { startPushEndpoint, vapidClaims } from '../../../test/push-endpoint.ts'
import { PushSender } from '../../kernel/push/push.ts'
import { DEFAULT_OFFSETS, runReminders } from './reminders.run.ts'
import * as q from './reminders.queries.ts'

let t: TestApp
let push: Awaited<ReturnType<typeof startPushEndpoint>>
let sender: PushSender
let secretary: Agent

/** 08:01 Vietnam time on the given Vietnam date. */
const vietnamMorning = (date: string) => new Date(`${date}T08:01:00+07:00`)
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
/** The Vietnam date of the next 08:01 to come, at most a day ahead: a scheduler's pass then sees what was just written, whatever the hour the suite runs. */
const nextMorning = () => {
  const today = inDays(0)
  return vietnamMorning(today).getTime() > Date.now() ? today : addDays(today, 1)
}
const run = (now: Date, extra: Partial<Parameters<typeof runReminders>[2]> = {}) =>
  runReminders(t.runtime.data, sender, { offsets: DEFAULT_OFFSETS, now, retryBaseMs: 0, ...extra })

async function withDevice(agent: Agent, name: string) {
  const device = push.device(name)
  const res = await agent.request('/notifications/devices', {
    method: 'POST',
    body: JSON.stringify(device.subscription),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': agent.csrf },
  })
  expect(res.status).toBe(201)
  return device
}

async function assign(title: string, dueOn: string, memberLogin: string) {
  const res = await secretary.post('/tasks', {
    org_id: await orgIdByPath(t, 'ns.tp1.g1.c1'),
    title,
    due_on: dueOn,
    priority: 'normal',
    member_ids: await memberIdOf(t, memberLogin),
  })
  return res.headers.get('Location')!.split('?')[0].split('/').pop()!
}

beforeAll(async () => {
  // the local push service listens on loopback, which only PUSH_ALLOW_HOSTS lets devices name
  t = await testApp({ members: 200, env: { PUSH_ALLOW_HOSTS: '127.0.0.1' } })
  push = await startPushEndpoint()
  sender = new PushSender(t.runtime.push.vapid, { agent: push.agent, timeoutMs: 5000, allowHosts: t.runtime.config.PUSH_ALLOW_HOSTS })
  secretary = await t.signIn(LOGINS.cellSecretary)
})
afterAll(async () => {
  await push?.close()
  await t?.close()
})

describe('reminders over web push', () => {
  it('the day before the due date at 08:00, the assignee’s phone gets an encrypted, VAPID-signed reminder; the new-task notice too', async () => {
    const member = await t.signIn(LOGINS.member)
    const phone = await withDevice(member, 'member-phone')
    const morning = nextMorning()
    const due = addDays(morning, 1)
    const taskId = await assign('Nộp báo cáo quý', due, LOGINS.member)
    const dayBefore = vietnamMorning(morning)
    const report = await run(dayBefore)
    expect(report).toMatchObject({ delivered: 2, failed: 0, retrying: 0 })
    const messages = push.received.filter((r) => r.device === 'member-phone').map((r) => ({ ...phone.decrypt(r.body), headers: r.headers }))
    expect(messages.map((m) => m.title).sort()).toEqual(['Nhắc việc: Nộp báo cáo quý', 'Việc mới được giao: Nộp báo cáo quý'])
    const reminder = messages.find((m) => m.title.startsWith('Nhắc việc'))!
    expect(reminder).toMatchObject({ url: `/tasks/${taskId}`, body: `Hạn hoàn thành ${due.split('-').reverse().join('/')}.` })
    expect(reminder.headers['content-encoding']).toBe('aes128gcm')
    expect(Number(reminder.headers.ttl)).toBeGreaterThan(0)
    const claims = vapidClaims(reminder.headers.authorization as string, t.runtime.push.vapid.publicKey)
    expect(claims.aud).toBe(push.origin)
    expect(claims.exp * 1000).toBeGreaterThan(Date.now())
    expect((await run(dayBefore)).claimed).toBe(0)
    const dueDay = await run(vietnamMorning(due))
    expect(dueDay.delivered).toBe(1)
  })

  it("a feature's own planner (app.plan_reminders_<feature>) is called by every pass, and its notice reaches the phone once", async () => {
    const member = await t.signIn(LOGINS.cellSecretary)
    await withDevice(member, 'planner-phone')
    const memberId = await memberIdOf(t, LOGINS.cellSecretary)
    await t.runtime.data.asSystem('test: a feature that reminds of its own deadline', async (tx) => {
      await tx.query(`create table app.probe_calls (at timestamptz)`)
      await tx.query(
        `create function app.plan_reminders_probe(p_now timestamptz) returns integer language plpgsql security definer set search_path = '' as $$
         begin
           insert into app.probe_calls values (p_now);
           if (select count(*) from app.probe_calls) > 1 then return 0; end if;
           insert into public.notifications (member_id, kind, title, url) values ('${memberId}', 'probe', 'Sắp đến hạn tự đánh giá', '/notifications');
           return 1;
         end $$`,
      )
    })
    try {
      // a minute apart, like the scheduler's passes: the notice is written during the first pass
      // (after its instant), so it reaches the phone by the second, and only once
      const start = Date.now()
      for (const minute of [0, 1, 2]) await run(new Date(start + minute * 60_000))
      const calls = await t.runtime.data.asSystem('test: read the probe', (tx) => tx.query<{ n: number }>(`select count(*)::int as n from app.probe_calls`))
      expect(calls[0].n).toBe(3)
      expect(push.received.filter((r) => r.device === 'planner-phone')).toHaveLength(1)
    } finally {
      await t.runtime.data.asSystem('test: remove the probe', async (tx) => {
        await tx.query(`drop function app.plan_reminders_probe(timestamptz)`)
        await tx.query(`drop table app.probe_calls`)
      })
    }
  })

  it('a task given to an organization reminds its secretary', async () => {
    const cellSecretary = await t.signIn(LOGINS.cellSecretary)
    const phone = await withDevice(cellSecretary, 'secretary-phone')
    const ward = await t.signIn(LOGINS.grassroots)
    const due = inDays(4)
    await ward.post('/tasks', {
      org_id: await orgIdByPath(t, 'ns.tp1.g1'),
      title: 'Báo cáo của chi bộ',
      due_on: due,
      priority: 'normal',
      org_ids: await orgIdByPath(t, 'ns.tp1.g1.c1'),
    })
    await run(new Date())
    const before = push.received.filter((r) => r.device === 'secretary-phone').length
    await run(vietnamMorning(inDays(3)))
    const got = push.received.filter((r) => r.device === 'secretary-phone').slice(before)
    expect(got.map((r) => phone.decrypt(r.body).title)).toEqual(['Nhắc việc: Báo cáo của chi bộ'])
  })

  it('two schedulers at once deliver each reminder exactly once', async () => {
    const others = await Promise.all([1, 2, 3].map(() => signInMemberOf(t, 'ns.tp1.g1.c1')))
    const agent = others[0]
    await withDevice(agent, 'concurrent-phone')
    await run(new Date()) // what earlier tests left to send goes now, not in the count below
    const morning = nextMorning()
    const due = addDays(morning, 1)
    for (let i = 0; i < 40; i++) await assign(`Việc song song ${i}`, due, agent.login)
    const before = push.received.length
    const at = vietnamMorning(morning)
    const [a, b] = await Promise.all([run(at, { batch: 7 }), run(at, { batch: 7 })])
    expect(a.delivered + b.delivered).toBe(80)
    const titles = push.received.slice(before).map((r) => r.device)
    expect(titles).toHaveLength(80)
    const keys = await t.runtime.data.asSystem('test: deliveries', (tx) =>
      tx.query<{ n: number; sent: number }>(
        `select count(*)::int as n, count(*) filter (where status = 'delivered' and attempts = 1)::int as sent from public.push_deliveries where title like '%Việc song song%'`,
      ),
    )
    expect(keys[0]).toEqual({ n: 80, sent: 80 })
  })

  it('a device the push service says is gone (410) is removed; the next one still gets its message', async () => {
    const agent = await signInMemberOf(t, 'ns.tp1.g1.c2')
    await withDevice(agent, 'old-phone')
    await withDevice(agent, 'new-phone')
    push.script('old-phone', [410])
    const staff = await t.signIn(LOGINS.staff)
    await staff.post('/tasks', {
      org_id: await orgIdByPath(t, 'ns.tp1'),
      title: 'Việc cho máy cũ',
      due_on: inDays(5),
      priority: 'normal',
      member_ids: await memberIdOf(t, agent.login),
    })
    const report = await run(new Date())
    expect(report.delivered).toBeGreaterThanOrEqual(1)
    const devices = await t.runtime.data.asSystem('test: devices left', (tx) =>
      tx.query<{ endpoint: string }>(
        `select endpoint from public.push_subscriptions s join public.accounts a on a.user_id = s.user_id join app.credentials c on c.user_id = a.user_id where c.login_phone = $1`,
        [agent.login],
      ),
    )
    expect(devices.map((d) => d.endpoint.split('/').pop())).toEqual(['new-phone'])
  })

  it('a 500 is retried, once, and then delivered', async () => {
    const agent = await signInMemberOf(t, 'ns.tp1.g2.c1')
    await withDevice(agent, 'flaky-phone')
    push.script('flaky-phone', [500])
    const staff = await t.signIn(LOGINS.staff)
    await staff.post('/tasks', {
      org_id: await orgIdByPath(t, 'ns.tp1'),
      title: 'Việc qua mạng chập chờn',
      due_on: inDays(5),
      priority: 'normal',
      member_ids: await memberIdOf(t, agent.login),
    })
    const now = new Date()
    const first = await run(now, { retryBaseMs: 30_000 })
    expect(first).toMatchObject({ retrying: 1, delivered: 0 })
    expect((await run(new Date(now.getTime() + 10_000), { retryBaseMs: 30_000 })).claimed).toBe(0)
    const second = await run(new Date(now.getTime() + 31_000), { retryBaseMs: 30_000 })
    expect(second.delivered).toBe(1)
    const hits = push.received.filter((r) => r.device === 'flaky-phone').map((r) => r.status)
    expect(hits).toEqual([500, 201])
  })

  it('a run that crashed after claiming is taken over when its lease ends, and sends once', async () => {
    const agent = await signInMemberOf(t, 'ns.tp1.g3.c1')
    await withDevice(agent, 'crash-phone')
    const staff = await t.signIn(LOGINS.staff)
    await staff.post('/tasks', {
      org_id: await orgIdByPath(t, 'ns.tp1'),
      title: 'Việc khi máy chủ sập',
      due_on: inDays(5),
      priority: 'normal',
      member_ids: await memberIdOf(t, agent.login),
    })
    const now = new Date()
    await t.runtime.data.asSystem('test: a run plans and claims, then dies before sending', async (tx) => {
      await q.planNoticePushes(tx, now)
      return q.claim(tx, crypto.randomUUID(), now, 100, 60)
    })
    expect((await run(new Date(now.getTime() + 30_000))).claimed).toBe(0)
    expect(push.received.filter((r) => r.device === 'crash-phone')).toHaveLength(0)
    await run(new Date(now.getTime() + 61_000))
    expect(push.received.filter((r) => r.device === 'crash-phone')).toHaveLength(1)
  })

  it('a device belongs to its user: nobody else reads or removes it', async () => {
    const member = await t.signIn(LOGINS.member)
    const phone = await withDevice(member, 'private-phone')
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const res = await other.request('/notifications/devices/remove', {
      method: 'POST',
      body: JSON.stringify({ endpoint: phone.subscription.endpoint }),
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': other.csrf },
    })
    expect(await res.json()).toEqual({ removed: 0 })
    const bad = await member.request('/notifications/devices', {
      method: 'POST',
      body: JSON.stringify({ endpoint: 'http://evil/', keys: {} }),
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': member.csrf },
    })
    expect(bad.status).toBe(400)
    const anonymous = t.anonymous()
    expect((await anonymous.request('/reminders/run', { method: 'POST', headers: { Authorization: 'Bearer guess-guess-guess-guess-guess' } })).status).toBe(401)
  })
})
