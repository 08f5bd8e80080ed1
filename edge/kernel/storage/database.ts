import type { Tx } from '../db/types.ts'
import { checkKey, type Storage, type StoredObject } from './storage.ts'

/** Files in the database (public.stored_files), inside the caller's transaction and under its RLS. Zero setup; fine up to a few GB. */
export class DatabaseStorage implements Storage {
  readonly kind = 'database'

  async put(tx: Tx, object: StoredObject) {
    await tx.query(`insert into public.stored_files (key, content_type, byte_size, bytes) values ($1, $2, $3, $4)`, [
      checkKey(object.key),
      object.contentType,
      object.bytes.byteLength,
      object.bytes,
    ])
  }

  async get(tx: Tx, key: string) {
    const [row] = await tx.query<{ bytes: Uint8Array }>(`select bytes from public.stored_files where key = $1`, [checkKey(key)])
    return row ? new Uint8Array(row.bytes) : null
  }

  async remove(tx: Tx, key: string) {
    await tx.query(`delete from public.stored_files where key = $1`, [checkKey(key)])
  }
}
