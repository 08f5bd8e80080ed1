import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { readConfig, processEnv } from '../edge/kernel/config.ts'
import { openDatabase } from '../edge/kernel/db/open.ts'
import { backup } from '../edge/kernel/db/backup.ts'

/**
 * npm run backup [-- <file>]: the whole database in one file (default backups/sotay-<date>-<time>.backup),
 * the one npm start uses (DATA_DIR, or DATABASE_URL with pg_dump on the PATH). On PGlite the server
 * must be stopped first (one process per data folder; it says so); on Postgres it runs beside it.
 */
const config = readConfig(processEnv())
const stamp = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')
const file = process.argv[2] ?? `backups/sotay-${stamp}.backup`
await mkdir(dirname(file), { recursive: true })
const db = await openDatabase(config).catch((error: Error) => {
  console.error(error.message)
  process.exit(1)
})
try {
  const manifest = await backup(db, file, config.databaseUrl)
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0)
  console.log(`Backup written: ${file} (${manifest.engine}, ${manifest.tables.length} tables, ${rows} rows, ${manifest.migrations.length} migrations)`)
} catch (error) {
  console.error((error as Error).message)
  process.exitCode = 1
} finally {
  await db.close()
}
