import { writeFile, readFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import type { Tx } from '../edge/kernel/db/types.ts'

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

/** A staff member of the province office (ns.tp1.vp) given exactly the province's role, none other: the single-role province user of the budgets. Returns his/her user id. */
export async function singleRoleProvinceStaff(tx: Tx): Promise<string> {
  const [m] = await tx.query<{ user_id: string; member_id: string }>(
    `select a.user_id, a.member_id from public.accounts a join public.members m on m.id = a.member_id
      where m.org_path = 'ns.tp1.vp'
        and not exists (select 1 from public.org_roles r join public.organizations o on o.id = r.org_id
                         where r.member_id = m.id and o.path::text <> 'ns')
      order by m.card_number limit 1`,
  )
  await tx.query(
    `insert into public.org_roles (org_id, member_id, role)
     select o.id, $1, 'staff' from public.organizations o
      where o.path = 'ns' and not exists (select 1 from public.org_roles r where r.org_id = o.id and r.member_id = $1)`,
    [m.member_id],
  )
  return m.user_id
}
