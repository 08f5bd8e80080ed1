import { mkdir } from 'node:fs/promises'
import { chromium } from 'playwright-core'
import { startServer } from './server.ts'
import { scenarios as members } from './members.e2e.ts'
import { scenarios as meetings } from './cell-meetings.e2e.ts'

const scenarios = { ...members, ...meetings }

/** Browser tests: Debian's chromium driven by playwright-core (no browser download). */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
await mkdir('e2e/artifacts', { recursive: true })
const server = await startServer('node')
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
let passed = 0
let failed = 0
for (const [name, scenario] of Object.entries(scenarios)) {
  const started = Date.now()
  try {
    await scenario(browser, server.url)
    passed++
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`)
  } catch (error) {
    failed++
    console.log(`  ✗ ${name}\n    ${(error as Error).stack?.split('\n').slice(0, 6).join('\n    ')}`)
  }
}
await browser.close()
await server.stop()
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
