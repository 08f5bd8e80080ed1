import { createApp } from './app.ts'
import type { Runtime } from './kernel/boot.ts'
import { processEnv } from './kernel/config.ts'
import { prepare } from './prepare.ts'

/**
 * Shared by the Node and Deno entries and the whole-app edge function: boot, seed the demo on an
 * empty database, build the app, and (for long-running servers) tick the reminder scheduler.
 */
export async function start(env: Record<string, string | undefined> = processEnv(), options: { reminders?: boolean } = { reminders: true }) {
  const runtime: Runtime = await prepare(env, options)
  return { runtime, app: createApp(runtime) }
}
