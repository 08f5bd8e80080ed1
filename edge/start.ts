import { createApp } from './app.ts'
import { boot, type Runtime } from './kernel/boot.ts'
import { processEnv } from './kernel/config.ts'
import { seedDemo } from './demo/seed.ts'
import { startReminderTicks } from './features/reminders/reminders.schedule.ts'
import { startFanoutTicks } from './features/tasks/tasks.fanout.ts'

/**
 * Shared by the Node and Deno entries: boot, seed the demo on an empty database, build the app,
 * and (for long-running servers) tick the reminder scheduler every minute.
 */
export async function start(env: Record<string, string | undefined> = processEnv(), options: { reminders?: boolean } = { reminders: true }) {
  const runtime: Runtime = await boot(env)
  const { config } = runtime
  if (config.DEMO !== 'off') {
    const logins = await seedDemo(runtime.data, { password: config.DEMO_PASSWORD })
    if (logins) printLogins(logins)
  }
  if (options.reminders && config.REMINDERS === 'on') {
    startReminderTicks(runtime)
    startFanoutTicks(runtime.data, config.TASK_BULK_CHUNK)
  }
  return { runtime, app: createApp(runtime) }
}

function printLogins(logins: { login: string; role: string; password?: string }[]) {
  console.log('Demo committee created. Demo logins (phone number + password):')
  for (const l of logins) console.log(`  ${l.login.padEnd(12)} ${l.password ?? '(DEMO_PASSWORD)'}  ${l.role}`)
}
