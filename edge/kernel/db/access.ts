import type { Claims, Db, Tx } from './types.ts'

/** What features get: a user-scoped transaction, and the one audited bypass for system jobs. */
export interface DataAccess {
  withUser<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T>
  asSystem<T>(reason: string, fn: (tx: Tx) => Promise<T>): Promise<T>
}

const SEARCH_PATH = 'public, extensions'

export function dataAccess(db: Db, log: (line: string) => void = () => {}): DataAccess {
  return {
    withUser(claims, fn) {
      return db.transaction(async (tx) => {
        // Exactly what Supabase's gateway does, so policies behave the same everywhere.
        await tx.query(
          `select set_config('role', 'authenticated', true),
                  set_config('request.jwt.claims', $1, true),
                  set_config('search_path', $2, true)`,
          [JSON.stringify(claims), SEARCH_PATH],
        )
        return fn(tx)
      })
    },
    asSystem(reason, fn) {
      if (!reason.trim()) throw new Error('asSystem needs a reason')
      log(`system: ${reason}`)
      return db.transaction(async (tx) => {
        await tx.query(`select set_config('search_path', $1, true)`, [SEARCH_PATH])
        return fn(tx)
      })
    },
  }
}
