import type { Tx } from '../db/types.ts'

export interface StoredObject {
  key: string
  contentType: string
  bytes: Uint8Array
}

/**
 * Where uploaded files live. Authorization happens before: a feature reads the row that refers
 * to a file under the user's RLS, and only then asks for the bytes. The database adapter joins
 * the caller's transaction (so a file commits or rolls back with its row, and RLS checks again);
 * the folder and Supabase Storage adapters ignore it.
 */
export interface Storage {
  readonly kind: 'database' | 'folder' | 'supabase'
  put(tx: Tx, object: StoredObject): Promise<void>
  get(tx: Tx, key: string): Promise<Uint8Array | null>
  remove(tx: Tx, key: string): Promise<void>
}

const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}$/

/** Keys are made by us (feature prefix + random uuid), never from user input; checked anyway. */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.includes('..')) throw new Error(`invalid storage key: ${key}`)
  return key
}

export function newKey(prefix: string): string {
  return checkKey(`${prefix}/${crypto.randomUUID()}`)
}
