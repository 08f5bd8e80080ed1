import { ensureDatabase } from '../edge/kernel/db/admin.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'

/**
 * npm run seed -- --members 100000 [--database postgres://…/sotay_bench] [--reset]
 * Fills a database (created if missing) with a province-sized demo tree.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

const members = Number(arg('members') ?? 1000)
if (!Number.isInteger(members) || members < 10 || members > 6_000_000) {
  console.error('--members must be an integer between 10 and 6,000,000')
  process.exit(2)
}
const url = arg('database') ?? process.env.DATABASE_URL
if (url) await ensureDatabase(url, { reset: process.argv.includes('--reset') })
const started = Date.now()
const runtime = await boot({ ...process.env, DATABASE_URL: url, DEMO: 'on' })
const logins = await seedDemo(runtime.data, { members, password: process.env.DEMO_PASSWORD })
if (url) {
  await runtime.data.asSystem('seed: refresh planner statistics after a bulk load', (tx) => tx.exec('analyze'))
}
await runtime.close()
console.log(
  logins
    ? `Seeded ${members.toLocaleString('en')} members in ${((Date.now() - started) / 1000).toFixed(1)} s.`
    : 'The database already has organizations: nothing seeded (use --reset).',
)
if (logins) for (const l of logins) console.log(`  ${l.login.padEnd(12)} ${l.password ?? '(DEMO_PASSWORD)'}  ${l.role}`)
