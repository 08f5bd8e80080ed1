import type { DataAccess } from '../../kernel/db/access.ts'
import type { Realtime } from '../../kernel/realtime/realtime.ts'
import { CommentItem } from '../../../views/comments/CommentThread.tsx'
import * as q from './comments.queries.ts'

export interface Frame {
  id: string
  data: string
}

export interface Follower {
  canManage: boolean
  send(frame: Frame): void
}

/**
 * One subscription per process; each event is read and rendered once per meeting (twice when
 * both members and managers follow it: managers' copy has the buttons) and the same frame goes
 * to every open stream of that meeting.
 */
export class CommentHub {
  private followers = new Map<string, Set<Follower>>()
  private subscribed?: Promise<() => Promise<void>>
  /** Deliveries run one at a time, so frames leave in commit order. */
  private queue: Promise<void> = Promise.resolve()
  /** Per meeting, the newest comment delivered: after a listener (re)connect, what came since is read and sent. */
  private delivered = new Map<string, string>()
  private ready = false

  constructor(
    private realtime: Realtime,
    private data: DataAccess,
  ) {}

  async follow(meetingId: string, follower: Follower): Promise<() => void> {
    this.subscribed ??= this.subscribe()
    await this.subscribed
    let set = this.followers.get(meetingId)
    if (!set) this.followers.set(meetingId, (set = new Set()))
    set.add(follower)
    return () => {
      set.delete(follower)
      if (!set.size) this.followers.delete(meetingId)
    }
  }

  followerCount(): number {
    let n = 0
    for (const set of this.followers.values()) n += set.size
    return n
  }

  /** Drops and re-opens the subscription, as a lost database connection would (tests, operations). */
  async restart() {
    const unsubscribe = await this.subscribed
    await unsubscribe?.()
    this.subscribed = this.subscribe()
    await this.subscribed
  }

  private subscribe() {
    return this.realtime.subscribe(
      'meeting_comments',
      (payload) => this.enqueue(() => this.deliver(payload)),
      () => {
        if (this.ready) this.enqueue(() => this.catchUp())
        this.ready = true
      },
    )
  }

  private enqueue(work: () => Promise<void>) {
    this.queue = this.queue.then(work).catch((error) => console.error('comment fan-out failed:', error))
  }

  /** Events missed while not listening: every comment after the last delivered one, per followed meeting. */
  private async catchUp() {
    for (const [meetingId, lastId] of this.delivered) {
      if (!this.followers.has(meetingId)) continue
      const missed = await this.data.asSystem('re-read comments missed while the listener was down, for streams already authorized', (tx) =>
        q.since(tx, meetingId, lastId),
      )
      for (const comment of missed) await this.deliver(JSON.stringify({ meeting_id: meetingId, comment_id: comment.id, op: 'insert' }))
    }
  }

  private async deliver(payload: string) {
    let event: { meeting_id: string; comment_id: string; op: string }
    try {
      event = JSON.parse(payload)
    } catch {
      return
    }
    if (event.op === 'insert') this.delivered.set(event.meeting_id, event.comment_id)
    const set = this.followers.get(event.meeting_id)
    if (!set?.size) return
    const comment = await this.data.asSystem('fan out one comment to the streams of its meeting, each authorized under its user when opened', (tx) =>
      q.one(tx, event.comment_id),
    )
    if (!comment) return
    const rendered = new Map<boolean, string>()
    for (const follower of set) {
      let data = rendered.get(follower.canManage)
      if (data === undefined) {
        data = String(
          <CommentItem comment={comment} base={`/comments/meetings/${event.meeting_id}`} canManage={follower.canManage} csrf="" oob={event.op === 'update'} />,
        )
        rendered.set(follower.canManage, data)
      }
      // the forms' CSRF token travels in the X-CSRF-Token header htmx sends from <body>
      follower.send({ id: comment.id, data })
    }
  }
}

const hubs = new WeakMap<Realtime, CommentHub>()

export function hubFor(realtime: Realtime, data: DataAccess): CommentHub {
  let hub = hubs.get(realtime)
  if (!hub) hubs.set(realtime, (hub = new CommentHub(realtime, data)))
  return hub
}
