import { describe, expect, it } from 'vitest'
import { ensureDatabase } from './admin.ts'
import { migrate } from './migrate.ts'
import { openPglite } from './pglite.ts'
import { openPostgres } from './postgres.ts'
import type { Db } from './types.ts'

/** Two processes starting at once: on a server, two separate pools; on PGlite, one engine twice. */
async function twoConnections(): Promise<{ a: Db; b: Db; cleanup: () => Promise<void> }> {
  if (!process.env.DATABASE_URL) {
    const db = await openPglite()
    return { a: db, b: db, cleanup: () => db.close() }
  }
  const url = new URL(process.env.DATABASE_URL)
  url.pathname = `/sotay_t_migrate_${crypto.randomUUID().slice(0, 8)}`
  await ensureDatabase(url.toString())
  const a = openPostgres(url.toString(), 2)
  const b = openPostgres(url.toString(), 2)
  return {
    a,
    b,
    cleanup: async () => {
      await a.close()
      await b.close()
      await ensureDatabase(url.toString(), { reset: true, drop: true })
    },
  }
}

describe('migrations', () => {
  it('two runners starting together apply each file exactly once, and a third run applies nothing', async () => {
    const { a, b, cleanup } = await twoConnections()
    try {
      const [first, second] = await Promise.all([migrate(a), migrate(b)])
      const applied = [...first, ...second].sort()
      expect(new Set(applied).size).toBe(applied.length)
      expect(applied.some((f) => f.startsWith('migrations/'))).toBe(true)
      expect(first.length === 0 || second.length === 0).toBe(true)
      expect(await migrate(a)).toEqual([])
      const recorded = await a.transaction((tx) => tx.query<{ n: number }>(`select count(*)::int as n from migrations.applied`))
      expect(recorded[0].n).toBe(applied.length)
    } finally {
      await cleanup()
    }
  })
})
