import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { DEMO_PASSWORD, startServer } from '../e2e/server.ts'
import { report, type Result } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * Lighthouse (mobile, simulated slow 4G and a 4× slower CPU, as Lighthouse does by default) in
 * Debian's Chromium on the login page, home, a live meeting and the member list, each the median
 * of RUNS runs: the performance score, total blocking time and layout shift.
 */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3)
const server = await startServer('node')
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})

async function signIn(login: string): Promise<string> {
  const res = await fetch(`${server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password: DEMO_PASSWORD }),
  })
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
}

const member = await signIn('0901000004')
const secretary = await signIn('0901000003')
// a meeting of the member's cell that is under way, from the meeting list
const list = await (await fetch(`${server.url}/meetings`, { headers: { Cookie: member } })).text()
const meeting = /href="(\/meetings\/[0-9a-f-]{36})"/.exec(list)?.[1]

const pages: [string, string, string | null][] = [
  ['login', '/login', null],
  ['home', '/', member],
  ...(meeting ? [['meeting', meeting, member] as [string, string, string]] : []),
  ['member-list', '/members', secretary],
]

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const results: Result[] = []
for (const [name, path, cookie] of pages) {
  const scores: number[] = []
  const tbt: number[] = []
  const cls: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const run = await lighthouse(`${server.url}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      // the session stays: Lighthouse would otherwise clear the cookies it is handed
      disableStorageReset: true,
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    })
    const lhr = run!.lhr
    scores.push(Math.round((lhr.categories.performance.score ?? 0) * 100))
    tbt.push(Math.round(lhr.audits['total-blocking-time'].numericValue ?? 0))
    cls.push(Number((lhr.audits['cumulative-layout-shift'].numericValue ?? 0).toFixed(3)))
  }
  const score = median(scores)
  results.push({
    name: `lighthouse-${name}`,
    value: score,
    unit: 'score',
    budget: BUDGET.lighthouseScore,
    ok: score >= BUDGET.lighthouseScore && median(cls) <= BUDGET.lighthouseCls,
    note: `median of ${RUNS}: scores ${scores.join('/')}, TBT ${median(tbt)} ms, CLS ${median(cls)} (budget ≤ ${BUDGET.lighthouseCls})`,
  })
}
await report(results)
chrome.kill()
await server.stop()
