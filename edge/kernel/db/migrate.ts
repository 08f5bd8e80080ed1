import { readdir, readFile } from 'node:fs/promises'
import type { Db } from './types.ts'

const SUPABASE_DIR = new URL('../../../supabase/', import.meta.url)
const LOCK_KEY = 7_270_301 // any constant shared by every process of this app

async function sqlFiles(folder: string): Promise<{ name: string; sql: string }[]> {
  const dir = new URL(`${folder}/`, SUPABASE_DIR)
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort()
  return Promise.all(names.map(async (name) => ({ name: `${folder}/${name}`, sql: await readFile(new URL(name, dir), 'utf8') })))
}

/** `20261127100000_kernel.sql` → version and name as the Supabase CLI records them (its pattern: ^([0-9]+)_(.*)\.sql$). */
function cliVersion(fileName: string): { version: string; name: string } | undefined {
  const m = /^migrations\/([0-9]+)_(.*)\.sql$/.exec(fileName)
  return m ? { version: m[1], name: m[2] } : undefined
}

/**
 * Applies supabase/local (only where Supabase's own objects are missing) and then
 * supabase/migrations, each file once. One transaction under an advisory lock, so two
 * processes starting together never both migrate and a failed file leaves nothing half-done.
 *
 * Two records of what was applied agree: ours (`migrations.applied`, by file name) and the
 * Supabase CLI's (`supabase_migrations.schema_migrations`, by version, what `supabase db push`
 * reads and writes). A migration the CLI pushed counts as applied here (and is recorded here
 * too); a migration applied here is recorded for the CLI, whose table is created as the CLI
 * creates it, so a later `supabase db push` finds nothing to do.
 */
export async function migrate(db: Db, options: { through?: string } = {}): Promise<string[]> {
  const local = await sqlFiles('local')
  // `through`: a database as an earlier release left it (its migrations up to that version), for the upgrade test
  const migrations = (await sqlFiles('migrations')).filter((f) => !options.through || (cliVersion(f.name)?.version ?? '') <= options.through!)
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${LOCK_KEY})`)
    // as on Supabase, where migrations run with extensions on the search path
    await tx.query(`select set_config('search_path', 'public, extensions', true)`)
    await tx.query(`create schema if not exists migrations`)
    await tx.query(`create table if not exists migrations.applied (
      name text primary key, applied_at timestamptz not null default now())`)
    // the Supabase CLI's history table, created with the CLI's own statements (supabase/cli: pkg/migration/history.go)
    await tx.query(`create schema if not exists supabase_migrations`)
    await tx.query(`create table if not exists supabase_migrations.schema_migrations (version text not null primary key)`)
    await tx.query(`alter table supabase_migrations.schema_migrations add column if not exists statements text[]`)
    await tx.query(`alter table supabase_migrations.schema_migrations add column if not exists name text`)
    const done = new Set((await tx.query<{ name: string }>(`select name from migrations.applied`)).map((r) => r.name))
    const pushed = new Set((await tx.query<{ version: string }>(`select version from supabase_migrations.schema_migrations`)).map((r) => r.version))
    for (const file of migrations) {
      const cli = cliVersion(file.name)
      if (cli && pushed.has(cli.version) && !done.has(file.name)) {
        await tx.query(`insert into migrations.applied (name) values ($1)`, [file.name])
        done.add(file.name)
      }
    }
    const [{ on_supabase }] = await tx.query<{ on_supabase: boolean }>(
      `select exists (select 1 from pg_namespace where nspname = 'supabase_functions') or
              exists (select 1 from pg_roles where rolname = 'supabase_admin') as on_supabase`,
    )
    const pending = [...(on_supabase ? [] : local), ...migrations].filter((f) => !done.has(f.name))
    for (const file of pending) {
      try {
        await tx.exec(file.sql)
      } catch (error) {
        throw new Error(`migration ${file.name} failed: ${(error as Error).message}`)
      }
      await tx.query(`insert into migrations.applied (name) values ($1)`, [file.name])
      const cli = cliVersion(file.name)
      if (cli) {
        await tx.query(
          `insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, array[$3::text])
             on conflict (version) do nothing`,
          [cli.version, cli.name, file.sql],
        )
      }
    }
    // applied here before this record existed (or before an upgrade): the CLI learns of them too
    for (const file of migrations) {
      const cli = cliVersion(file.name)
      if (cli && done.has(file.name) && !pushed.has(cli.version)) {
        await tx.query(
          `insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, array[$3::text])
             on conflict (version) do nothing`,
          [cli.version, cli.name, file.sql],
        )
      }
    }
    return pending.map((f) => f.name)
  })
}
