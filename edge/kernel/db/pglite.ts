import { PGlite } from '@electric-sql/pglite'
import { ltree } from '@electric-sql/pglite/contrib/ltree'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'
import type { Db, Tx } from './types.ts'

const DATE = 1082
const INT8 = 20
const BYTEA = 17

const HEX = new TextEncoder().encode('0123456789abcdef')
const NIBBLE = new Uint8Array(128).fill(255)
for (let i = 0; i < 16; i++) NIBBLE[HEX[i]] = i
NIBBLE[65] = NIBBLE[97] = 10
NIBBLE[66] = NIBBLE[98] = 11
NIBBLE[67] = NIBBLE[99] = 12
NIBBLE[68] = NIBBLE[100] = 13
NIBBLE[69] = NIBBLE[101] = 14
NIBBLE[70] = NIBBLE[102] = 15

/**
 * bytea ⇄ Postgres hex text through byte arrays. PGlite's own converters go through one string
 * per byte (Array.from(bytes).map(…).join('') and parseInt per pair): a 9 MB file took seconds
 * and gigabytes of garbage on the thread that also serves every other request.
 */
export function byteaToHex(bytes: Uint8Array): string {
  const out = new Uint8Array(2 + bytes.length * 2)
  out[0] = 92 // \
  out[1] = 120 // x
  for (let i = 0, o = 2; i < bytes.length; i++, o += 2) {
    out[o] = HEX[bytes[i] >> 4]
    out[o + 1] = HEX[bytes[i] & 15]
  }
  return new TextDecoder().decode(out)
}

export function byteaFromHex(text: string): Uint8Array {
  if (!text.startsWith('\\x')) throw new Error('bytea: expected hex output')
  const out = new Uint8Array((text.length - 2) >> 1)
  for (let i = 0, t = 2; i < out.length; i++, t += 2) out[i] = (NIBBLE[text.charCodeAt(t)] << 4) | NIBBLE[text.charCodeAt(t + 1)]
  return out
}

/** Embedded Postgres: `dataDir` is a folder, or undefined for memory only (tests), optionally started from a snapshot. */
export async function openPglite(dataDir?: string, snapshot?: Uint8Array): Promise<Db> {
  const pg = await PGlite.create({
    dataDir,
    ...(snapshot ? { loadDataDir: new Blob([snapshot as BlobPart]) } : {}),
    extensions: { ltree, pg_trgm, unaccent, pgcrypto },
    parsers: { [DATE]: (v: string) => v, [INT8]: (v: string) => Number(v), [BYTEA]: byteaFromHex },
    serializers: { [BYTEA]: (v: Uint8Array) => byteaToHex(v) },
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
    snapshot: async () => new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer()),
    close: () => pg.close(),
  }
}
