import { writeFile, readFile } from 'node:fs/promises'
import { loadavg } from 'node:os'

export interface Result {
  name: string
  value: number
  unit: string
  budget: number
  ok: boolean
  note?: string
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(5, n); i++) await fn() // warm caches and prepared statements
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn()
    out.push(performance.now() - t0)
  }
  return out
}

/**
 * Times two ways of doing the same thing in turns of 25 runs each, so that a change in the
 * machine's load falls on both alike. Not one by one: the two may share statements planned for
 * different roles (a plan made under RLS is made again when the role changes), which no user pays.
 */
export async function timeInTurns(n: number, a: () => Promise<unknown>, b: () => Promise<unknown>, turn = 25): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []]
  for (let done = 0; done < n; done += turn) {
    for (const [k, fn] of [a, b].entries()) times[k].push(...(await timeIt(Math.min(turn, n - done), fn)))
  }
  return times
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits

/** Appends to bench/results.json (replacing results of the same name) and prints a table. */
export async function report(results: Result[]) {
  const file = new URL('./results.json', import.meta.url)
  let all: Result[] = []
  try {
    all = JSON.parse(await readFile(file, 'utf8'))
  } catch {
    all = []
  }
  const names = new Set(results.map((r) => r.name))
  all = [...all.filter((r) => !names.has(r.name)), ...results]
  await writeFile(file, `${JSON.stringify(all, null, 2)}\n`)
  console.table(results.map((r) => ({ name: r.name, value: r.value, unit: r.unit, budget: r.budget, ok: r.ok ? 'ok' : 'OVER', note: r.note ?? '' })))
  // a figure taken on a busy machine is no figure: say how busy it was
  console.log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  )
}
