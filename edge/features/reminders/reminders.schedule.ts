import type { Runtime } from '../../kernel/boot.ts'
import { parseOffsets, runReminders } from './reminders.run.ts'

/**
 * The in-process scheduler of long-running servers (npm start, deno task start): a pass every
 * minute. Several processes may tick at once; deliveries stay exactly-once (see runReminders).
 */
export function startReminderTicks(runtime: Runtime, everyMs = 60_000): () => void {
  const offsets = parseOffsets(runtime.config.REMINDER_TIMES)
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      const report = await runReminders(runtime.data, runtime.push, { offsets })
      if (report.claimed && runtime.config.LOG_LEVEL !== 'silent') console.log(`reminders: ${JSON.stringify(report)}`)
    } catch (error) {
      console.error('reminders: pass failed:', error)
    } finally {
      running = false
    }
  }
  const timer = setInterval(tick, everyMs)
  return () => clearInterval(timer)
}
