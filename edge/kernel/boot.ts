import { readConfig, processEnv, type Config } from './config.ts'
import { dataAccess, type DataAccess } from './db/access.ts'
import { migrate } from './db/migrate.ts'
import type { Manifest } from './db/backup.ts'
import { openDatabase } from './db/open.ts'
import { TokenSigner } from './auth/token.ts'
import type { Realtime } from './realtime/realtime.ts'
import { openStorage } from './storage/open.ts'
import type { Storage } from './storage/storage.ts'
import { PushSender, loadVapid } from './push/push.ts'

export interface Runtime {
  config: Config
  data: DataAccess
  signer: TokenSigner
  realtime: Realtime
  storage: Storage
  push: PushSender
  /** The embedded database as bytes (PGlite only; test templates). */
  snapshot?: () => Promise<Uint8Array>
  /** Writes a backup of the whole database to a file (kernel/db/backup.ts), while the app keeps serving. */
  backup(file: string): Promise<Manifest>
  close(): Promise<void>
}

/** Reads a stored secret, creating it on first start; every process on one database shares it. */
async function storedSecret(data: DataAccess, key: string): Promise<string> {
  return data.asSystem(`load ${key} at start-up`, async (tx) => {
    const random = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('')
    await tx.query(`insert into app.settings (key, value) values ($1, $2) on conflict (key) do nothing`, [key, random])
    const [row] = await tx.query<{ value: string }>(`select value from app.settings where key = $1`, [key])
    return row.value
  })
}

/** LISTEN/NOTIFY on our own connection, or Supabase Realtime (README: "Live events"; its client loaded only then). */
async function openRealtime(config: Config, db: Awaited<ReturnType<typeof openDatabase>>): Promise<Realtime> {
  if (config.REALTIME === 'supabase') {
    if (!config.SUPABASE_URL || !config.SUPABASE_SERVICE_ROLE_KEY) throw new Error('REALTIME=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY')
    const { SupabaseRealtime } = await import('./realtime/supabase.ts')
    return new SupabaseRealtime(config.SUPABASE_URL, config.SUPABASE_SERVICE_ROLE_KEY)
  }
  return { subscribe: (channel, fn, onReady) => db.listen(channel, fn, onReady) }
}

/** Config → database (migrated) → secrets. `memory` keeps PGlite in memory (tests), started from `snapshot` if given. */
export async function boot(
  env: Record<string, string | undefined> = processEnv(),
  options: { memory?: boolean; snapshot?: Uint8Array } = {},
): Promise<Runtime> {
  const config = readConfig(env)
  const db = await openDatabase(config, options.memory, options.snapshot)
  await migrate(db)
  const log = config.LOG_LEVEL === 'debug' ? (line: string) => console.log(line) : () => {}
  const data = dataAccess(db, log)
  const signer = await TokenSigner.create(config.SESSION_SECRET ?? (await storedSecret(data, 'session.secret')))
  const realtime = await openRealtime(config, db)
  const vapid = await loadVapid(data, { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT })
  return {
    config,
    data,
    signer,
    realtime,
    storage: openStorage(config),
    push: new PushSender(vapid, { allowHosts: config.PUSH_ALLOW_HOSTS }),
    snapshot: db.snapshot && (() => db.snapshot!()),
    // loaded when used: an edge function never spawns pg_dump, and its bundle carries none of this
    backup: async (file) => (await import('./db/backup.ts')).backup(db, file, config.databaseUrl),
    close: async () => {
      ;(realtime as { close?: () => void }).close?.()
      await db.close()
    },
  }
}
