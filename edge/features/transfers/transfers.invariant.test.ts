import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, mulberry32, testApp, type TestApp } from '../../../test/support.ts'
import { registerCounts, TABS, type Tab } from './transfers.queries.ts'
import { fixtures } from './transfers.support.ts'

/*
 * The transit invariant, by random walks: random sequences of transfer steps, refusals and
 * returns, by random people (the right side, the wrong side, outsiders), each checked against a
 * model of the rules. After every step: each member is at home in exactly the cell the model says
 * or in transit on exactly one letter, never both and never neither, and every register's counts
 * (pending, in transit, overdue, in, out, temporary, all) equal the model's.
 * The generator is a small seeded PRNG (mulberry32): a failure prints its seed and step, and
 * replays exactly.
 */

const CELLS = { A: 'ns.tp1.g1.c1', B: 'ns.tp1.g1.c2', C: 'ns.tp1.g2.c1' } as const
type Cell = keyof typeof CELLS
const SCOPES = ['ns.tp1', 'ns.tp1.g1', 'ns.tp1.g1.c1', 'ns.tp1.g2.c1'] as const

type Status = 'requested' | 'confirmed' | 'issued' | 'accepted' | 'refused'
interface Model {
  id: string
  member: number
  from: Cell
  to: Cell
  status: Status
  issuer: string | null // path of the issuing committee
  receivingParty: boolean
  deadline?: string
}

interface Actor {
  name: string
  login: string
  manages: string[] // roots of the managed scope (paths)
  committees: string[] // roots held through committee roles (those issue letters)
  member?: number
}

const within = (path: string, root: string) => path === root || path.startsWith(`${root}.`)

let t: TestApp
let f: ReturnType<typeof fixtures>
const people: { id: string; login: string }[] = []
let actors: Actor[] = []
let sawOverdue = false

beforeAll(async () => {
  t = await testApp({ members: 120 })
  f = fixtures(t)
  const homes: Cell[] = ['A', 'A', 'A', 'B', 'B', 'C']
  for (const [i, cell] of homes.entries()) people.push(await f.person(CELLS[cell], `Ngẫu Nhiên ${i}`))
  const secB = await f.person(CELLS.B, 'Bí Thư B', { path: CELLS.B, role: 'secretary' })
  const secC = await f.person(CELLS.C, 'Bí Thư C', { path: CELLS.C, role: 'secretary' })
  const outsider = await f.person('ns.tp1.g4.c1', 'Người Ngoài', { path: 'ns.tp1.g4.c1', role: 'secretary' })
  actors = [
    { name: 'cell A secretary', login: LOGINS.cellSecretary, manages: [CELLS.A], committees: [] },
    { name: 'cell B secretary', login: secB.login, manages: [CELLS.B], committees: [] },
    { name: 'cell C secretary', login: secC.login, manages: [CELLS.C], committees: [] },
    { name: 'ward g1 secretary', login: LOGINS.grassroots, manages: ['ns.tp1.g1'], committees: ['ns.tp1.g1'] },
    { name: 'city staff', login: LOGINS.staff, manages: ['ns.tp1'], committees: ['ns.tp1'] },
    { name: 'outsider', login: outsider.login, manages: ['ns.tp1.g4.c1'], committees: [] },
    ...people.map((p, i) => ({ name: `member ${i}`, login: p.login, manages: [], committees: [], member: i })),
  ]
})
afterAll(() => t?.close())

const managesCell = (a: Actor, cell: Cell) => a.manages.some((root) => within(CELLS[cell], root))
/** The committee the actor issues through for a cell: the nearest committee root strictly above it. */
const issuerFor = (a: Actor, cell: Cell) =>
  a.committees.filter((root) => within(CELLS[cell], root) && root !== CELLS[cell]).sort((x, y) => y.length - x.length)[0] ?? null

/** May `a` refuse or return this transfer now (whose turn is it)? */
function hasTurn(a: Actor, m: Model): boolean {
  if (m.status === 'requested') return a.member === m.member || managesCell(a, m.from)
  if (m.status === 'confirmed') return issuerFor(a, m.from) !== null
  if (m.status === 'issued')
    return managesCell(a, m.to) || (m.issuer !== null && a.manages.some((root) => within(m.issuer!, root)) && issuerFor(a, m.from) !== null)
  return false
}

function expectedCounts(models: Model[], scope: string, today: string): Record<Tab, number> {
  const counts = Object.fromEntries(TABS.map((tab) => [tab, 0])) as Record<Tab, number>
  for (const m of models) {
    const sending = within(CELLS[m.from], scope)
    const receiving = m.receivingParty && within(CELLS[m.to], scope)
    if (!sending && !receiving) continue
    counts.all++
    if (m.status === 'requested' || m.status === 'confirmed') counts.pending++
    if (m.status === 'issued') counts.transit++
    if (m.status === 'issued' && m.deadline! < today) counts.overdue++
    if (m.status === 'accepted' && receiving && !sending) counts.in++
    if (m.status === 'accepted' && sending && !receiving) counts.out++
  }
  return counts
}

async function walk(seed: number, steps: number) {
  const rand = mulberry32(seed)
  const taken: Record<string, number> = {}
  // the database's clock moves forward now and then, so letters lapse and become overdue
  let shift = 0
  let today = (await f.system(`select app.today()::text as d`))[0].d as string
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]
  // each walk starts from where the members are now
  const homes: Cell[] = []
  for (const p of people) {
    const [{ path }] = await f.system(`select o.path::text as path from public.members m join public.organizations o on o.id = m.org_id where m.id = $1`, [
      p.id,
    ])
    homes.push((Object.keys(CELLS) as Cell[]).find((c) => CELLS[c] === path)!)
  }
  const models: Model[] = []
  // transfers of earlier walks are closed by then (each walk ends by closing its open ones) but still counted
  const earlier = await f.system(
    `select t.id, t.status, fo.path::text as from_path, tot.path::text as to_path,
            exists (select 1 from public.transfer_parties p where p.transfer_id = t.id and p.side = 'receiving') as receiving
       from public.transfers t join public.organizations fo on fo.id = t.from_org_id join public.organizations tot on tot.id = t.to_org_id`,
  )
  const cellOf = (path: string) => (Object.keys(CELLS) as Cell[]).find((c) => CELLS[c] === path)!
  for (const e of earlier)
    models.push({ id: e.id, member: -1, from: cellOf(e.from_path), to: cellOf(e.to_path), status: e.status, issuer: null, receivingParty: e.receiving })

  for (let n = 0; n < steps; n++) {
    const open = models.filter((m) => m.member >= 0 && ['requested', 'confirmed', 'issued'].includes(m.status))
    /** Mostly someone entitled (so walks get far), sometimes anyone (so the wrong side is tried often). */
    const chooseActor = (entitled: (a: Actor) => boolean) => {
      const right = actors.filter(entitled)
      return right.length && rand() < 0.6 ? pick(right) : pick(actors)
    }
    if (rand() < 0.06) {
      shift += 25 + Math.floor(rand() * 40)
      await f.setClock(new Date(Date.now() + shift * 86_400_000).toISOString())
      today = (await f.system(`select app.today()::text as d`))[0].d
      await checkInvariant(`seed ${seed}, step ${n}: ${shift} days later`, homes, models, today)
    } else if (open.length === 0 || rand() < 0.2) {
      const member = Math.floor(rand() * people.length)
      const to = pick(Object.keys(CELLS) as Cell[])
      const actor = chooseActor((a) => a.member === member || managesCell(a, homes[member]))
      const where = `seed ${seed}, step ${n}: ${actor.name} request for member ${member} to ${to}`
      const allowed =
        (actor.member === member || managesCell(actor, homes[member])) &&
        to !== homes[member] &&
        !models.some((m) => m.member === member && ['requested', 'confirmed', 'issued'].includes(m.status))
      const result = await f
        .as(actor.login, `select public.transfer_request($1, 'permanent', $2, null, 'ngẫu nhiên') as id`, [people[member].id, await f.orgId(CELLS[to])])
        .then(
          (rows) => ({ ok: true as const, id: rows[0].id as string }),
          (error) => ({ ok: false as const, code: (error as { code?: string }).code }),
        )
      expect(result.ok, where).toBe(allowed)
      if (result.ok) taken.request = (taken.request ?? 0) + 1
      if (result.ok) models.push({ id: result.id, member, from: homes[member], to, status: 'requested', issuer: null, receivingParty: false })
      await checkInvariant(where, homes, models, today)
    } else {
      const m = pick(open)
      const next = { requested: 'confirm', confirmed: 'issue', issued: 'accept' }[m.status as 'requested'] as 'confirm' | 'issue' | 'accept'
      const r = rand()
      const action = r < 0.6 ? next : r < 0.8 ? 'return' : r < 0.9 ? 'refuse' : pick(['confirm', 'issue', 'accept'] as const)
      const allowedFor = (a: Actor): boolean => {
        if (action === 'confirm') return m.status === 'requested' && managesCell(a, m.from)
        if (action === 'issue') return m.status === 'confirmed' && issuerFor(a, m.from) !== null
        if (action === 'accept') return m.status === 'issued' && managesCell(a, m.to) && today <= m.deadline!
        if (action === 'refuse') return hasTurn(a, m)
        return (m.status === 'confirmed' || m.status === 'issued') && hasTurn(a, m)
      }
      const actor = chooseActor(allowedFor)
      const allowed = allowedFor(actor)
      const where = `seed ${seed}, step ${n}: ${actor.name} ${action}`
      const sql = {
        confirm: `select public.transfer_confirm($1, date_trunc('month', app.today())::date, true)`,
        issue: `select public.transfer_issue($1, 'S-${n}', app.today())`,
        accept: `select public.transfer_accept($1)`,
        refuse: `select public.transfer_refuse($1, 'lý do')`,
        return: `select public.transfer_return($1, 'lý do')`,
      }[action]
      const code = await f.outcome(actor.login, sql, [m.id])
      expect(code === 'ok', `${where} (${m.status}, ${m.from}→${m.to}): ${code}`).toBe(allowed)
      if (actor.name === 'outsider') expect(code, where).toBe('42501')
      if (allowed) {
        taken[action] = (taken[action] ?? 0) + 1
        if (action === 'confirm') m.status = 'confirmed'
        if (action === 'issue') {
          const [{ deadline }] = await f.system(`select deadline::text from public.transfers where id = $1`, [m.id])
          Object.assign(m, { status: 'issued', issuer: issuerFor(actor, m.from), receivingParty: true, deadline })
        }
        if (action === 'accept') {
          m.status = 'accepted'
          homes[m.member] = m.to
        }
        if (action === 'refuse') m.status = 'refused'
        if (action === 'return') {
          if (m.status === 'issued') Object.assign(m, { status: 'confirmed', receivingParty: false })
          else m.status = 'requested'
        }
      }
      await checkInvariant(where, homes, models, today)
    }
  }
  // close what is still open, so the next walk starts from homes only
  for (const m of models.filter((x) => x.member >= 0 && ['requested', 'confirmed', 'issued'].includes(x.status))) {
    await f.system(`update public.transfers set status = 'refused', refusal = 'hết lượt' where id = $1`, [m.id])
    m.status = 'refused'
  }
  await f.setClock(null)
  return taken
}

async function checkInvariant(where: string, homes: Cell[], models: Model[], today: string) {
  const rows = await f.system(
    `select m.id, o.path::text as home,
            (select count(*)::int from public.transfers t where t.member_id = m.id and t.kind = 'permanent' and t.status = 'issued') as transit
       from public.members m join public.organizations o on o.id = m.org_id where m.id = any ($1::uuid[])`,
    [people.map((p) => p.id)],
  )
  for (const [i, p] of people.entries()) {
    const row = rows.find((r) => r.id === p.id)
    const inTransit = models.some((m) => m.member === i && m.status === 'issued')
    // exactly one home cell (the model's), and in transit on at most one letter, as the model says
    expect(row?.home, `${where}: member ${i}'s home`).toBe(CELLS[homes[i]])
    expect(row?.transit, `${where}: member ${i} in transit`).toBe(inTransit ? 1 : 0)
  }
  const claims = await claimsOf(t, LOGINS.staff)
  for (const scope of SCOPES) {
    const counts = await t.runtime.data.withUser(claims, (tx) => registerCounts(tx, scope))
    if (counts.overdue > 0) sawOverdue = true
    expect(counts, `${where}: register of ${scope}`).toEqual(expectedCounts(models, scope, today))
  }
}

describe('the transit invariant under random steps', () => {
  const everything: Record<string, number> = {}
  for (const seed of [1, 2026, 424242, 7]) {
    it(`seed ${seed}: every member has exactly one home cell or is in transit, and the registers count it`, async () => {
      for (const [step, n] of Object.entries(await walk(seed, 80))) everything[step] = (everything[step] ?? 0) + n
    })
  }

  it('the walks got far: every kind of step succeeded, and some letter went overdue', () => {
    for (const step of ['request', 'confirm', 'issue', 'accept', 'refuse', 'return']) expect(everything[step], step).toBeGreaterThan(0)
    expect(sawOverdue).toBe(true)
  })
})
