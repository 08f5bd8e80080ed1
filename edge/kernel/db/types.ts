/** A transaction handle. Features only ever see this, never the driver. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  /** Several statements, no parameters (migrations, seeds). */
  exec(sql: string): Promise<void>
}

/** The raw database: lives inside kernel/db and never leaves it. */
export interface Db {
  readonly engine: 'pglite' | 'postgres'
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  exec(sql: string): Promise<void>
  /** LISTEN on a channel; notifications arrive after the notifying transaction commits. */
  listen(channel: string, onMessage: (payload: string) => void, onReady?: () => void): Promise<() => Promise<void>>
  /** The whole embedded database as bytes (PGlite only): tests start each file from one migrated, seeded copy. */
  snapshot?(): Promise<Uint8Array>
  close(): Promise<void>
}

/** Claims as Supabase's API gateway sets them in `request.jwt.claims`. */
export interface Claims {
  sub: string
  role: 'authenticated'
  exp: number
  iat: number
  sid?: string
}
