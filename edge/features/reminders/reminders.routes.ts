import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'
import { parseOffsets, runReminders } from './reminders.run.ts'

/**
 * POST /reminders/run: one scheduler pass, for deployments without a long-running process
 * (Supabase: pg_cron + pg_net call it every minute). Answers only with the shared secret.
 */
export const reminders = new Hono<AppEnv>()

reminders.post('/run', async (c) => {
  const secret = c.get('config').REMINDERS_SECRET
  const given = c.req.header('Authorization')?.replace(/^Bearer\s+/i, '') ?? ''
  if (!secret || !(await sameSecret(given, secret))) return c.text('Không có quyền.', 401)
  const report = await runReminders(c.get('data'), c.get('push'), { offsets: parseOffsets(c.get('config').REMINDER_TIMES) })
  return c.json(report)
})

/** Compares digests, so the time taken says nothing about the secret. */
async function sameSecret(given: string, secret: string): Promise<boolean> {
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  const [a, b] = await Promise.all([digest(given), digest(secret)])
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}
