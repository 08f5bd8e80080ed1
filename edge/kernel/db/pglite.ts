import { PGlite } from '@electric-sql/pglite'
import { ltree } from '@electric-sql/pglite/contrib/ltree'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'
import type { Db, Tx } from './types.ts'

const DATE = 1082
const INT8 = 20

/** Embedded Postgres: `dataDir` is a folder, or undefined for memory only (tests). */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = await PGlite.create({
    dataDir,
    extensions: { ltree, pg_trgm, unaccent, pgcrypto },
    parsers: { [DATE]: (v: string) => v, [INT8]: (v: string) => Number(v) },
  })
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Tx => ({
    async query<T>(sql: string, params?: unknown[]) {
      const result = await q.query<T>(sql, params)
      return result.rows
    },
    async exec(sql: string) {
      await q.exec(sql)
    },
  })
  return {
    engine: 'pglite',
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    exec: async (sql) => {
      await pg.exec(sql)
    },
    listen: async (channel, onMessage, onReady) => {
      const unlisten = await pg.listen(channel, onMessage)
      onReady?.()
      return unlisten
    },
    close: () => pg.close(),
  }
}
