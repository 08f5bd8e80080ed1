import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCsv } from '../edge/kernel/files/csv.ts'
import * as hostile from '../edge/kernel/files/hostile.fixtures.ts'
import { sniffDocument } from '../edge/kernel/files/sniff.ts'
import { readXlsx } from '../edge/kernel/files/xlsx.ts'
import { report, round, type Result } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * How long each hostile file of issue 8 takes to be refused by the parser the import (or an
 * upload's sniffing) calls, and how much the process's peak RSS grows meanwhile. Each file is
 * read in a fresh process so that one case's memory does not hide the next one's.
 */
const BUDGET_MS = BUDGET.hostileFileMs

const CASES: Record<string, { build: () => Uint8Array | string; note: string }> = {
  'xlsx-far-column': { build: hostile.farColumnXlsx, note: 'one cell named ZZZZZZ2' },
  'xlsx-lying-zip': { build: () => hostile.lyingXlsx(200_000_000, 1_000), note: 'sheet claims 1 KB, inflates to 200 MB' },
  'xlsx-lying-near-limit': { build: () => hostile.lyingXlsx(200_000_000, 99 * 1024 * 1024), note: 'sheet claims 99 MB (under the limit), inflates to 200 MB' },
  'xlsx-claims-200mb': { build: () => hostile.lyingXlsx(200_000_000, 200_000_000), note: 'sheet honestly claims 200 MB' },
  'xlsx-10k-columns': { build: () => hostile.wideXlsx(10_000), note: '10,000 columns' },
  'xlsx-too-many-rows': { build: () => hostile.tallXlsx(), note: '100,001 rows' },
  'xlsx-too-many-cells': { build: hostile.manyCellsXlsx, note: '10,001 rows of 200 empty cells' },
  'csv-10k-columns': { build: () => hostile.wideCsv(10_000), note: '10,000 columns' },
  'csv-too-many-rows': { build: () => hostile.tallCsv(), note: '100,001 rows' },
  'docx-lying-sniff': { build: hostile.lyingDocx, note: 'document.xml claims 1 KB, inflates to 200 MB; sniffing reads names only' },
}

/** Child: reads one file the way the app does and prints {ms, rssGrowth, answer}. */
function measure(name: string, file: string) {
  const bytes = new Uint8Array(readFileSync(file))
  ;(globalThis as { gc?: () => void }).gc?.()
  const rssBefore = process.memoryUsage().rss
  const started = performance.now()
  let answer: string
  try {
    if (name.startsWith('csv')) answer = `accepted ${parseCsv(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).length} rows`
    else if (name.startsWith('docx')) answer = `sniffed as ${sniffDocument(bytes)}`
    else answer = `accepted ${readXlsx(bytes).length} rows`
  } catch (error) {
    answer = (error as Error).message
  }
  const ms = performance.now() - started
  const rssGrowth = Math.max(0, process.resourceUsage().maxRSS * 1024 - rssBefore)
  console.log(JSON.stringify({ ms, rssGrowth, answer }))
}

if (process.argv[2] === '--case') {
  measure(process.argv[3], process.argv[4])
} else {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'))
  const results: Result[] = []
  try {
    for (const [name, { build, note }] of Object.entries(CASES)) {
      const content = build()
      const file = join(dir, name)
      writeFileSync(file, content)
      const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--case', name, file], { encoding: 'utf8' })
      if (run.status !== 0) throw new Error(`${name}: ${run.stderr}`)
      const { ms, rssGrowth, answer } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { ms: number; rssGrowth: number; answer: string }
      const refused = name.startsWith('docx') ? answer.includes('wordprocessingml') : !answer.startsWith('accepted')
      results.push({
        name: `hostile-${name}`,
        value: round(ms),
        unit: 'ms',
        budget: BUDGET_MS,
        ok: ms <= BUDGET_MS && refused,
        note: `${note} (${(content.length / 1024).toFixed(0)} KB): peak RSS +${(rssGrowth / 1024 / 1024).toFixed(0)} MB; "${answer}"`,
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  await report(results)
}
