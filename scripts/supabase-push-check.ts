/**
 * npm run test:supabase — proves, without Docker and without a Supabase account, that the
 * Supabase CLI deploys our migrations and that the app and the CLI agree on what is applied:
 *
 *  1. a fresh database on the local server gets Supabase's roles and schemas (supabase/local:
 *     auth…, and supabase/shim: realtime, storage) and the postgres role's search_path as Supabase sets it;
 *  2. `supabase db push --db-url … --include-all` applies supabase/migrations onto it;
 *  3. the app's own runner (migrate) then finds nothing left to apply;
 *  4. as two members of different cells, each sees his/her own cell and nothing of the other's
 *     (RLS), and app.publish broadcasts through realtime.send into realtime.messages;
 *  5. the reverse: a database the app migrated leaves `supabase db push` nothing to do;
 *  6. `npm run deploy -- --dry-run` lists every function of supabase/functions and prints no secret.
 *
 * DATABASE_URL names the server (any database on it; default postgres://postgres@127.0.0.1:5432/postgres).
 * The databases it creates (sotay_push_*) are dropped at the end, also on failure.
 */
import { spawnSync } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import postgres from 'postgres'
import { boot } from '../edge/kernel/boot.ts'
import { ensureDatabase } from '../edge/kernel/db/admin.ts'
import { migrate } from '../edge/kernel/db/migrate.ts'
import { openPostgres } from '../edge/kernel/db/postgres.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { DEMO_PASSWORD } from '../test/support.ts'

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ROOT = new URL('../', import.meta.url)
const created: string[] = []
/** The row-level security tests run again on databases the CLI migrated, with the sizes they ask for. */
const RLS_TEST_FILES = [
  'edge/kernel/db/rls.test.ts',
  'edge/kernel/db/access-over-time.test.ts',
  // every feature's own RLS file (<feature>/<feature>.rls.test.ts), so a new feature is checked without being named here
  ...readdirSync(new URL('edge/features/', ROOT))
    .flatMap((feature) => readdirSync(new URL(`edge/features/${feature}/`, ROOT)).map((file) => `edge/features/${feature}/${file}`))
    .filter((path) => path.endsWith('.rls.test.ts'))
    .sort(),
]
const RLS_TEST_SIZES = [50, 60, 120, 200, 300]

function dbUrl(name: string): string {
  const url = new URL(SERVER)
  url.pathname = `/${name}`
  return url.toString()
}

/** The CLI insists on TLS unless told otherwise; the local server has none. */
function cliUrl(name: string): string {
  const url = new URL(dbUrl(name))
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable')
  return url.toString()
}

function step(what: string) {
  console.log(`\n--- ${what}`)
}

function check(ok: boolean, what: string) {
  if (!ok) throw new Error(`FAILED: ${what}`)
  console.log(`ok: ${what}`)
}

/** Runs the project's supabase CLI (devDependency); its output is shown and returned. */
function supabase(args: string[]): string {
  console.log(`$ supabase ${args.map((a) => (a.startsWith('postgres') ? '<db-url>' : a)).join(' ')}`)
  const run = spawnSync('npx', ['--no-install', 'supabase', ...args], { cwd: ROOT, encoding: 'utf8', input: 'y\n' })
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`
  process.stdout.write(`${output.trimEnd().replace(/^/gm, '  | ')}\n`)
  if (run.status !== 0) throw new Error(`supabase ${args[0]} ${args[1] ?? ''} exited with ${run.status}`)
  return output
}

/** A new database with Supabase's own objects, as a Supabase project has them before our migrations. */
async function supabaseLikeDatabase(label: string, name = `sotay_push_${label}_${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`): Promise<string> {
  await ensureDatabase(dbUrl(name), { reset: true })
  created.push(name)
  const sql = postgres(dbUrl(name), { max: 1, onnotice: () => {} })
  try {
    // Supabase's roles.sql: ALTER ROLE postgres SET search_path TO "$user", public, extensions
    // (here for this database only: the server is shared)
    await sql.unsafe(`alter role current_user in database "${name}" set search_path to "$user", public, extensions`)
    // supabase/local, applied and recorded as the app's runner does where Supabase's objects are missing
    await sql.unsafe(`create schema if not exists migrations;
      create table if not exists migrations.applied (name text primary key, applied_at timestamptz not null default now())`)
    for (const file of (await readdir(new URL('supabase/local/', ROOT))).filter((n) => n.endsWith('.sql')).sort()) {
      await sql.unsafe(await readFile(new URL(`supabase/local/${file}`, ROOT), 'utf8'))
      await sql`insert into migrations.applied (name) values (${`local/${file}`})`
    }
    // Realtime's and Storage's schemas as a project has them (supabase/shim): here only. A local
    // database does without them: nothing would ever read or clear what realtime.send stores.
    for (const file of (await readdir(new URL('supabase/shim/', ROOT))).filter((n) => n.endsWith('.sql')).sort()) {
      await sql.unsafe(await readFile(new URL(`supabase/shim/${file}`, ROOT), 'utf8'))
    }
  } finally {
    await sql.end()
  }
  return name
}

async function main() {
  const migrationFiles = (await readdir(new URL('supabase/migrations/', ROOT))).filter((n) => n.endsWith('.sql')).sort()

  step('1. a Supabase-like database (roles, auth, realtime, storage; no Docker)')
  const pushed = await supabaseLikeDatabase('cli')
  console.log(`database ${pushed}`)

  step('2. supabase db push applies supabase/migrations')
  const plan = supabase(['db', 'push', '--db-url', cliUrl(pushed), '--include-all', '--dry-run'])
  check(
    migrationFiles.every((f) => plan.includes(f)),
    `the dry run lists all ${migrationFiles.length} migrations`,
  )
  supabase(['db', 'push', '--db-url', cliUrl(pushed), '--include-all', '--yes'])
  const sql = postgres(dbUrl(pushed), { max: 1, onnotice: () => {} })
  const versions = (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations order by version`).map((r) => r.version)
  await sql.end()
  check(versions.join() === migrationFiles.map((f) => f.split('_')[0]).join(), 'the CLI recorded every migration in supabase_migrations.schema_migrations')

  step("3. the app's runner finds nothing left to apply")
  const db = openPostgres(dbUrl(pushed), 2)
  try {
    const applied = await migrate(db)
    check(applied.length === 0, `migrate() applied nothing (it applied: ${applied.join(', ') || 'none'})`)
    const [{ n }] = await db.transaction((tx) => tx.query<{ n: number }>(`select count(*)::int as n from migrations.applied where name like 'migrations/%'`))
    check(n === migrationFiles.length, "the app's record (migrations.applied) names every migration the CLI pushed")
  } finally {
    await db.close()
  }
  const again = supabase(['db', 'push', '--db-url', cliUrl(pushed), '--include-all', '--dry-run'])
  check(!migrationFiles.some((f) => again.includes(f)), 'a second supabase db push has nothing to push')

  step('4. row-level security on the pushed database: two members of different cells')
  const runtime = await boot({
    DATABASE_URL: dbUrl(pushed),
    SESSION_SECRET: 'supabase-push-check-secret-0123456789abcdef',
    LOG_LEVEL: 'silent',
  })
  try {
    await seedDemo(runtime.data, { members: 200, password: 'push-check-2026' })
    // a cell's secretary reads the whole cell: the test is whether the read stops at the cell's edge
    const people = await runtime.data.asSystem('push check: the secretaries of two cells', (tx) =>
      tx.query<{ user_id: string; org_id: string; path: string }>(
        `select distinct on (o.path) a.user_id, o.id as org_id, o.path::text as path
           from public.org_roles r join public.accounts a on a.member_id = r.member_id join public.organizations o on o.id = r.org_id
          where o.path::text in ('ns.tp1.g1.c1', 'ns.tp1.g1.c2') and r.role = 'secretary' and r.valid_to is null
          order by o.path, a.user_id`,
      ),
    )
    check(people.length === 2, 'the seed gave both cells a secretary with an account')
    const now = Math.floor(Date.now() / 1000)
    for (const [me, other] of [people, [...people].reverse()]) {
      const claims = { sub: me.user_id, role: 'authenticated' as const, iat: now, exp: now + 600 }
      const [seen] = await runtime.data.withUser(claims, (tx) =>
        tx.query<{ own: number; others: number; all: number }>(
          `select count(*) filter (where org_id = $1)::int as own, count(*) filter (where org_id = $2)::int as others, count(*)::int as all
             from public.members`,
          [me.org_id, other.org_id],
        ),
      )
      check(
        seen.own > 1 && seen.others === 0 && seen.all === seen.own,
        `the secretary of ${me.path} sees the ${seen.own} members of the cell and none of ${other.path}`,
      )
    }
    const [{ n }] = await runtime.data.asSystem('push check: a broadcast through realtime.send', async (tx) => {
      await tx.query(`select app.publish('push_check', 'push-check:1', '{"ok":true}'::jsonb)`)
      return tx.query<{ n: number }>(`select count(*)::int as n from realtime.messages where topic = 'push-check:1' and private`)
    })
    check(n === 1, 'app.publish wrote a private broadcast into realtime.messages (realtime.send)')
  } finally {
    await runtime.close()
  }

  step("4b. the RLS test files on databases the CLI migrated (the tests' templates, seeded as theirs are)")
  const prefix = `sotay_push_rls_${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`
  for (const members of RLS_TEST_SIZES) {
    const name = await supabaseLikeDatabase('rls', `${prefix}_${members}`)
    supabase(['db', 'push', '--db-url', cliUrl(name), '--include-all', '--yes'])
    const runner = openPostgres(dbUrl(name), 1)
    try {
      check((await migrate(runner)).length === 0, `${members} members: the app's runner has nothing to add`)
    } finally {
      await runner.close()
    }
    const seeded = await boot({ DATABASE_URL: dbUrl(name), SESSION_SECRET: 'supabase-push-check-secret-0123456789abcdef', LOG_LEVEL: 'silent' })
    try {
      await seedDemo(seeded.data, { members, password: DEMO_PASSWORD })
    } finally {
      await seeded.close()
    }
  }
  const tests = spawnSync('npx', ['--no-install', 'vitest', 'run', ...RLS_TEST_FILES], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: dbUrl('postgres'), TEST_PUSHED_TEMPLATES: prefix },
  })
  check(tests.status === 0, `the RLS tests pass on them (${RLS_TEST_FILES.join(', ')})`)

  step('5. the reverse: the app migrates first, then supabase db push finds nothing to do')
  const appFirst = await supabaseLikeDatabase('app')
  const db2 = openPostgres(dbUrl(appFirst), 2)
  try {
    const applied = await migrate(db2)
    check(applied.length === migrationFiles.length, `the app applied the ${migrationFiles.length} migrations`)
  } finally {
    await db2.close()
  }
  const after = supabase(['db', 'push', '--db-url', cliUrl(appFirst), '--include-all', '--dry-run'])
  check(!migrationFiles.some((f) => after.includes(f)), 'supabase db push has no migration left to push')

  step('6. the deploy script, dry run')
  const secret = `never-shown-${crypto.randomUUID()}`
  const dry = spawnSync('npx', ['--no-install', 'tsx', 'scripts/deploy.ts', '--dry-run'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SUPABASE_PROJECT_REF: 'abcdefghijklmnopqrst', SESSION_SECRET: secret, REMINDERS_SECRET: `${secret}-r` },
  })
  const printed = `${dry.stdout}${dry.stderr}`
  check(dry.status === 0, `npm run deploy -- --dry-run exits 0 (exit ${dry.status})`)
  const functionDirs = (await readdir(new URL('supabase/functions/', ROOT), { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => d.name)
  const deployLine = printed.split('\n').find((l) => l.startsWith('$ supabase functions deploy')) ?? ''
  const listed = new Set(deployLine.split(' '))
  check(functionDirs.length > 0 && functionDirs.every((d) => listed.has(d)), `the dry run deploys every function directory (${functionDirs.join(', ')})`)
  for (const command of ['supabase link --project-ref abcdefghijklmnopqrst', 'supabase db push', 'supabase secrets set']) {
    check(printed.includes(command), `the dry run runs ${command}`)
  }
  check(printed.includes('cron.schedule'), 'the dry run prints the pg_cron recipe')
  check(!printed.includes(secret), 'no secret value is printed')
}

let failed = false
try {
  await main()
  console.log('\nSupabase push check: passed')
} catch (error) {
  failed = true
  console.error(`\n${(error as Error).message}`)
} finally {
  for (const name of created) await ensureDatabase(dbUrl(name), { reset: true, drop: true })
}
process.exit(failed ? 1 : 0)
