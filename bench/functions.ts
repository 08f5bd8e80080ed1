import { spawn, spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { seedDemo } from '../edge/demo/seed.ts'
import { FEATURES } from '../edge/features.ts'
import { boot } from '../edge/kernel/boot.ts'
import { BUDGET } from './budgets.ts'
import { percentile, report, round, type Result } from './lib.ts'

/**
 * Each Supabase Edge Function (supabase/functions/<name>), beside the whole app's (`app`, the
 * baseline): its bundle as `deno bundle` makes it (one JavaScript file, npm packages included,
 * not minified; the minified size in the note), and its cold start under Deno: from spawning
 * `deno run -A supabase/functions/<name>/index.ts` to the first HTTP response of a page of its
 * own, on a Postgres database migrated and seeded beforehand (live events by LISTEN, files in the
 * database, DEMO=off: nothing of Supabase's is needed). One run first fills Deno's transpile
 * cache (Supabase deploys functions compiled), then the median of RUNS, taken in rounds over all
 * functions. The path router (no database) is bundled only.
 */
const DENO = './node_modules/deno/deno'
const RUNS = Number(process.env.BENCH_FUNCTION_RUNS ?? 5)
const SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB_NAME = 'sotay_fn_bench'
const SECRET = 'bench-functions-secret-bench-functions-01'

const root = new URL('../supabase/functions/', import.meta.url)
const names = (
  await Promise.all(
    (
      await readdir(root, { withFileTypes: true })
    ).map(async (d) => (d.isDirectory() && (await stat(new URL(`${d.name}/index.ts`, root)).catch(() => null)) ? d.name : null)),
  )
)
  .filter((n): n is string => n !== null)
  .sort((a, b) => (a === 'app' ? -1 : b === 'app' ? 1 : a.localeCompare(b)))

/** The page each function is timed on: its mount, or for a root feature its first segment. */
function pageOf(name: string): string | null {
  if (name === 'app') return '/login'
  const feature = FEATURES.find((f) => f.name === name)
  if (!feature) return null
  return feature.mount === '/' ? `/${feature.segments[0]}` : feature.mount
}

const outDir = await mkdtemp(join(tmpdir(), 'sotay-fn-bundle-'))
function bundle(name: string, minify: boolean): number {
  const out = join(outDir, `${name}${minify ? '.min' : ''}.js`)
  const run = spawnSync(DENO, ['bundle', '--quiet', '--platform', 'deno', ...(minify ? ['--minify'] : []), '-o', out, `supabase/functions/${name}/index.ts`], {
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`deno bundle ${name} failed: ${run.stderr}`)
  return statSync(out).size
}

// a migrated, seeded database every function opens (as Supabase's would be after `db push`)
const admin = postgres(SERVER, { max: 1, onnotice: () => {} })
await admin.unsafe(`drop database if exists "${DB_NAME}" with (force)`)
await admin.unsafe(`create database "${DB_NAME}"`)
const dbUrl = new URL(SERVER)
dbUrl.pathname = `/${DB_NAME}`
const prepared = await boot({ DATABASE_URL: dbUrl.toString(), SESSION_SECRET: SECRET, LOG_LEVEL: 'silent' })
await seedDemo(prepared.data, { members: 300, password: 'bench-password-1' })
await prepared.close()

let nextPort = 8900 + Math.floor(Math.random() * 50) * 10
/** Milliseconds from spawn to the first response on `path` (any status: the function's own answer). */
async function coldStart(name: string, path: string): Promise<number> {
  const port = nextPort++
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: dbUrl.toString(),
    SESSION_SECRET: SECRET,
    REALTIME: 'postgres',
    STORAGE: 'database',
    DEMO: 'off',
    LOG_LEVEL: 'silent',
  }
  const t0 = performance.now()
  const child = spawn(DENO, ['run', '-A', `supabase/functions/${name}/index.ts`], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let errors = ''
  child.stderr.on('data', (d) => (errors += d))
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`function ${name} exited: ${errors}`)
      try {
        await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' }).then((r) => r.arrayBuffer())
        return performance.now() - t0
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 60_000) throw new Error(`function ${name} gave no answer in 60 s: ${errors}`)
      await new Promise((r) => setTimeout(r, 5))
    }
  } finally {
    child.kill('SIGKILL')
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)))
  }
}

const results: Result[] = []
const rows: { name: string; kb: number; minKb: number; ms?: number }[] = []
try {
  const timed = names.filter((name) => pageOf(name))
  for (const name of timed) await coldStart(name, pageOf(name)!) // Deno's transpile cache
  // in rounds over every function, so that a change in the machine's load falls on all alike
  const times = new Map<string, number[]>(timed.map((name) => [name, []]))
  for (let i = 0; i < RUNS; i++) for (const name of timed) times.get(name)!.push(await coldStart(name, pageOf(name)!))
  for (const name of names) {
    const kb = round(bundle(name, false) / 1024, 0)
    const minKb = round(bundle(name, true) / 1024, 0)
    const path = pageOf(name)
    const ms = path ? round(percentile(times.get(name)!, 50), 0) : undefined
    rows.push({ name, kb, minKb, ms })
    const label = name === 'app' ? 'app (whole app, baseline)' : name === 'router' ? 'router (path router, no feature)' : name
    results.push({
      name: `function-bundle-${name}`,
      value: kb,
      unit: 'KB',
      budget: BUDGET.functionBundleKB,
      ok: kb <= BUDGET.functionBundleKB,
      note: `${label}: deno bundle, ${minKb} KB minified`,
    })
    if (ms !== undefined)
      results.push({
        name: `function-cold-start-${name}`,
        value: ms,
        unit: 'ms',
        budget: BUDGET.functionColdStartMs,
        ok: ms <= BUDGET.functionColdStartMs,
        note: `${label}: spawn to first response of GET ${path}, median of ${RUNS}`,
      })
  }
} finally {
  await rm(outDir, { recursive: true, force: true })
  await admin.unsafe(`drop database if exists "${DB_NAME}" with (force)`)
  await admin.end()
}
await report(results)
console.log('\n| function | bundle KB | minified KB | cold start ms |\n|---|---:|---:|---:|')
for (const r of rows) console.log(`| ${r.name === 'app' ? 'app (baseline)' : r.name} | ${r.kb} | ${r.minKb} | ${r.ms ?? '–'} |`)
