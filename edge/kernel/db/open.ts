import type { Config } from '../config.ts'
import type { Db } from './types.ts'

/**
 * The embedded engine's adapter, named so that no bundler follows it: an edge function always has
 * a database URL, so its bundle (deno bundle, Supabase's eszip) carries no PGlite. Loaded only
 * when there is no DATABASE_URL; Node (tsx), Deno and Vitest resolve it at run time.
 */
const PGLITE_ADAPTER = './pglite.ts'

/** PGlite in DATA_DIR by default; DATABASE_URL switches to a Postgres server. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'DATA_DIR'>, memory = false, snapshot?: Uint8Array): Promise<Db> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./postgres.ts')
    return openPostgres(config.databaseUrl)
  }
  const { openPglite } = (await import(/* @vite-ignore */ PGLITE_ADAPTER)) as typeof import('./pglite.ts')
  if (memory) return openPglite(undefined, snapshot)
  const { mkdir } = await import('node:fs/promises')
  await mkdir(config.DATA_DIR, { recursive: true })
  return openPglite(config.DATA_DIR)
}
