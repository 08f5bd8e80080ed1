import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { PushSender } from '../edge/kernel/push/push.ts'
import { DEFAULT_OFFSETS, runReminders } from '../edge/features/reminders/reminders.run.ts'
import { startPushEndpoint } from '../test/push-endpoint.ts'
import { report, round } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * Reminders per second from one scheduler pass to a local HTTPS push service (real encryption,
 * VAPID signing and TLS on loopback), and that each arrived exactly once.
 */
const USERS = Number(process.env.BENCH_PUSH_USERS ?? 3000)
const runtime = await boot({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }, { memory: true })
await seedDemo(runtime.data, { members: Math.ceil(USERS * 1.4), password: 'bench-password-1' })
const push = await startPushEndpoint()
const sender = new PushSender(runtime.push.vapid, { agent: push.agent, allowHosts: ['127.0.0.1'] })

const users = await runtime.data.asSystem('bench: the accounts that get a device', (tx) =>
  tx.query<{ user_id: string; member_id: string }>(`select user_id, member_id from public.accounts where member_id is not null order by user_id limit $1`, [
    USERS,
  ]),
)
const devices = users.map((u) => ({ ...u, device: push.device(u.user_id) }))
await runtime.data.asSystem('bench: one device per user, and one new notice each (as publishing materials to many cells would)', async (tx) => {
  await tx.query(
    `insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
    [
      devices.map((d) => d.user_id),
      devices.map((d) => d.device.subscription.endpoint),
      devices.map((d) => d.device.subscription.keys.p256dh),
      devices.map((d) => d.device.subscription.keys.auth),
    ],
  )
  await tx.query(
    `insert into public.notifications (member_id, kind, title, url) select m, 'meeting.materials', 'Tài liệu sinh hoạt: Sinh hoạt chi bộ tháng 12', '/meetings' from unnest($1::uuid[]) m`,
    [devices.map((d) => d.member_id)],
  )
})

const started = performance.now()
const result = await runReminders(runtime.data, sender, { offsets: DEFAULT_OFFSETS, concurrency: 64, batch: 500 })
const seconds = (performance.now() - started) / 1000
const perDevice = new Map<string, number>()
for (const r of push.received) perDevice.set(r.device, (perDevice.get(r.device) ?? 0) + 1)
const exactlyOnce = devices.every((d) => perDevice.get(d.user_id) === 1) && push.received.length === devices.length
const sample = devices[0].device.decrypt(push.received.find((r) => r.device === devices[0].user_id)!.body)
const rate = round(result.delivered / seconds, 0)
await report([
  {
    name: 'push-reminders-per-second',
    value: rate,
    unit: '/s',
    budget: BUDGET.pushPerSecond,
    ok: rate >= BUDGET.pushPerSecond && exactlyOnce,
    note: `${result.delivered} delivered in ${round(seconds, 2)} s (plan + claim + encrypt + VAPID + HTTPS), ${exactlyOnce ? 'each exactly once' : 'NOT exactly once'}; payload "${sample.title}"`,
  },
])
await push.close()
await runtime.close()
