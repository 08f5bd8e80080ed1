import { spawnSync } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'

/**
 * npm run bench [-- <name>…] [-- --members 1000000]: runs each benchmark in its own process and prints the budgets.
 * server-time needs the Postgres server (BENCH_DATABASE_URL, default sotay_bench_<members>_<content key> on 127.0.0.1:5432, see bench/database.ts);
 * it seeds that many members there on first use (100,000 unless --members says otherwise) and reuses them.
 */
const ALL = [
  'page-weight',
  'import',
  'rollout',
  'fanout',
  'reminders',
  'server-time',
  'evaluations',
  'library',
  'seed',
  'hostile-files',
  'upload-stall',
  'lighthouse',
  'functions',
]
const args = process.argv.slice(2)
const membersAt = args.indexOf('--members')
const members = membersAt >= 0 ? args.splice(membersAt, 2)[1] : process.env.BENCH_MEMBERS
if (members !== undefined && !/^[1-9][0-9]{2,7}$/.test(members)) {
  console.error('--members must be a whole number from 100 to 99,999,999')
  process.exit(2)
}
const wanted = args.filter((a) => !a.startsWith('-'))
const chosen = wanted.length ? ALL.filter((n) => wanted.includes(n)) : ALL
if (!chosen.length) {
  console.error(`unknown benchmark; choose from: ${ALL.join(', ')}`)
  process.exit(2)
}
if (!wanted.length) await rm(new URL('./results.json', import.meta.url), { force: true })
const TIME_LIMIT = 15 * 60_000
// a benchmark that stops prints no figure: the run fails and says which stopped and why, rather than lose a row
const stopped: string[] = []
for (const name of chosen) {
  console.log(`\n--- ${name}`)
  const run = spawnSync('npx', ['tsx', `bench/${name}.ts`], {
    stdio: 'inherit',
    timeout: TIME_LIMIT,
    env: { ...process.env, ...(members ? { BENCH_MEMBERS: members } : {}), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() },
  })
  if (run.status === 0) continue
  const why = run.error
    ? `${run.error.message}${run.signal ? ` (${run.signal} after the ${TIME_LIMIT / 60_000}-minute limit)` : ''}`
    : run.signal
      ? `killed by ${run.signal}`
      : `exit code ${run.status}; its error is printed above`
  stopped.push(`${name}: ${why}`)
}
const results = JSON.parse(await readFile(new URL('./results.json', import.meta.url), 'utf8').catch(() => '[]')) as { name: string; ok: boolean }[]
const over = results.filter((r) => !r.ok).map((r) => r.name)
console.log(`\n${results.length} figures, ${over.length} over budget${over.length ? `: ${over.join(', ')}` : ''}`)
if (stopped.length) {
  console.error(`${stopped.length} benchmark(s) stopped before printing their figures:\n${stopped.map((s) => `  ${s}`).join('\n')}`)
  process.exit(1)
}
