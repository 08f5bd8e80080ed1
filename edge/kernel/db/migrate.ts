import { readdir, readFile } from 'node:fs/promises'
import type { Db } from './types.ts'

const SUPABASE_DIR = new URL('../../../supabase/', import.meta.url)
const LOCK_KEY = 7_270_301 // any constant shared by every process of this app

async function sqlFiles(folder: string): Promise<{ name: string; sql: string }[]> {
  const dir = new URL(`${folder}/`, SUPABASE_DIR)
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort()
  return Promise.all(names.map(async (name) => ({ name: `${folder}/${name}`, sql: await readFile(new URL(name, dir), 'utf8') })))
}

/**
 * Applies supabase/local (only where Supabase's own objects are missing) and then
 * supabase/migrations, each file once. One transaction under an advisory lock, so two
 * processes starting together never both migrate and a failed file leaves nothing half-done.
 */
export async function migrate(db: Db): Promise<string[]> {
  const local = await sqlFiles('local')
  const migrations = await sqlFiles('migrations')
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${LOCK_KEY})`)
    // as on Supabase, where migrations run with extensions on the search path
    await tx.query(`select set_config('search_path', 'public, extensions', true)`)
    await tx.query(`create schema if not exists migrations`)
    await tx.query(`create table if not exists migrations.applied (
      name text primary key, applied_at timestamptz not null default now())`)
    const done = new Set((await tx.query<{ name: string }>(`select name from migrations.applied`)).map((r) => r.name))
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
    }
    return pending.map((f) => f.name)
  })
}
