import { readdir, readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, type TestApp } from '../../../test/support.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 50 })
})
afterAll(() => t?.close())

describe('default deny', () => {
  it('every table in the app schemas has row-level security enabled and at least one policy', async () => {
    const tables = await t.runtime.data.asSystem('test: inspect the catalogue', (tx) =>
      tx.query<{ schema: string; name: string; rls: boolean; policies: number }>(
        `select n.nspname as schema, c.relname as name, c.relrowsecurity as rls,
                (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname in ('public', 'app')
          order by 1, 2`,
      ),
    )
    expect(tables.length).toBeGreaterThanOrEqual(8)
    const unprotected = tables.filter((row) => !row.rls || row.policies === 0).map((row) => `${row.schema}.${row.name}`)
    expect(unprotected).toEqual([])
  })

  it('a signed-in user with no role and no member record reads nothing from any table', async () => {
    const stranger = { sub: crypto.randomUUID(), role: 'authenticated' as const, iat: 0, exp: Math.floor(Date.now() / 1000) + 60 }
    const tables = await t.runtime.data.asSystem('test: list tables', (tx) =>
      tx.query<{ name: string }>(
        `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname in ('public', 'app')`,
      ),
    )
    const seen: Record<string, number | 'denied'> = {}
    for (const { name } of tables) {
      seen[name] = await t.runtime.data
        .withUser(stranger, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from ${name}`))[0].n)
        .catch((error) => {
          if ((error as { code?: string }).code !== '42501') throw error
          return 'denied' as const
        })
    }
    expect(Object.values(seen).every((v) => v === 0 || v === 'denied')).toBe(true)
    expect(seen['public.members']).toBe(0)
  })
})

describe('the raw connection stays in kernel/db', () => {
  it('no feature module imports a database driver or the engine files', async () => {
    const root = new URL('../../features/', import.meta.url)
    const offenders: string[] = []
    for (const feature of await readdir(root)) {
      for (const file of await readdir(new URL(`${feature}/`, root))) {
        const source = await readFile(new URL(`${feature}/${file}`, root), 'utf8')
        const bad = /from ['"](npm:)?(@electric-sql\/pglite[^'"]*|postgres)['"]|kernel\/db\/(pglite|postgres|open|migrate)\.ts/.test(source)
        if (bad) offenders.push(`${feature}/${file}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('what features receive (DataAccess) exposes only withUser and asSystem', () => {
    expect(Object.keys(t.runtime.data).sort()).toEqual(['asSystem', 'withUser'])
  })
})
