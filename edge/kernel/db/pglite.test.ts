import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byteaFromHex, byteaToHex, openPglite } from './pglite.ts'
import type { Db } from './types.ts'

let db: Db
beforeAll(async () => {
  db = await openPglite()
  await db.exec('create table files (id int primary key, bytes bytea not null)')
})
afterAll(() => db?.close())

describe('bytea on PGlite goes through byte arrays, not a string per byte', () => {
  it('stores and returns every byte value unchanged, and an empty file', async () => {
    const every = Uint8Array.from({ length: 512 }, (_, i) => i & 255)
    const big = crypto.getRandomValues(new Uint8Array(65536))
    const rows = await db.transaction(async (tx) => {
      await tx.query('insert into files values (1, $1), (2, $2), (3, $3)', [every, new Uint8Array(0), big])
      return tx.query<{ id: number; bytes: Uint8Array; hex: string }>(`select id, bytes, encode(bytes, 'hex') as hex from files order by id`)
    })
    expect(rows.map((r) => r.bytes)).toEqual([every, new Uint8Array(0), big])
    expect(`\\x${rows[0].hex}`).toBe(byteaToHex(every))
  })

  it('reads the hex form Postgres writes, in either case', () => {
    expect(byteaToHex(new Uint8Array([0, 15, 16, 255]))).toBe('\\x000f10ff')
    expect(byteaFromHex('\\xDEADbeef')).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]))
  })
})
