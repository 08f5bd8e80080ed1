import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/*
 * Property: on random trees, every subtotal of the registration report is the sum of its rows,
 * the whole scope is the sum of its rows, and both equal a count made without the report's query;
 * an organization outside the viewer's scope never appears.
 */

let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 300 })
})
afterAll(() => t?.close())

function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const CHILD_KINDS: Record<string, string[]> = {
  province_committee: ['commune_committee', 'grassroots_committee', 'grassroots_cell'],
  commune_committee: ['grassroots_committee', 'grassroots_cell'],
  grassroots_committee: ['sub_committee', 'cell'],
  sub_committee: ['cell'],
  grassroots_cell: ['party_group'],
  cell: ['party_group'],
  party_group: [],
}

interface Org {
  id: string
  path: string
  kind: string
}

/** Builds a random subtree under `parent` through SQL on the system path, with members, accounts and sign-ins. */
async function randomTree(rand: () => number, parent: Org, label: string, width: number): Promise<Org[]> {
  const orgs: Org[] = []
  const int = (n: number) => Math.floor(rand() * n)
  await t.runtime.data.asSystem('test: build a random organization tree', async (tx) => {
    const grow = async (p: Org, depth: number, breadth: number) => {
      const kinds = CHILD_KINDS[p.kind]
      if (!kinds.length || depth > 3) return
      const count = depth === 1 ? breadth : int(4)
      for (let i = 0; i < count; i++) {
        const kind = kinds[int(kinds.length)]
        const code = `${label.toLowerCase()}_${depth}_${i}_${int(1e6)}`
        const [o] = await tx.query<Org>(
          `insert into public.organizations (parent_id, code, name, kind) values ($1, $2, $3, $4) returning id, path::text as path, kind`,
          [p.id, code, `${label} ${depth}.${i} ${code}`, kind],
        )
        orgs.push(o)
        await grow(o, depth + 1, 0)
      }
    }
    await grow(parent, 1, width)
    const ids: string[] = []
    const orgIds: string[] = []
    const gone: boolean[] = []
    const users: string[] = []
    const userMembers: string[] = []
    const days: (number | null)[] = []
    for (const o of [parent, ...orgs]) {
      for (let k = int(7); k > 0; k--) {
        const id = crypto.randomUUID()
        ids.push(id)
        orgIds.push(o.id)
        gone.push(rand() < 0.1)
        if (rand() < 0.6) {
          users.push(crypto.randomUUID())
          userMembers.push(id)
          // never within a day of the 30-day edge: the count below does not depend on the report's rounding to Vietnam days
          days.push(rand() < 0.2 ? null : rand() < 0.6 ? int(28) : 32 + int(60))
        }
      }
    }
    await tx.query(
      // booleans as text: postgres.js sends a boolean array as one boolean
      `insert into public.members (id, org_id, full_name, left_on)
       select id, org_id, 'Đảng viên thử', case when gone::boolean then app.today() end
         from unnest($1::uuid[], $2::uuid[], $3::text[]) as x(id, org_id, gone)`,
      [ids, orgIds, gone.map(String)],
    )
    await tx.query(`insert into auth.users (id) select unnest($1::uuid[])`, [users])
    await tx.query(
      `insert into public.accounts (user_id, member_id, last_sign_in_at)
       select u, m, case when d is not null then now() - d * interval '1 day' end
         from unnest($1::uuid[], $2::uuid[], $3::int[]) as x(u, m, d)`,
      [users, userMembers, days],
    )
  })
  return orgs
}

async function counted(orgId: string) {
  return t.runtime.data.asSystem('test: count registrations independently', async (tx) => {
    const [row] = await tx.query<{ members: number; registered: number; active: number }>(
      `select count(*)::int as members, count(m.registered_at)::int as registered,
              count(*) filter (where a.last_sign_in_at > now() - interval '30 days')::int as active
         from public.members m
         join public.organizations o on o.id = m.org_id
         join public.organizations top on top.id = $1
         left join public.accounts a on a.member_id = m.id
        where o.path <@ top.path and m.deceased_on is null and m.left_on is null`,
      [orgId],
    )
    return row
  })
}

interface Parsed {
  attrs: Record<string, string>
  members: number
  registered: number
  rate: string
  active: number
}

function parse(html: string): Parsed[] {
  const num = (s: string) => Number(s.replace(/\./g, ''))
  return [...html.matchAll(/<tr( data-[^>]*)>(.*?)<\/tr>/gs)].map((m) => {
    const attrs = Object.fromEntries([...m[1].matchAll(/data-([a-z]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]))
    const cells = [...m[2].matchAll(/<td class="num">([^<]*)<\/td>/g)].map((c) => c[1])
    return { attrs, members: num(cells[0]), registered: num(cells[1]), rate: cells[2], active: num(cells[3]) }
  })
}

function sum(rows: Parsed[]) {
  return rows.reduce((s, r) => ({ members: s.members + r.members, registered: s.registered + r.registered, active: s.active + r.active }), {
    members: 0,
    registered: 0,
    active: 0,
  })
}

const pick = (r: Parsed) => ({ members: r.members, registered: r.registered, active: r.active })

/** What the random trees exercised, so a generator that stops producing some case is noticed. */
const seen = { direct: 0, severalKinds: 0, active: 0, inactiveRegistered: 0 }

/** Checks one report page; returns the child rows' ids. */
async function checkReport(html: string, orgId: string): Promise<string[]> {
  const rows = parse(html)
  const children = rows.filter((r) => r.attrs.org)
  const direct = rows.filter((r) => 'direct' in r.attrs)
  const subtotals = rows.filter((r) => r.attrs.subtotal)
  const [total] = rows.filter((r) => 'total' in r.attrs)
  if (!children.length) return []
  if (direct.length) seen.direct++
  if (subtotals.length > 1) seen.severalKinds++
  if (total.active > 0) seen.active++
  if (total.registered > total.active) seen.inactiveRegistered++
  expect(pick(total)).toEqual(sum([...children, ...direct]))
  expect(pick(total)).toEqual(await counted(orgId))
  expect(sum([...subtotals, ...direct])).toEqual(pick(total))
  for (const s of subtotals) expect(pick(s)).toEqual(sum(children.filter((c) => c.attrs.kind === s.attrs.subtotal)))
  expect(new Set(subtotals.map((s) => s.attrs.subtotal))).toEqual(new Set(children.map((c) => c.attrs.kind)))
  for (const r of rows) {
    const expected = r.members ? `${((r.registered / r.members) * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%` : '—'
    expect(r.rate).toBe(expected)
    expect(r.registered).toBeLessThanOrEqual(r.members)
    expect(r.active).toBeLessThanOrEqual(r.registered)
  }
  return children.map((c) => c.attrs.org)
}

describe('registration subtotals', () => {
  it('every subtotal equals the sum of its rows, and the whole scope the sum of all rows, on random trees', { timeout: 120_000 }, async () => {
    const admin = await t.signIn(LOGINS.admin)
    const staff = await t.signIn(LOGINS.staff)
    const province = { id: await orgIdByPath(t, 'ns'), path: 'ns', kind: 'province_committee' }
    const city = { id: await orgIdByPath(t, 'ns.tp1'), path: 'ns.tp1', kind: 'commune_committee' }
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const rand = mulberry32(seed)
      // a random commune outside the city staff's scope, and random grassroots bodies inside it
      const [outsideRoot] = await t.runtime.data.asSystem('test: an organization outside the city', (tx) =>
        tx.query<Org>(
          `insert into public.organizations (parent_id, code, name, kind) values ($1, $2, $3, 'commune_committee') returning id, path::text as path, kind`,
          [province.id, `ngoai_${seed}`, `Ngoài ${seed} gốc`],
        ),
      )
      const outside = [outsideRoot, ...(await randomTree(rand, outsideRoot, `Ngoai${seed}`, 2 + Math.floor(rand() * 5)))]
      await randomTree(rand, city, `Trong${seed}`, 1 + Math.floor(rand() * 3))

      const adminHtml = await (await admin.get(`/reports/registration?org=${outsideRoot.id}`)).text()
      for (const child of await checkReport(adminHtml, outsideRoot.id)) {
        const html = await (await admin.get(`/reports/registration?org=${child}`)).text()
        await checkReport(html, child)
      }

      const staffHtml = await (await staff.get(`/reports/registration?org=${city.id}`)).text()
      expect(staffHtml).toContain(`Trong${seed}`)
      expect(staffHtml).not.toContain('Ngoài')
      expect(staffHtml).not.toContain('Ngoai')
      for (const child of await checkReport(staffHtml, city.id)) {
        const html = await (await staff.get(`/reports/registration?org=${child}`)).text()
        expect(html).not.toContain('Ngoai')
        await checkReport(html, child)
      }
      for (const o of outside) expect((await staff.get(`/reports/registration?org=${o.id}`)).status).toBe(404)
      // the counting function checks the scope itself: called directly, it tells nothing outside
      const direct = await t.runtime.data.withUser(await claimsOf(t, LOGINS.staff), (tx) =>
        tx.query(`select * from app.registration_counts($1)`, [outsideRoot.id]),
      )
      expect(direct).toEqual([])
    }
    expect(seen.direct).toBeGreaterThan(0)
    expect(seen.severalKinds).toBeGreaterThan(0)
    expect(seen.active).toBeGreaterThan(0)
    expect(seen.inactiveRegistered).toBeGreaterThan(0)
  })
})
