import { Followers, perRuntime } from './fanout.ts'
import type { Realtime } from './realtime.ts'

/**
 * Tells open streams that their user's access may have changed (a move, a role that ended), so
 * they re-check at once. One subscription per process. Where the port cannot deliver it
 * (Supabase Realtime routes by meeting), the streams' periodic re-check remains.
 */
export class AccessWatch {
  private watchers = new Followers<() => void>()
  private subscribed?: Promise<unknown>

  constructor(private realtime: Realtime) {}

  async watch(userId: string, onChange: () => void): Promise<() => void> {
    this.subscribed ??= this.realtime.subscribe('access_changed', (payload) => {
      try {
        const { user_id } = JSON.parse(payload) as { user_id: string }
        for (const notify of this.watchers.of(user_id) ?? []) notify()
      } catch {
        // not ours
      }
    })
    await this.subscribed
    return this.watchers.add(userId, onChange)
  }
}

export const accessWatchFor = perRuntime((realtime: Realtime, _unused: null) => new AccessWatch(realtime))
