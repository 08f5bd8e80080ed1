import { checkKey, type Storage, type StoredObject } from './storage.ts'

/**
 * Supabase Storage over its REST API, with the service role key (the app has already decided,
 * under the user's RLS, that the user may see the row referring to the file). The bucket is
 * private: files are never served to browsers straight from Supabase.
 */
export class SupabaseStorage implements Storage {
  readonly kind = 'supabase'

  constructor(
    private url: string,
    private serviceKey: string,
    private bucket: string,
    private fetcher: typeof fetch = fetch,
  ) {}

  private endpoint(key: string) {
    return `${this.url.replace(/\/$/, '')}/storage/v1/object/${encodeURIComponent(this.bucket)}/${checkKey(key)}`
  }

  private headers(extra: Record<string, string> = {}) {
    return { Authorization: `Bearer ${this.serviceKey}`, apikey: this.serviceKey, ...extra }
  }

  async put(_tx: unknown, object: StoredObject) {
    const res = await this.fetcher(this.endpoint(object.key), {
      method: 'POST',
      headers: this.headers({ 'Content-Type': object.contentType, 'x-upsert': 'false' }),
      body: object.bytes as unknown as BodyInit,
    })
    if (!res.ok) throw new Error(`Supabase Storage refused the upload: ${res.status} ${await res.text()}`)
  }

  async get(_tx: unknown, key: string) {
    const res = await this.fetcher(this.endpoint(key), { headers: this.headers() })
    if (res.status === 404 || res.status === 400) return null
    if (!res.ok) throw new Error(`Supabase Storage read failed: ${res.status}`)
    return new Uint8Array(await res.arrayBuffer())
  }

  async remove(_tx: unknown, key: string) {
    const res = await this.fetcher(this.endpoint(key), { method: 'DELETE', headers: this.headers() })
    if (!res.ok && res.status !== 404) throw new Error(`Supabase Storage delete failed: ${res.status}`)
  }
}
