import type WebPush from 'web-push'
import { Agent } from 'node:https'
import type { DataAccess } from '../db/access.ts'
import { checkPushEndpoint, guardedLookup, type EndpointCheck, type EndpointPolicy } from './endpoint.ts'

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

/**
 * What the push service said: delivered, the device is gone for good, try again later, or a refusal; or that we
 * refused to send at all because the endpoint is not a public https host (`forget`: the endpoint itself is
 * unacceptable, so the device is removed; otherwise its name resolved to an inside address this time).
 */
export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'gone' }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'refused'; error: string; forget: boolean }

/** The network call (web-push's), replaceable in tests by a recorder. */
export type Transport = typeof WebPush.sendNotification

/** web-push is loaded on first use: evaluating it cost every edge function's cold start ~50 ms, and most never push. */
const webPush = async (): Promise<typeof WebPush> => (await import('web-push')).default

/** How long a host name's check is reused by one sender: a pass to thousands of devices resolves each push service once. */
const CHECK_TTL_MS = 60_000

/** VAPID keys from the configuration, or generated once and kept in the database (local mode). */
export async function loadVapid(data: DataAccess, configured: Partial<Vapid>): Promise<Vapid> {
  const subject = configured.subject ?? 'mailto:admin@localhost'
  if (configured.publicKey && configured.privateKey) return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject }
  return data.asSystem('load the VAPID keys at start-up (generated once in local mode)', async (tx) => {
    const fresh = (await webPush()).generateVAPIDKeys()
    await tx.query(`insert into app.settings (key, value) values ('push.vapid', $1) on conflict (key) do nothing`, [JSON.stringify(fresh)])
    const [row] = await tx.query<{ value: string }>(`select value from app.settings where key = 'push.vapid'`)
    const keys = JSON.parse(row.value) as { publicKey: string; privateKey: string }
    return { ...keys, subject }
  })
}

/** Sends one encrypted message (aes128gcm, VAPID) to one device; never throws. */
export class PushSender {
  private agent: Agent
  private checked = new Map<string, { at: number; check: Promise<EndpointCheck> }>()

  constructor(
    readonly vapid: Vapid,
    private options: { agent?: Agent; timeoutMs?: number; transport?: Transport } & EndpointPolicy = {},
  ) {
    this.agent = options.agent ?? new Agent({ keepAlive: true, maxSockets: 64, lookup: guardedLookup(options.allowHosts) })
  }

  /** Whether an endpoint may be registered and sent to (see endpoint.ts); a host's answer is reused for a minute. */
  checkEndpoint(endpoint: string): Promise<EndpointCheck> {
    let origin: string
    try {
      const url = new URL(endpoint)
      if (url.username || url.password) return checkPushEndpoint(endpoint, this.options)
      origin = url.origin
    } catch {
      return checkPushEndpoint(endpoint, this.options)
    }
    const cached = this.checked.get(origin)
    if (cached && Date.now() - cached.at < CHECK_TTL_MS) return cached.check
    const check = checkPushEndpoint(endpoint, this.options)
    if (this.checked.size >= 1000) this.checked.clear()
    this.checked.set(origin, { at: Date.now(), check })
    // a failed resolution is asked again next time
    void check.then((c) => !c.ok && c.reason === 'unresolved' && this.checked.delete(origin))
    return check
  }

  async send(device: Device, payload: object, topic?: string): Promise<Outcome> {
    const check = await this.checkEndpoint(device.endpoint)
    if (!check.ok) {
      if (check.reason === 'unresolved') return { kind: 'retry', error: check.error }
      return { kind: 'refused', error: `endpoint refused: ${check.error}`, forget: check.reason === 'endpoint' }
    }
    try {
      const res = await (this.options.transport ?? (await webPush()).sendNotification)(
        { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
        JSON.stringify(payload),
        {
          vapidDetails: this.vapid,
          TTL: 24 * 3600,
          // the push service keeps one undelivered message per topic: a resend after a crash replaces, not repeats
          topic,
          urgency: 'normal',
          contentEncoding: 'aes128gcm',
          timeout: this.options.timeoutMs ?? 10_000,
          agent: this.agent,
        },
      )
      return res.statusCode >= 200 && res.statusCode < 300 ? { kind: 'delivered' } : { kind: 'failed', error: `HTTP ${res.statusCode}` }
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode
      if ((error as { code?: string }).code === 'EPUSHADDRESS') return { kind: 'refused', error: (error as Error).message, forget: false }
      if (status === 404 || status === 410) return { kind: 'gone' }
      if (status === 429 || (status !== undefined && status >= 500)) return { kind: 'retry', error: `HTTP ${status}` }
      if (status === undefined) return { kind: 'retry', error: String((error as Error).message ?? error).slice(0, 300) }
      return { kind: 'failed', error: `HTTP ${status}: ${String((error as { body?: string }).body ?? '').slice(0, 200)}` }
    }
  }
}
