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
  const release = await lockFolder(config.DATA_DIR)
  const db = await openPglite(config.DATA_DIR, snapshot).catch(async (error) => {
    await release()
    throw error
  })
  return { ...db, close: () => db.close().finally(release) }
}

/**
 * One process per data folder: PGlite has no server to arbitrate, and a second process writing
 * the same files (npm start twice, or npm run backup beside a running server) corrupts them.
 * The folder's lock file names the process holding it; a lock of a process that is gone is taken over.
 */
async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const { open, readFile, rm } = await import('node:fs/promises')
  const { default: process } = await import('node:process')
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch (error) {
      return (error as { code?: string }).code === 'EPERM'
    }
  }
  const file = `${dir}/sotay.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx')
      await handle.write(String(process.pid))
      await handle.close()
      return () => rm(file, { force: true })
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
      const pid = Number(await readFile(file, 'utf8').catch(() => ''))
      if (pid && pid !== process.pid && alive(pid)) {
        throw new Error(`${dir} is in use by process ${pid} (a running server?): stop it first, one process per data folder`)
      }
      await rm(file, { force: true })
    }
  }
  throw new Error(`${dir}: could not take its lock`)
}
