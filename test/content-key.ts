import { readdir, readFile } from 'node:fs/promises'

/**
 * What a seeded database's content depends on: the migrations, the seed, the size and the demo
 * password. A changed migration or seed makes a new key, so a stale test template or benchmark
 * database is never used.
 */
export async function contentKey(members: number, password: string): Promise<string> {
  const root = new URL('../', import.meta.url)
  const parts: string[] = [String(members), password]
  for (const dir of ['supabase/local/', 'supabase/migrations/', 'edge/demo/']) {
    for (const name of (await readdir(new URL(dir, root))).sort()) parts.push(name, await readFile(new URL(dir + name, root), 'utf8'))
  }
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(parts.join('\0'))))
  return Array.from(bytes.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('')
}
