import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Tests, fixtures, browser tests and benches must pass on any day at any hour (npm run check).
 *
 * The rule: a calendar date written into such a file (yyyy-mm-dd, or d/m/yyyy as offices type it)
 * that falls in 2025 or later is refused, unless a `// fixed date: <why>` comment stands on its
 * line or heads the block it is in. Write it from the clock instead: inDays(n) for a date, and
 * setClock(t, `${inDays(n)}T19:45:00+07:00`) for a time of day (test/support.ts).
 *
 * Why not "the file pins the clock": the test that broke on 1 December sat in a file that pinned
 * the clock in another test, and a clock pinned to a written-in instant goes stale the same way
 * (the forms still check against the real today). Why 2025: a date before it was nearly two years
 * past when this project began (November 2026), so no window the app enforces (letters within 30
 * working days, meetings within a year) can have admitted it then and refuse it later; birth
 * dates, admissions and roles that began long ago stay valid on every day. A date in 2025 or
 * later is either in the future, which passes, or recent, which ages out of some window.
 * The marker is for a pure function given its own instant (a planner, a date formatter).
 */
const ROOTS = ['edge', 'test', 'e2e', 'bench']
const CHECKED = /(\.test\.tsx?|\.support\.ts|\.fixtures\.ts)$/
const EVERY_FILE_UNDER = ['test/', 'e2e/', 'bench/']
const FIRST_RECENT_YEAR = 2025
// the app takes years up to 2100; a date beyond stays in the future on any day the suite will run
const NEVER_REACHED_YEAR = 2100
const MARKER = /\/\/ fixed date: \S/

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'artifacts') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (/\.tsx?$/.test(entry.name) && (CHECKED.test(entry.name) || EVERY_FILE_UNDER.some((root) => path.startsWith(root)))) yield path
  }
}

function isRecentDate(year: number, month: number, day: number): boolean {
  if (year < FIRST_RECENT_YEAR || year >= NEVER_REACHED_YEAR) return false
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Recent or future calendar dates written on a line (impossible dates such as 30/02 are test data, not dates). */
export function recentDates(line: string): string[] {
  const found: string[] = []
  for (const m of line.matchAll(/(?<![\d.])(\d{4})-(\d{2})-(\d{2})(?!\d)/g)) if (isRecentDate(Number(m[1]), Number(m[2]), Number(m[3]))) found.push(m[0])
  for (const m of line.matchAll(/(?<![\d./])(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?![\d./])/g))
    if (isRecentDate(Number(m[4]), Number(m[3]), Number(m[1]))) found.push(m[0])
  return [...new Set(found)]
}

const indent = (line: string) => line.length - line.trimStart().length

/** Lines covered by a marker: its own, and when it stands alone, the lines below it at its indentation or deeper, to a blank line. */
function coveredLines(lines: string[]): Set<number> {
  const covered = new Set<number>()
  lines.forEach((line, i) => {
    if (!MARKER.test(line)) return
    covered.add(i)
    if (!line.trimStart().startsWith('//')) return
    for (let j = i + 1; j < lines.length && lines[j].trim() !== '' && indent(lines[j]) >= indent(line); j++) covered.add(j)
  })
  return covered
}

const problems: string[] = []
for (const root of ROOTS) {
  for await (const file of files(root)) {
    const lines = (await readFile(file, 'utf8')).split('\n')
    const covered = coveredLines(lines)
    lines.forEach((line, i) => {
      if (covered.has(i)) return
      for (const date of recentDates(line))
        problems.push(`${file}:${i + 1}: ${date} is written in; compute it from the clock (inDays, setClock) or say "// fixed date: why"`)
    })
  }
}

if (problems.length) {
  console.error(`Date lint: ${problems.length} date(s) a test would outlive\n${problems.join('\n')}`)
  process.exit(1)
}
console.log('Date lint: no test depends on the day it runs')
