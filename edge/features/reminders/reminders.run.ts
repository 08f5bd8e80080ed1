import type { DataAccess } from '../../kernel/db/access.ts'
import type { Outcome, PushSender } from '../../kernel/push/push.ts'
import * as q from './reminders.queries.ts'

export interface RunOptions {
  offsets: q.Offset[]
  now?: Date
  batch?: number
  leaseSeconds?: number
  /** The first retry waits this long; each next one twice as long. */
  retryBaseMs?: number
  maxAttempts?: number
  /** Requests in flight at once: a slow or dead endpoint holds one slot, never the others. */
  concurrency?: number
}

export interface RunReport {
  planned: number
  claimed: number
  delivered: number
  retrying: number
  failed: number
  noDevice: number
}

export const DEFAULT_OFFSETS: q.Offset[] = [
  { days: -1, time: '08:00' },
  { days: 0, time: '08:00' },
]

/** "-1@08:00,0@08:00" (REMINDER_TIMES) → offsets. */
export function parseOffsets(text: string): q.Offset[] {
  return text.split(',').map((part) => {
    const match = /^\s*(-?\d{1,2})@([01]\d|2[0-3]):([0-5]\d)\s*$/.exec(part)
    if (!match) throw new Error(`REMINDER_TIMES: "${part}" is not like -1@08:00`)
    return { days: Number(match[1]), time: `${match[2]}:${match[3]}` }
  })
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++])
    }),
  )
}

/**
 * One pass of the scheduler: plan what fell due, then claim, send and record batches until
 * nothing is left. Safe to run in several processes at once: claims never overlap, and a
 * claim abandoned by a crash is taken again when its lease runs out.
 */
export async function runReminders(data: DataAccess, sender: PushSender, options: RunOptions): Promise<RunReport> {
  const now = options.now ?? new Date()
  const runId = crypto.randomUUID()
  const report: RunReport = { planned: 0, claimed: 0, delivered: 0, retrying: 0, failed: 0, noDevice: 0 }
  report.planned = await data.asSystem('reminder scheduler: plan the reminders that fell due', async (tx) => {
    const tasks = await q.planTaskReminders(tx, now, options.offsets)
    // features' own reminders are notices, pushed like any other (by this pass or the next)
    await q.planFeatureReminders(tx, now)
    return tasks + (await q.planNoticePushes(tx, now))
  })
  for (;;) {
    const claimed = await data.asSystem('reminder scheduler: claim a batch of deliveries', (tx) =>
      q.claim(tx, runId, options.now ?? new Date(), options.batch ?? 200, options.leaseSeconds ?? 120),
    )
    if (!claimed.length) break
    report.claimed += claimed.length
    const devices = await data.asSystem('reminder scheduler: the devices of the recipients', (tx) =>
      q.devicesOf(tx, [...new Set(claimed.map((d) => d.user_id))]),
    )
    const results: q.Result[] = []
    const gone: string[] = []
    const reached: string[] = []
    await pool(claimed, options.concurrency ?? 64, async (delivery) => {
      const targets = devices.filter((d) => d.user_id === delivery.user_id)
      const outcomes: Outcome[] = await Promise.all(
        targets.map(async (device) => {
          const outcome = await sender.send(device, { title: delivery.title, body: delivery.body, url: delivery.url, tag: delivery.key }, topicOf(delivery.id))
          // an endpoint that may never be sent to goes like one the push service forgot
          if (outcome.kind === 'gone' || (outcome.kind === 'refused' && outcome.forget)) gone.push(device.id)
          if (outcome.kind === 'delivered') reached.push(device.id)
          return outcome
        }),
      )
      results.push(settle(delivery, outcomes, options))
    })
    for (const r of results) {
      if (r.status === 'delivered') report.delivered++
      else if (r.status === 'pending') report.retrying++
      else if (r.status === 'failed') report.failed++
      else report.noDevice++
    }
    await data.asSystem('reminder scheduler: record what the push services answered', (tx) => q.record(tx, runId, results, gone, reached))
  }
  return report
}

/** One delivery's fate from its devices' answers: any device reached is enough. */
function settle(delivery: q.Claimed, outcomes: Outcome[], options: RunOptions): q.Result {
  if (outcomes.some((o) => o.kind === 'delivered')) return { id: delivery.id, status: 'delivered' }
  const retry = outcomes.find((o): o is Extract<Outcome, { kind: 'retry' }> => o.kind === 'retry')
  if (retry) {
    if (delivery.attempts >= (options.maxAttempts ?? 5)) return { id: delivery.id, status: 'failed', error: `gave up: ${retry.error}` }
    const wait = (options.retryBaseMs ?? 30_000) * 2 ** (delivery.attempts - 1)
    return { id: delivery.id, status: 'pending', retryAt: new Date((options.now ?? new Date()).getTime() + wait), error: retry.error }
  }
  const failure = outcomes.find((o): o is Extract<Outcome, { kind: 'failed' | 'refused' }> => o.kind === 'failed' || o.kind === 'refused')
  if (failure) return { id: delivery.id, status: 'failed', error: failure.error }
  return { id: delivery.id, status: 'no_device' }
}

/** A push "Topic" (≤ 32 base64url characters) per delivery, so a resend replaces an undelivered copy. */
function topicOf(id: string): string {
  return id.replace(/-/g, '')
}
