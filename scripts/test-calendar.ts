import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * npm run test:calendar [-- --at "2027-12-31 16:58:00"]… [-- vitest arguments]
 *
 * The whole suite with the system clock moved (libfaketime), on PGlite, which runs inside the
 * moved process so that the database's clock moves with it (a PostgreSQL server keeps its own).
 * By default: a year from today, five minutes after midnight in Hà Nội (17:05 UTC), when the
 * Vietnam date and the UTC date differ. Templates are seeded afresh under the moved clock, in a
 * temporary folder, as a clean checkout on that day would. Needs `faketime` (apt-get install faketime).
 */
const args = process.argv.slice(2)
const instants: string[] = []
for (let at = args.indexOf('--at'); at >= 0; at = args.indexOf('--at')) instants.push(args.splice(at, 2)[1])
if (!instants.length) {
  const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10)
  instants.push(`${nextYear} 17:05:00`)
}
if (spawnSync('faketime', ['--help'], { stdio: 'ignore' }).error) {
  console.error('test:calendar needs libfaketime: apt-get install faketime')
  process.exit(2)
}

const failed: string[] = []
for (const at of instants) {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(at)) {
    console.error(`--at takes "yyyy-mm-dd hh:mm:ss" (UTC), not ${at}`)
    process.exit(2)
  }
  const folder = mkdtempSync(join(tmpdir(), 'sotay-calendar-'))
  console.log(`\n=== npm test with the clock at ${at} UTC (${vietnam(at)} in Hà Nội), on PGlite`)
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', TMPDIR: folder }
  delete env.DATABASE_URL
  const run = spawnSync('faketime', [at, 'npx', 'vitest', 'run', ...args], { stdio: 'inherit', env })
  rmSync(folder, { recursive: true, force: true })
  if (run.status !== 0) failed.push(at)
}
if (failed.length) {
  console.error(`\nthe suite failed with the clock at: ${failed.join(', ')}`)
  process.exit(1)
}
console.log(`\nthe suite passed with the clock at: ${instants.join(', ')}`)

function vietnam(at: string): string {
  return new Date(Date.parse(`${at.replace(' ', 'T')}Z`) + 7 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}
