import webpush from 'web-push'
import type { Agent } from 'node:https'
import type { DataAccess } from '../db/access.ts'

export interface Vapid {
  publicKey: string
  privateKey: string
  subject: string
}

export interface Device {
  id: string
  endpoint: string
  p256dh: string
  auth: string
}

/** What the push service said: delivered, the device is gone for good, try again later, or a refusal. */
export type Outcome = { kind: 'delivered' } | { kind: 'gone' } | { kind: 'retry'; error: string } | { kind: 'failed'; error: string }

/** VAPID keys from the configuration, or generated once and kept in the database (local mode). */
export async function loadVapid(data: DataAccess, configured: Partial<Vapid>): Promise<Vapid> {
  const subject = configured.subject ?? 'mailto:admin@localhost'
  if (configured.publicKey && configured.privateKey) return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject }
  return data.asSystem('load the VAPID keys at start-up (generated once in local mode)', async (tx) => {
    const fresh = webpush.generateVAPIDKeys()
    await tx.query(`insert into app.settings (key, value) values ('push.vapid', $1) on conflict (key) do nothing`, [JSON.stringify(fresh)])
    const [row] = await tx.query<{ value: string }>(`select value from app.settings where key = 'push.vapid'`)
    const keys = JSON.parse(row.value) as { publicKey: string; privateKey: string }
    return { ...keys, subject }
  })
}

/** Sends one encrypted message (aes128gcm, VAPID) to one device; never throws. */
export class PushSender {
  constructor(
    readonly vapid: Vapid,
    private options: { agent?: Agent; timeoutMs?: number } = {},
  ) {}

  async send(device: Device, payload: object, topic?: string): Promise<Outcome> {
    try {
      const res = await webpush.sendNotification({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, JSON.stringify(payload), {
        vapidDetails: this.vapid,
        TTL: 24 * 3600,
        // the push service keeps one undelivered message per topic: a resend after a crash replaces, not repeats
        topic,
        urgency: 'normal',
        contentEncoding: 'aes128gcm',
        timeout: this.options.timeoutMs ?? 10_000,
        agent: this.options.agent,
      })
      return res.statusCode >= 200 && res.statusCode < 300 ? { kind: 'delivered' } : { kind: 'failed', error: `HTTP ${res.statusCode}` }
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode
      if (status === 404 || status === 410) return { kind: 'gone' }
      if (status === 429 || (status !== undefined && status >= 500)) return { kind: 'retry', error: `HTTP ${status}` }
      if (status === undefined) return { kind: 'retry', error: String((error as Error).message ?? error).slice(0, 300) }
      return { kind: 'failed', error: `HTTP ${status}: ${String((error as { body?: string }).body ?? '').slice(0, 200)}` }
    }
  }
}
