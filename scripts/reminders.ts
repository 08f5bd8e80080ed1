// npm run reminders: one pass of the reminder scheduler (for cron on servers that do not run npm start).
import { boot } from '../edge/kernel/boot.ts'
import { parseOffsets, runReminders } from '../edge/features/reminders/reminders.run.ts'

const runtime = await boot()
try {
  const report = await runReminders(runtime.data, runtime.push, { offsets: parseOffsets(runtime.config.REMINDER_TIMES) })
  console.log(JSON.stringify(report))
} finally {
  await runtime.close()
}
