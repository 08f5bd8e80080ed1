import type { AppContext } from './context.ts'
import { digest } from './client.ts'

/**
 * For endpoints that schedulers call (pg_cron + pg_net): the request carries the shared secret
 * (REMINDERS_SECRET) as a Bearer token. Digests are compared, so timing says nothing about it.
 */
export async function hasSchedulerSecret(c: AppContext): Promise<boolean> {
  const secret = c.get('config').REMINDERS_SECRET
  const given = c.req.header('Authorization')?.replace(/^Bearer\s+/i, '') ?? ''
  if (!secret) return false
  const [a, b] = await Promise.all([digest(given), digest(secret)])
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
