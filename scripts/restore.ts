import { readConfig, processEnv } from '../edge/kernel/config.ts'
import { restore } from '../edge/kernel/db/backup.ts'

/**
 * npm run restore -- <file>: brings a backup back into an empty database: a new DATA_DIR
 * (PGlite), or an empty database at DATABASE_URL (pg_restore on the PATH). Then every table is
 * checked against the backup's counts and checksums. The next npm start applies the migrations
 * this release has and the backup's did not.
 */
const file = process.argv[2]
if (!file) {
  console.error('usage: npm run restore -- <file.backup>   (into an empty DATA_DIR, or an empty database at DATABASE_URL)')
  process.exit(2)
}
const config = readConfig(processEnv())
const target = config.databaseUrl
  ? { url: config.databaseUrl, openPostgres: (await import('../edge/kernel/db/postgres.ts')).openPostgres }
  : { dataDir: config.DATA_DIR, openPglite: (await import('../edge/kernel/db/pglite.ts')).openPglite }
try {
  const manifest = await restore(file, target)
  console.log(`Restored ${file}: ${manifest.tables.length} tables, each with the rows and contents it had at ${manifest.taken_at}.`)
} catch (error) {
  console.error((error as Error).message)
  process.exitCode = 1
}
