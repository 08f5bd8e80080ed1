/**
 * npm run test:invariants [-- --steps 100000] [--seed n]: the organization's invariant test
 * (edge/kernel/db/invariants.test.ts) on a longer random walk than `npm test` takes. Without
 * --seed a new one is drawn; it is printed first, and a failure names it with the step, so the
 * same walk can be replayed with --seed.
 */
import { spawnSync } from 'node:child_process'

const args = process.argv.slice(2)
const flag = (name: string) => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}
const steps = Number(flag('--steps') ?? 1000)
const seed = Number(flag('--seed') ?? Math.floor(Math.random() * 2 ** 31))
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run test:invariants -- [--steps n] [--seed n]')
  process.exit(2)
}
console.log(`invariants: seed ${seed}, ${steps} steps`)
const run = spawnSync('npx', ['vitest', 'run', 'edge/kernel/db/invariants.test.ts', '--testTimeout=0'], {
  stdio: 'inherit',
  env: { ...process.env, INVARIANT_STEPS: String(steps), INVARIANT_SEED: String(seed) },
})
if (run.status !== 0) console.error(`invariants failed: replay with npm run test:invariants -- --steps ${steps} --seed ${seed}`)
process.exit(run.status ?? 1)
