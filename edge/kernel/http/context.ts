import type { Context } from 'hono'
import type { Config } from '../config.ts'
import type { DataAccess } from '../db/access.ts'
import type { SessionClaims, TokenSigner } from '../auth/token.ts'
import type { Realtime } from '../realtime/realtime.ts'
import type { Storage } from '../storage/storage.ts'
import type { PushSender } from '../push/push.ts'

/** What every request carries. Features read these; only the kernel sets them. */
export type AppEnv = {
  Variables: {
    data: DataAccess
    signer: TokenSigner
    realtime: Realtime
    storage: Storage
    push: PushSender
    config: Config
    session: SessionClaims | null
    csrf: string
  }
}

export type AppContext = Context<AppEnv>

/** The signed-in user's claims; requireUser guarantees them on protected routes. */
export function sessionOf(c: AppContext): SessionClaims {
  const session = c.get('session')
  if (!session) throw new Error('sessionOf called on a route without requireUser')
  return session
}
