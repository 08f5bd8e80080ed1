import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const DEMO_PASSWORD = 'e2e-demo-pass'

/**
 * Starts the app (Node via tsx, or Deno) on a fresh PGlite folder and waits until it answers.
 * `runtime: { fn, env }` starts one Supabase Edge Function (supabase/functions/<fn>) under Deno
 * instead, with `env` added (a function needs DATABASE_URL: a PGlite folder is one process's);
 * `ready` is the path polled until it answers 2xx/3xx.
 */
export async function startServer(
  runtime: 'node' | 'deno' | { fn: string; env: Record<string, string> } = 'node',
  port = 8100 + Math.floor(Math.random() * 800),
  ready = '/login',
) {
  const dataDir = await mkdtemp(join(tmpdir(), 'sotay-e2e-'))
  const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', LOG_LEVEL: 'silent' }
  delete (env as Record<string, string | undefined>).DATABASE_URL
  const child: ChildProcess =
    runtime === 'node'
      ? spawn('npx', ['tsx', 'edge/main.node.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : runtime === 'deno'
        ? // exactly as the README says (npx deno task start)
          spawn('npx', ['deno', 'task', 'start'], {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: true,
          })
        : spawn('./node_modules/deno/deno', ['run', '-A', `supabase/functions/${runtime.fn}/index.ts`], {
            env: { ...env, ...runtime.env },
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: true,
          })
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`)
    try {
      const res = await fetch(`${url}${ready}`, { redirect: 'manual' })
      if (res.status < 400) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start in 90 s:\n${output}`)
    await new Promise((r) => setTimeout(r, 300))
  }
  return {
    url,
    output: () => output,
    async stop() {
      // npx → tsx/deno → node: signal the whole process group, not only npx
      const group = -(child.pid as number)
      try {
        process.kill(group, 'SIGTERM')
        await new Promise((r) => setTimeout(r, 700))
        process.kill(group, 'SIGKILL')
      } catch {
        // already gone
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
