import { boot, type Runtime } from './kernel/boot.ts'
import { processEnv } from './kernel/config.ts'

/**
 * Boot, seed the demo on an empty database, and (for long-running servers) tick the reminder
 * scheduler every minute. Shared by the whole app (edge/start.ts) and the per-feature edge
 * functions (edge/function.ts); the demo seed and the tickers load only when they are used.
 */
export async function prepare(
  env: Record<string, string | undefined> = processEnv(),
  options: { reminders?: boolean } = { reminders: true },
): Promise<Runtime> {
  const runtime = await boot(env)
  const { config } = runtime
  if (config.DEMO !== 'off') {
    const { seedDemo } = await import('./demo/seed.ts')
    const logins = await seedDemo(runtime.data, { password: config.DEMO_PASSWORD })
    if (logins) printLogins(logins)
  } else {
    const { needsSetup } = await import('./setup/setup.ts')
    if (await needsSetup(runtime)) console.log(SETUP_NEEDED)
  }
  if (options.reminders && config.REMINDERS === 'on') {
    const [{ startReminderTicks }, { startFanoutTicks }] = await Promise.all([
      import('./features/reminders/reminders.schedule.ts'),
      import('./features/tasks/tasks.fanout.ts'),
    ])
    startReminderTicks(runtime)
    startFanoutTicks(runtime.data, config.TASK_BULK_CHUNK)
  }
  return runtime
}

const SETUP_NEEDED = `The database is empty and DEMO=off: nobody can sign in yet.
Create the root organization and the first administrator once: npm run setup (under Deno: deno task setup),
then the administrator opens /activate with the code it prints.
Cơ sở dữ liệu trống: chạy npm run setup một lần để tạo tổ chức đảng gốc và tài khoản quản trị.`

function printLogins(logins: { login: string; role: string; password?: string }[]) {
  console.log('Demo committee created. Demo logins (phone number + password):')
  for (const l of logins) console.log(`  ${l.login.padEnd(12)} ${l.password ?? '(DEMO_PASSWORD)'}  ${l.role}`)
}
