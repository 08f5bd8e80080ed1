/**
 * npm run deploy [-- --dry-run] — deploys the app to a Supabase project with the Supabase CLI,
 * one step after the other, stopping at the first failure:
 *
 *  1. supabase link --project-ref $SUPABASE_PROJECT_REF
 *  2. supabase db push (supabase/migrations; the app's runner and the CLI share one record)
 *  3. supabase secrets set — what edge/kernel/config.ts reads (values never printed)
 *  4. supabase functions deploy — every function in supabase/functions
 *  5. prints the pg_cron recipe for reminders (supabase/recipes/reminders_cron.sql)
 *
 * Needs: SUPABASE_PROJECT_REF; SUPABASE_ACCESS_TOKEN (or `supabase login` once); SUPABASE_DB_PASSWORD
 * (the database password, read by the CLI); SESSION_SECRET (32+ characters). Optional, passed on
 * when set: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY/VAPID_SUBJECT (else generated once and kept in the
 * database), REMINDERS_SECRET (for the pg_cron recipe), REMINDER_TIMES, STORAGE_BUCKET,
 * TRUSTED_PROXIES, LOG_LEVEL, TASK_BULK_THRESHOLD, TASK_BULK_CHUNK, DATABASE_URL (e.g. the pooler's
 * address; without it the functions use SUPABASE_DB_URL, which Supabase provides), ROUTER_TARGET
 * (where the router function sends each path; default SUPABASE_URL/functions/v1/{name}), APP_DOMAIN
 * (the custom domain, put into the printed recipe), ROUTER_SECRET (what the router shows the functions so
 * they believe the browser's host it forwards; generated for each deploy when not given).
 * --dry-run prints the commands without running them (nothing is read from or sent to Supabase).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readConfig } from '../edge/kernel/config.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const dryRun = process.argv.includes('--dry-run')
const env = process.env

/** What every deployment sets: the edge functions use Supabase Realtime and Storage, no demo, secure cookies. */
const FIXED: Record<string, string> = { REALTIME: 'supabase', STORAGE: 'supabase', DEMO: 'off', COOKIE_SECURE: 'on' }
const REQUIRED = ['SESSION_SECRET']
const OPTIONAL = [
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
  'REMINDERS_SECRET',
  'REMINDER_TIMES',
  'STORAGE_BUCKET',
  'TRUSTED_PROXIES',
  'LOG_LEVEL',
  'TASK_BULK_THRESHOLD',
  'TASK_BULK_CHUNK',
  'DATABASE_URL',
  'ROUTER_TARGET', // read by the router function (supabase/functions/router), not by config.ts
  'ROUTER_SECRET', // read by the router and by edge/listen.ts: the functions believe forwarded hosts only beside it
]

function fail(message: string): never {
  console.error(`\ndeploy: ${message}`)
  process.exit(1)
}

/** Every directory of supabase/functions with an index.ts (a leading _ or . marks shared code, not a function). */
function functionNames(): string[] {
  const dir = join(ROOT, 'supabase/functions')
  return readdirSync(dir)
    .filter((n) => !n.startsWith('_') && !n.startsWith('.') && statSync(join(dir, n)).isDirectory())
    .filter((n) => {
      try {
        return statSync(join(dir, n, 'index.ts')).isFile()
      } catch {
        return false
      }
    })
    .sort()
}

let stepNo = 0
function run(title: string, args: string[], shown = args) {
  stepNo += 1
  console.log(`\n=== ${stepNo}. ${title}`)
  console.log(`$ supabase ${shown.join(' ')}`)
  if (dryRun) return
  const result = spawnSync('npx', ['--no-install', 'supabase', ...args], { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) fail(`step ${stepNo} (${title}) failed (exit ${result.status ?? result.signal}); nothing after it was run`)
}

const ref = env.SUPABASE_PROJECT_REF ?? (dryRun ? '<SUPABASE_PROJECT_REF>' : undefined)
if (!ref) fail('SUPABASE_PROJECT_REF is not set (the project reference: Project Settings → General)')
if (!dryRun && !env.SUPABASE_DB_PASSWORD) console.warn('deploy: SUPABASE_DB_PASSWORD is not set: the CLI will ask for the database password')

// the secrets, checked by the app's own configuration schema before anything is sent
const secrets: Record<string, string> = { ...FIXED }
for (const name of REQUIRED) {
  const value = env[name] ?? (dryRun ? 'dry-run-placeholder-dry-run-placeholder' : undefined)
  if (!value) fail(`${name} is not set (see edge/kernel/config.ts; 32+ random characters, e.g. openssl rand -base64 48)`)
  secrets[name] = value
}
for (const name of OPTIONAL) if (env[name]) secrets[name] = env[name]
// the router and the functions share it and both get it in this deploy: a fresh one when none is given
secrets.ROUTER_SECRET ??= Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('')
try {
  readConfig(secrets)
} catch (error) {
  fail((error as Error).message)
}
if (!secrets.VAPID_PUBLIC_KEY) console.warn('deploy: no VAPID keys given: the app generates a pair once and keeps it in the database')
if (!secrets.REMINDERS_SECRET) console.warn('deploy: REMINDERS_SECRET is not set: pg_cron cannot call /reminders/run until it is')

const functions = functionNames()
if (functions.length === 0) fail('no function in supabase/functions')

console.log(`${dryRun ? 'Dry run (the commands are printed, not run)' : 'Deploying'}: project ${ref}; functions: ${functions.join(', ')}`)

run('link the project', ['link', '--project-ref', ref])
run('apply the migrations (supabase/migrations)', ['db', 'push', '--linked', '--include-all'])

// secrets go through a file readable by this user only, never on a command line or the screen
const folder = mkdtempSync(join(tmpdir(), 'sotay-deploy-'))
const envFile = join(folder, 'secrets.env')
try {
  writeFileSync(
    envFile,
    `${Object.entries(secrets)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  )
  console.log(`secrets: ${Object.keys(secrets).sort().join(', ')} (values not shown)`)
  run(
    "set the functions' secrets",
    ['secrets', 'set', '--project-ref', ref, '--env-file', envFile],
    ['secrets', 'set', '--project-ref', ref, '--env-file', '<file with the secrets above>'],
  )
} finally {
  rmSync(folder, { recursive: true, force: true })
}

// bundled by the CLI itself (2.117 uses Docker only when given --use-docker). Not --use-api: Supabase's
// server-side bundling leaves out static files, and the functions read static/ at run time
run(`deploy ${functions.length} edge functions`, ['functions', 'deploy', ...functions, '--project-ref', ref])

const domain = env.APP_DOMAIN ?? '<your-domain>'
const recipe = readFileSync(join(ROOT, 'supabase/recipes/reminders_cron.sql'), 'utf8').replaceAll('<your-domain>', domain)
console.log(`\n=== ${++stepNo}. reminders: run this once in the SQL editor (Database → Extensions: enable pg_cron and pg_net first)`)
console.log(recipe)
console.log(
  dryRun
    ? 'Dry run finished: nothing was run.'
    : `Deployed. Serve the functions from a custom domain (${domain}): the default functions domain sends HTML as text/plain.`,
)
