import type { DataAccess } from '../../kernel/db/access.ts'
import type { Realtime } from '../../kernel/realtime/realtime.ts'
import { Followers, SerialQueue, perRuntime, sendRendered } from '../../kernel/realtime/fanout.ts'
import type { Frame } from '../../kernel/http/sse.ts'
import { CommentCount, CommentItem } from '../../../views/comments/CommentThread.tsx'
import * as q from './comments.queries.ts'

export interface Follower {
  canManage: boolean
  /** the follower's account: an author still sees his/her own hidden comment, as RLS lets him/her */
  userId: string
  send(frame: Frame): void
}

/** What a follower may see of a comment: managers everything, the author his/her own hidden one, others no hidden one. */
const viewOf = (comment: q.LiveComment) => (f: Follower) =>
  f.canManage ? 'manager' : comment.hidden && f.userId !== comment.author_user_id ? 'none' : 'member'

/**
 * One subscription per process; each event is read and rendered once per meeting (twice when
 * both members and managers follow it: managers' copy has the buttons) and the same frame goes
 * to every open stream of that meeting.
 */
export class CommentHub {
  private followers: Followers<Follower>
  private subscribed?: Promise<() => Promise<void>>
  private queue = new SerialQueue('comment fan-out')
  /** Per followed meeting, the newest place in its thread delivered (or seen when first followed): after a listener (re)connect, what came since is read and sent. */
  private delivered = new Map<string, number>()
  private ready = false

  constructor(
    private realtime: Realtime,
    private data: DataAccess,
  ) {
    this.followers = new Followers(realtime.watch && ((meetingId) => realtime.watch!(`meeting:${meetingId}`)))
  }

  async follow(meetingId: string, follower: Follower): Promise<() => void> {
    this.subscribed ??= this.subscribe()
    await this.subscribed
    if (!this.delivered.has(meetingId)) {
      const place = await this.data.asSystem('the newest place in a thread a stream starts to follow', (tx) => q.lastPlace(tx, meetingId))
      if (!this.delivered.has(meetingId)) this.delivered.set(meetingId, place)
    }
    return this.followers.add(meetingId, follower)
  }

  followerCount(): number {
    return this.followers.count()
  }

  /** Drops and re-opens the subscription, as a lost database connection would (tests, operations); `meanwhile` runs while it is down. */
  async restart(meanwhile: () => Promise<unknown> = async () => {}) {
    const unsubscribe = await this.subscribed
    await unsubscribe?.()
    await meanwhile()
    this.subscribed = this.subscribe()
    await this.subscribed
  }

  private subscribe() {
    return this.realtime.subscribe(
      'meeting_comments',
      (payload) => this.queue.push(() => this.deliver(payload)),
      () => {
        if (this.ready) this.queue.push(() => this.catchUp())
        this.ready = true
      },
    )
  }

  /** Events missed while not listening: every comment after the last place delivered, for every followed meeting. */
  private async catchUp() {
    for (const meetingId of this.followers.topics()) {
      const place = this.delivered.get(meetingId) ?? 0
      const missed = await this.data.asSystem('re-read comments missed while the listener was down, for streams already authorized', (tx) =>
        q.since(tx, meetingId, place),
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
    const set = this.followers.of(event.meeting_id)
    if (!set) return
    const read = await this.data.asSystem('fan out one comment to the streams of its meeting, each authorized under its user when opened', async (tx) => {
      const comment = await q.one(tx, event.comment_id)
      return comment && { comment, counts: await q.counts(tx, event.meeting_id) }
    })
    if (!read) return
    const { comment } = read
    // the counter travels with every frame (oob): it counts what everyone sees, hidden comments left out
    const counter = String(<CommentCount shown={read.counts.shown} taken={read.counts.taken} oob />)
    if (event.op === 'insert') this.delivered.set(event.meeting_id, Math.max(this.delivered.get(event.meeting_id) ?? 0, comment.seq))
    const view = viewOf(comment)
    // the forms' CSRF token travels in the X-CSRF-Token header htmx sends from <body>
    sendRendered(set, view, (f) => ({
      id: comment.id,
      repeatable: event.op === 'update',
      data:
        view(f) === 'none'
          ? // hidden from this viewer, as RLS hides it on a reload: the item leaves the page
            String(<li id={`comment-${comment.id}`} hx-swap-oob="true" hidden></li>) + counter
          : String(
              <CommentItem comment={comment} base={`/comments/meetings/${event.meeting_id}`} canManage={f.canManage} csrf="" oob={event.op === 'update'} />,
            ) + counter,
    }))
  }
}

export const hubFor = perRuntime((realtime: Realtime, data: DataAccess) => new CommentHub(realtime, data))
