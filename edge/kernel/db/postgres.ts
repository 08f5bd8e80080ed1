import postgres from 'postgres'
import type { Db, Tx } from './types.ts'

/**
 * Supavisor's transaction mode (Supabase's pooler, port 6543) lends a server connection for one
 * transaction at a time and keeps no prepared statements between them.
 */
export const TRANSACTION_POOLER_PORT = '6543'

/** A Postgres server (local, CI, Supabase's SUPABASE_DB_URL or its pooler). */
export function openPostgres(url: string, max = 10): Db {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    prepare: new URL(url).port !== TRANSACTION_POOLER_PORT,
    types: {
      date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v },
      bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
      // Same contract as PGlite: a string bound to a json parameter is already JSON text.
      json: {
        to: 3802,
        from: [114, 3802],
        serialize: (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)),
        parse: (v: string) => JSON.parse(v),
      },
    },
  })
  const wrap = (tx: postgres.TransactionSql): Tx => ({
    async query<T>(text: string, params: unknown[] = []) {
      const rows = await tx.unsafe(text, params as postgres.ParameterOrJSON<never>[])
      return rows as unknown as T[]
    },
    async exec(text: string) {
      await tx.unsafe(text)
    },
  })
  return {
    engine: 'postgres',
    transaction: (fn) => sql.begin((tx) => fn(wrap(tx))) as Promise<never>,
    exec: async (text) => {
      await sql.unsafe(text)
    },
    // postgres.js keeps one dedicated connection for LISTEN and re-listens after reconnecting
    listen: async (channel, onMessage, onReady) => {
      const { unlisten } = await sql.listen(channel, onMessage, onReady)
      return unlisten
    },
    close: () => sql.end({ timeout: 5 }),
  }
}
