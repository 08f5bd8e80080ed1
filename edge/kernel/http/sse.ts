import { streamSSE } from 'hono/streaming'
import { sessionOf, type AppContext } from './context.ts'
import { accessWatchFor } from '../realtime/access.ts'
import { sessionIsLive } from '../auth/session.ts'
import { endFrames } from './stream-end.ts'

/** One SSE message. Frames with an id are sent once per stream unless repeatable (an update of something already shown). */
export interface Frame {
  id?: string
  data: string
  repeatable?: boolean
}

const KEEPALIVE_MS = 25_000
const RECHECK_MS = 3 * 60_000

/**
 * A live stream for one authorized subscriber. It follows first, then reads the first frames
 * (what a reconnecting client missed, or the current state), so nothing committed in between
 * is lost; live frames that arrive meanwhile wait their turn, and an id already sent is not sent
 * again. Pings keep proxies from closing it; the right to follow is re-checked every few minutes.
 */
export function liveStream(
  c: AppContext,
  options: {
    follow: (send: (frame: Frame) => void) => Promise<() => void>
    first: () => Promise<Frame[]>
    stillAllowed: () => Promise<boolean>
  },
) {
  return streamSSE(c, async (stream) => {
    const sent = new Set<string>()
    let waiting: Frame[] | null = []
    const write = (frame: Frame) => {
      if (frame.id) {
        if (sent.has(frame.id) && !frame.repeatable) return
        sent.add(frame.id)
      }
      return stream.writeSSE({ id: frame.id, data: frame.data })
    }
    const send = (frame: Frame) => {
      if (waiting) return void waiting.push(frame)
      void write(frame)?.catch(() => stream.abort())
    }
    const leave = await options.follow(send)
    // wakes the loop below early: the client went away, or the user's access changed
    let wake = () => {}
    const woken = () => new Promise<void>((resolve) => (wake = resolve))
    stream.onAbort(() => wake())
    let accessChanged = false
    const unwatch = await accessWatchFor(c.get('realtime'), null).watch(sessionOf(c).sub, () => {
      accessChanged = true
      wake()
    })
    try {
      for (const frame of await options.first()) await write(frame)
      const queued: Frame[] = waiting
      waiting = null
      for (const frame of queued) send(frame)
      let checkedAt = Date.now()
      // checked once now that changes are watched: a logout between the request and the watch would
      // otherwise go unnoticed until the periodic re-check
      accessChanged = true
      while (!stream.aborted) {
        if (accessChanged || Date.now() - checkedAt >= RECHECK_MS) {
          accessChanged = false
          checkedAt = Date.now()
          // a logout, a reset or a lost role ends the session; then no feature's own rule matters
          const ended = !(await sessionIsLive(c, sessionOf(c))) ? 'session' : !(await options.stillAllowed()) ? 'access' : null
          if (ended) {
            await stream.write(endFrames(ended))
            break
          }
        }
        // a change noticed during the check: check again before sleeping (wake() only reaches a sleep under way)
        if (accessChanged) continue
        await Promise.race([stream.sleep(KEEPALIVE_MS), woken()])
        if (stream.aborted) break
        if (!accessChanged) await stream.write(': ping\n\n')
      }
    } finally {
      unwatch()
      leave()
    }
  })
}
