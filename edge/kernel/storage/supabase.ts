import type { SupabaseClient } from '@supabase/supabase-js'
import { serviceClient } from '../supabase.ts'
import { checkKey, type Storage, type StoredObject } from './storage.ts'

/** What Supabase Storage answers for a missing object: 404, or (older servers) 400 with statusCode "404". */
const NOT_FOUND = new Set(['404', 'not_found', 'NoSuchKey'])

/**
 * Supabase Storage through supabase-js (storage-js), with the service role key (the app has
 * already decided, under the user's RLS, that the user may see the row referring to the file).
 * The bucket is private: files are never served to browsers straight from Supabase.
 */
export class SupabaseStorage implements Storage {
  readonly kind = 'supabase'
  private client: SupabaseClient

  constructor(
    url: string,
    serviceKey: string,
    private bucket: string,
    fetcher?: typeof fetch,
  ) {
    this.client = serviceClient(url, serviceKey, { fetch: fetcher })
  }

  private files() {
    return this.client.storage.from(this.bucket)
  }

  async put(_tx: unknown, object: StoredObject) {
    const { error } = await this.files().upload(checkKey(object.key), object.bytes, { contentType: object.contentType, upsert: false })
    if (error) throw new Error(`Supabase Storage refused the upload of ${object.key}: ${describe(error)}`, { cause: error })
  }

  async get(_tx: unknown, key: string) {
    const { data, error } = await this.files().download(checkKey(key))
    if (error) {
      if (isNotFound(error)) return null
      throw new Error(`Supabase Storage read of ${key} failed: ${describe(error)}`, { cause: error })
    }
    return new Uint8Array(await data.arrayBuffer())
  }

  async remove(_tx: unknown, key: string) {
    // removing a missing object is no error: the answer lists what was removed
    const { error } = await this.files().remove([checkKey(key)])
    if (error) throw new Error(`Supabase Storage delete of ${key} failed: ${describe(error)}`, { cause: error })
  }
}

type StorageFailure = Error & { status?: number; statusCode?: string }

function isNotFound(error: StorageFailure) {
  return error.status === 404 || (error.statusCode !== undefined && NOT_FOUND.has(error.statusCode))
}

function describe(error: StorageFailure) {
  return `${error.status ?? ''} ${error.message}`.trim()
}
