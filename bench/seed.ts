import { boot } from '../edge/kernel/boot.ts'
import { ensureDatabase } from '../edge/kernel/db/admin.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { report, round } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * Seeding a nation's slice (1,000,000 members unless BENCH_SEED_MEMBERS says otherwise) into a
 * fresh database on the Postgres server, as `npm run seed` and the server-time bench do: wall
 * time from the empty migrated database to the analyzed seed, and this process's peak memory.
 * The database is dropped afterwards.
 */
const members = Number(process.env.BENCH_SEED_MEMBERS ?? 1_000_000)
const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const url = new URL(server)
url.pathname = '/sotay_bench_seed'
await ensureDatabase(url.toString(), { reset: true })
const runtime = await boot({ DATABASE_URL: url.toString(), SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent', DEMO: 'on' })
const started = performance.now()
await seedDemo(runtime.data, { members, password: 'bench-password-1' })
await runtime.data.asSystem('bench: planner statistics after the bulk load, as npm run seed does', (tx) => tx.exec('analyze'))
const seconds = round((performance.now() - started) / 1000)
await runtime.close()
await ensureDatabase(url.toString(), { reset: true, drop: true })
// maxRSS is in kilobytes: the peak of this whole process (Node, the seed's batches, the driver)
const peakMB = Math.round(process.resourceUsage().maxRSS / 1024)
const scale = members / 1_000_000
await report([
  {
    name: 'seed-1m-seconds',
    value: seconds,
    unit: 's',
    budget: round(BUDGET.seed1mSeconds * scale),
    ok: seconds <= BUDGET.seed1mSeconds * scale,
    note: `${members.toLocaleString('en')} members, Postgres server, analyzed`,
  },
  {
    name: 'seed-1m-peak-memory',
    value: peakMB,
    unit: 'MB',
    budget: BUDGET.seedMemoryMB,
    ok: peakMB <= BUDGET.seedMemoryMB,
    note: 'peak RSS of the seeding process',
  },
])
