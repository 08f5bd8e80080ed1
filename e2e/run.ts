import { mkdir } from 'node:fs/promises'
import { chromium } from 'playwright-core'
import { startServer } from './server.ts'
import { scenarios as members } from './members.e2e.ts'
import { scenarios as meetings } from './cell-meetings.e2e.ts'
import { scenarios as tasks } from './tasks.e2e.ts'
import { scenarios as layout } from './layout.e2e.ts'
import { scenarios as sessions } from './sessions.e2e.ts'
import { scenarios as orgTree } from './org-tree.e2e.ts'
import { scenarios as activation } from './activation.e2e.ts'
import { scenarios as evaluations } from './evaluations.e2e.ts'
import { scenarios as transfers } from './transfers.e2e.ts'
import { scenarios as offline } from './offline.e2e.ts'
import { scenarios as exams } from './exams.e2e.ts'

const scenarios = { ...members, ...meetings, ...tasks, ...layout, ...sessions, ...orgTree, ...activation, ...evaluations, ...transfers, ...offline, ...exams }

/** Browser tests: Debian's chromium driven by playwright-core (no browser download). */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
await mkdir('e2e/artifacts', { recursive: true })
let server = await startServer('node')
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
let passed = 0
let failed = 0
const describe = (error: unknown) => (error as Error).stack?.split('\n').slice(0, 6).join('\n    ')
// E2E_ONLY=<part of a name> runs the matching scenarios only (while working on one)
const only = process.env.E2E_ONLY
for (const [name, scenario] of Object.entries(scenarios).filter(([name]) => !only || name.includes(only))) {
  const started = Date.now()
  try {
    await scenario(browser, server.url)
    passed++
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`)
    continue
  } catch (error) {
    // Seen once in CI and never reproduced: the server answered 500 for every page after the
    // first scenario. Show everything, then retry once on a fresh server so one bad state
    // does not hide the other scenarios; a second failure fails the run.
    console.log(`  ! ${name} failed once:\n    ${describe(error)}\n--- server output (last 4000 characters)\n${server.output().slice(-4000)}\n---`)
  }
  await server.stop()
  server = await startServer('node')
  try {
    await scenario(browser, server.url)
    passed++
    console.log(`  ✓ ${name} (passed on a retry with a fresh server: see the output above)`)
  } catch (error) {
    failed++
    console.log(`  ✗ ${name}\n    ${describe(error)}\n--- server output\n${server.output().slice(-4000)}\n---`)
  }
}
await browser.close()
await server.stop()
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
