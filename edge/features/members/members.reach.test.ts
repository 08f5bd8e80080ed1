import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, memberIdOf, testApp, type TestApp } from '../../../test/support.ts'
import { listMembers, PAGE_SIZE } from './members.queries.ts'

/*
 * The member list reaches its rows by organization ids, a key range or an ordered walk
 * (members.queries.ts: reachOf). However it gets there, a list narrowed to a branch must show
 * exactly what the user could read under RLS in that branch, and a page exactly those rows.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp()
  // a member who also manages two wards side by side: a scope of two roots (not his/her own ward)
  const memberId = await memberIdOf(t, LOGINS.member)
  await t.runtime.data.asSystem('test: a member who manages two wards apart', (tx) =>
    tx.query(
      `insert into public.org_roles (org_id, member_id, role)
       select o.id, $1, 'staff' from public.organizations o where o.path::text in ('ns.tp1.g2', 'ns.tp1.g10')`,
      [memberId],
    ),
  )
})
afterAll(() => t?.close())

const BRANCHES = ['ns', 'ns.tp1', 'ns.tp1.g1', 'ns.tp1.g1.c1', 'ns.tp1.g10', 'ns.tp1.g2', 'ns.tp1.g1.c2']

interface Listed {
  total: number
  ids: string[]
}

/** The truth: what the user reads under RLS in the branch (org_path <@, no planning), a page of it. */
const truth = (tx: Parameters<Parameters<TestApp['runtime']['data']['asSystem']>[1]>[0], path: string): Promise<Listed> =>
  tx
    .query<{ id: string; total: number }>(
      `select m.id, count(*) over ()::int as total from public.members m
        where m.org_path <@ $1::ltree and m.deceased_on is null and m.left_on is null
        order by m.full_name, m.id`,
      [path],
    )
    .then((rows) => ({ total: rows[0]?.total ?? 0, ids: rows.slice(0, PAGE_SIZE).map((r) => r.id) }))

const orgIds = () =>
  t.runtime.data.asSystem(
    'test: the branches',
    async (tx) =>
      new Map(
        (
          await tx.query<{ path: string; id: string }>(`select path::text as path, id from public.organizations where path::text = any ($1::text[])`, [
            BRANCHES,
          ])
        ).map((r) => [r.path, r.id]),
      ),
  )

const listed = (rows: { rows: { id: string }[]; total: number }): Listed => ({ total: rows.total, ids: rows.rows.map((r) => r.id) })

describe('a member list narrowed to a branch', () => {
  it.each(Object.entries(LOGINS))('shows the %s exactly what RLS lets him/her read there, for every branch', async (_, login) => {
    const ids = await orgIds()
    const claims = await claimsOf(t, login)
    for (const path of [...BRANCHES, null]) {
      // null: no branch chosen, the whole scope (everything readable lies under the root 'ns')
      const [got, expected] = await t.runtime.data.withUser(claims, async (tx) => [
        listed(await listMembers(tx, { status: 'current', page: 1, org: path ? ids.get(path)! : undefined })),
        await truth(tx, path ?? 'ns'),
      ])
      expect({ path, ...got }).toEqual({ path, ...expected })
    }
  })

  it('on the system path (no scope, no member, no policy) a branch is its subtree: ns.tp1.g1 is not ns.tp1.g10', async () => {
    const ids = await orgIds()
    for (const path of BRANCHES) {
      const [got, expected] = await t.runtime.data.asSystem('test: a branch as system', async (tx) => [
        listed(await listMembers(tx, { status: 'current', page: 1, org: ids.get(path)! })),
        await truth(tx, path),
      ])
      expect({ path, ...got }).toEqual({ path, ...expected })
    }
  })

  it('a wide branch is reached by its key range, which holds exactly its subtree, for every organization', async () => {
    const [{ wrong, pairs }] = await t.runtime.data.asSystem('test: key ranges against subtrees', (tx) =>
      tx.query<{ wrong: number; pairs: number }>(
        `select count(*) filter (where (m.org_key >= b.path::text and m.org_key < b.path::text || '/') <> (m.org_path <@ b.path))::int as wrong,
                count(*)::int as pairs
           from public.organizations b, public.members m`,
      ),
    )
    expect(pairs).toBeGreaterThan(10_000)
    expect(wrong).toBe(0)
  })

  it('a ward secretary is offered the ward and each of its cells, and a cell chosen lists that cell alone', async () => {
    const ward = await t.signIn(LOGINS.grassroots)
    const page = await (await ward.get('/members')).text()
    const ids = await orgIds()
    for (const path of ['ns.tp1.g1', 'ns.tp1.g1.c1', 'ns.tp1.g1.c2']) expect(page).toContain(`value="${ids.get(path)}"`)
    expect(page).not.toContain(`value="${ids.get('ns.tp1.g2')}"`)
    const [{ n }] = await t.runtime.data.asSystem('test: the second cell', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.members where org_path = 'ns.tp1.g1.c2' and deceased_on is null and left_on is null`),
    )
    expect(await (await ward.get(`/members?org=${ids.get('ns.tp1.g1.c2')}`)).text()).toMatch(new RegExp(`>${n} đảng viên`))
  })

  it('an organization nobody can see, or that does not exist, lists nothing', async () => {
    const claims = await claimsOf(t, LOGINS.cellSecretary)
    const ids = await orgIds()
    for (const org of [ids.get('ns.tp1.g2')!, crypto.randomUUID()]) {
      const got = await t.runtime.data.withUser(claims, (tx) => listMembers(tx, { status: 'current', page: 1, org }))
      expect(listed(got)).toEqual({ total: 0, ids: [] })
    }
  })
})
