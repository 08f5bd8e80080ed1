import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, memberIdOf, testApp, type TestApp } from '../../../test/support.ts'

/*
 * The scope-planning functions (app.small_scope_org_ids, app.scope_head_ids,
 * app.home_ancestor_ids, public.member_ids_matching) run as their definer to reach indexes the
 * policies cannot use. Each must answer exactly what the caller could find under RLS, never more.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

const sorted = (ids: (string | null)[] | null) => (ids ? [...ids].sort() : ids)

/** Runs one query as the user behind a login and returns its first column of every row. */
async function asUser<T>(login: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const claims = await claimsOf(t, login)
  return t.runtime.data.withUser(claims, async (tx) => (await tx.query<{ v: T }>(sql, params)).map((r) => r.v))
}

const EVERYONE = Object.entries(LOGINS)

describe('scope planning functions', () => {
  it.each(EVERYONE)(
    'a narrow scope is exactly the organizations of the managed scope the %s can read, and null once it exceeds the limit',
    async (_, login) => {
      const [ids] = await asUser<string[] | null>(login, `select app.small_scope_org_ids(100000)::text[] as v`)
      const readable = await asUser<string>(
        login,
        `select o.id::text as v from public.organizations o where o.path <@ any ((select app.managed_scope())::ltree[])`,
      )
      expect(sorted(ids)).toEqual(sorted(readable))
      if (readable.length > 1) {
        const [capped] = await asUser<string[] | null>(login, `select app.small_scope_org_ids($1)::text[] as v`, [readable.length - 1])
        expect(capped).toBeNull()
      }
    },
  )

  it.each(EVERYONE)('scope heads are the roots of the scope of the %s (and their children), each one readable under RLS', async (_, login) => {
    const [heads] = await asUser<string[]>(login, `select app.scope_head_ids()::text[] as v`)
    const roots = await asUser<string>(
      login,
      `select o.id::text as v from public.organizations o where o.valid_to is null and o.path = any ((select app.managed_scope())::ltree[])`,
    )
    expect(sorted(heads)).toEqual(sorted(roots))
    const [withChildren] = await asUser<string[]>(login, `select app.scope_head_ids(true)::text[] as v`)
    const children = await asUser<string>(
      login,
      `select c.id::text as v from public.organizations c where c.valid_to is null and c.parent_id::text = any ($1::text[])`,
      [roots],
    )
    expect(sorted(withChildren)).toEqual(sorted([...new Set([...roots, ...children])]))
    const readable = await asUser<string>(login, `select o.id::text as v from public.organizations o where o.id::text = any ($1::text[])`, [withChildren])
    expect(readable.length).toBe(withChildren.length)
  })

  it.each(EVERYONE)('home ancestors of the %s are the organizations above his/her cell, top first', async (_, login) => {
    const [ancestors] = await asUser<string[]>(login, `select app.home_ancestor_ids()::text[] as v`)
    const expected = await asUser<string>(
      login,
      `select anc.id::text as v from public.organizations anc, public.organizations home
        where home.id = (select app.home_org_id()) and anc.path @> home.path and anc.id <> home.id order by nlevel(anc.path)`,
    )
    expect(ancestors).toEqual(expected)
  })

  it.each(EVERYONE)('a name search by the %s finds exactly what a search under RLS finds, whatever the string', async (_, login) => {
    for (const q of ['nguyen', 'Nguyễn Văn', 'thi', "%' or true --", '%', 'zzz']) {
      const [found] = await asUser<string[]>(login, `select public.member_ids_matching($1)::text[] as v`, [q])
      const underRls = await asUser<string>(login, `select m.id::text as v from public.members m where m.search_name like app.contains_pattern($1)`, [q])
      expect(sorted(found)).toEqual(sorted(underRls))
    }
  })

  it('what the user types is matched literally: % and _ are characters, not wildcards', async () => {
    const count = async (q: string) => (await asUser<string[]>(LOGINS.staff, `select public.member_ids_matching($1)::text[] as v`, [q]))[0].length
    expect(await count('nguyen')).toBeGreaterThan(0)
    for (const q of ['%', '_', 'ng%n', 'ng_yen', '\\']) expect(await count(q)).toBe(0)
  })

  it.each([
    ['a role ends', `update public.org_roles set valid_to = app.today() - 1 where member_id = $1`],
    ['the account is unlinked from the member', `update public.accounts set member_id = null where member_id = $1`],
  ])('the scope kept for a transaction is forgotten at once when %s in it', async (_, change) => {
    const claims = await claimsOf(t, LOGINS.grassroots)
    const memberId = await memberIdOf(t, LOGINS.grassroots)
    const undo = new Error('roll back the change')
    const seen: string[][] = []
    const tried = t.runtime.data.asSystem('test: a scope change inside one transaction', async (tx) => {
      await tx.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)])
      const look = async () =>
        seen.push(...(await tx.query<{ s: string[] }>(`select app.managed_scope()::text[] as s union all select app.scope_bounds()`)).map((r) => r.s))
      await look()
      await tx.query(change, [memberId])
      await look()
      throw undo
    })
    await expect(tried).rejects.toBe(undo)
    expect(seen).toEqual([['ns.tp1.g1'], ['ns.tp1.g1', 'ns.tp1.g1/', '1'], [], ['', '', '1']])
  })

  it("a role inside another role's subtree adds no root (the key range then decides alone); a role beside it does", async () => {
    const claims = await claimsOf(t, LOGINS.grassroots)
    const memberId = await memberIdOf(t, LOGINS.grassroots)
    const undo = new Error('roll back the roles')
    const seen: string[][] = []
    const tried = t.runtime.data.asSystem("test: roles nested in and beside a ward secretary's ward", async (tx) => {
      await tx.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)])
      const look = async () =>
        seen.push(...(await tx.query<{ s: string[] }>(`select app.managed_scope()::text[] as s union all select app.scope_bounds()`)).map((r) => r.s))
      const grant = (where: string) =>
        tx.query(`insert into public.org_roles (org_id, member_id, role) select o.id, $1, 'staff' from public.organizations o where ${where} limit 1`, [
          memberId,
        ])
      await grant(`o.path <@ 'ns.tp1.g1' and nlevel(o.path) = 4`)
      await look()
      await grant(`o.path <@ 'ns.tp1' and nlevel(o.path) = 3 and o.path <> 'ns.tp1.g1' and o.path::text > 'ns.tp1.g1'`)
      await look()
      throw undo
    })
    await expect(tried).rejects.toBe(undo)
    expect(seen.slice(0, 2)).toEqual([['ns.tp1.g1'], ['ns.tp1.g1', 'ns.tp1.g1/', '1']])
    const [roots, bounds] = seen.slice(2)
    expect(roots).toHaveLength(2)
    expect(roots[0]).toBe('ns.tp1.g1')
    expect(bounds).toEqual(['ns.tp1.g1', `${roots[1]}/`, '0'])
  })

  it('a user cannot keep a scope of his/her own choosing for the transaction', async () => {
    const claims = await claimsOf(t, LOGINS.member)
    await expect(t.runtime.data.withUser(claims, (tx) => tx.query(`select app.keep('scope', '{ns}')`))).rejects.toThrow(/permission denied/)
  })
})
