import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'
import { hasSchedulerSecret } from '../../kernel/http/secret.ts'
import { parseOffsets, runReminders } from './reminders.run.ts'

/**
 * POST /reminders/run: one scheduler pass, for deployments without a long-running process
 * (Supabase: pg_cron + pg_net call it every minute). Answers only with the shared secret.
 */
export const reminders = new Hono<AppEnv>()

reminders.post('/run', async (c) => {
  if (!(await hasSchedulerSecret(c))) return c.text('Không có quyền.', 401)
  const report = await runReminders(c.get('data'), c.get('push'), { offsets: parseOffsets(c.get('config').REMINDER_TIMES) })
  return c.json(report)
})
