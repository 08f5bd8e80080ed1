import { readdir, readFile } from 'node:fs/promises'
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

/** One fresh database: in-memory PGlite, or a new database on the server. */
async function freshDb(): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  if (!process.env.DATABASE_URL) {
    const db = await openPglite()
    return { db, cleanup: () => db.close() }
  }
  const url = new URL(process.env.DATABASE_URL)
  url.pathname = `/sotay_t_migrate_${crypto.randomUUID().slice(0, 8)}`
  await ensureDatabase(url.toString())
  const db = openPostgres(url.toString(), 2)
  return {
    db,
    cleanup: async () => {
      await db.close()
      await ensureDatabase(url.toString(), { reset: true, drop: true })
    },
  }
}

const migrationFiles = async () => (await readdir(new URL('../../../supabase/migrations/', import.meta.url))).filter((n) => n.endsWith('.sql')).sort()

describe('the Supabase CLI and the app agree on what was applied', () => {
  it('what the app applies is recorded for the CLI too, as `supabase db push` records it (version, name, statements)', async () => {
    const { db, cleanup } = await freshDb()
    try {
      await migrate(db)
      const cli = await db.transaction((tx) =>
        tx.query<{ version: string; name: string; n: number }>(
          `select version, name, cardinality(statements)::int as n from supabase_migrations.schema_migrations order by version`,
        ),
      )
      expect(cli.map((r) => `${r.version}_${r.name}.sql`)).toEqual(await migrationFiles())
      expect(cli.every((r) => r.n === 1)).toBe(true)
    } finally {
      await cleanup()
    }
  })

  it('a migration the CLI pushed counts as applied: the app applies nothing again and records it by name', async () => {
    const { db, cleanup } = await freshDb()
    try {
      const files = await migrationFiles()
      const pushedByCli = files.slice(0, 3)
      // what `supabase db push` leaves: the shim (applied by hand, as on Supabase where it exists already),
      // the first migrations run, and only the CLI's record of them
      await db.transaction(async (tx) => {
        await tx.query(`select set_config('search_path', 'public, extensions', true)`)
        for (const dir of ['local', 'migrations'] as const) {
          const names = dir === 'local' ? (await readdir(new URL('../../../supabase/local/', import.meta.url))).sort() : pushedByCli
          for (const name of names) await tx.exec(await readFile(new URL(`../../../supabase/${dir}/${name}`, import.meta.url), 'utf8'))
        }
        await tx.exec(`create schema supabase_migrations;
          create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text)`)
        for (const name of pushedByCli) {
          const [, version, rest] = /^([0-9]+)_(.*)\.sql$/.exec(name)!
          await tx.query(`insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, '{}')`, [version, rest])
        }
      })
      const applied = await migrate(db)
      expect(applied.filter((f) => f.startsWith('migrations/'))).toEqual(files.slice(3).map((n) => `migrations/${n}`))
      const recorded = await db.transaction((tx) =>
        tx.query<{ name: string }>(`select name from migrations.applied where name like 'migrations/%' order by name`),
      )
      expect(recorded.map((r) => r.name)).toEqual(files.map((n) => `migrations/${n}`))
      const cli = await db.transaction((tx) => tx.query<{ version: string }>(`select version from supabase_migrations.schema_migrations order by version`))
      expect(cli.length).toBe(files.length)
      expect(await migrate(db)).toEqual([])
    } finally {
      await cleanup()
    }
  })
})

describe('upgrades', () => {
  it('a database an earlier release made, with its data, starts under this release: the new migrations apply and nothing is lost', async () => {
    const { db, cleanup } = await freshDb()
    try {
      const files = await migrationFiles()
      // the release before this one had every migration but the newest
      const earlier = files.at(-2)!.split('_')[0]
      await migrate(db, { through: earlier })
      const { dataAccess } = await import('./access.ts')
      const { seedDemo } = await import('../../demo/seed.ts')
      await seedDemo(
        dataAccess(db, () => {}),
        { members: 50, password: 'demo-pass-2026' },
      )
      const before = await db.transaction(async (tx) => ({
        members: (await tx.query<{ n: number }>(`select count(*)::int as n from public.members`))[0].n,
        orgs: (await tx.query<{ n: number }>(`select count(*)::int as n from public.organizations`))[0].n,
      }))
      expect(await migrate(db)).toEqual([`migrations/${files.at(-1)}`])
      const after = await db.transaction(async (tx) => ({
        members: (await tx.query<{ n: number }>(`select count(*)::int as n from public.members`))[0].n,
        orgs: (await tx.query<{ n: number }>(`select count(*)::int as n from public.organizations`))[0].n,
      }))
      expect(after).toEqual(before)
      expect(before.members).toBeGreaterThan(0)
      expect(await migrate(db)).toEqual([])
    } finally {
      await cleanup()
    }
  })
})
