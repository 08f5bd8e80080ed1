import type { DataAccess } from '../../kernel/db/access.ts'
import type { Frame } from '../../kernel/http/sse.ts'
import { Followers, SerialQueue, perRuntime, sendRendered } from '../../kernel/realtime/fanout.ts'
import type { Realtime } from '../../kernel/realtime/realtime.ts'
import { VoteControls, VoteForm, VoteTally } from '../../../views/votes/VoteBlock.tsx'
import * as q from './votes.queries.ts'

export interface VoteFollower {
  memberId: string | null
  inCell: boolean
  canManage: boolean
  send(frame: Frame): void
}

/**
 * The live tally: one subscription per process. Changes to a meeting's vote are coalesced:
 * however many votes arrive while a refresh waits, the tally is read and rendered once and the
 * same frame goes to every stream of that meeting. When the ballot itself opens or closes,
 * the frame also replaces each follower's buttons (rendered once per kind of follower).
 */
export class VoteHub {
  private followers: Followers<VoteFollower>
  private subscribed?: Promise<() => Promise<void>>
  private queue = new SerialQueue('vote fan-out')
  /** Meetings waiting for a refresh, and whether their ballot changed. */
  private pending = new Map<string, boolean>()
  private ready = false

  constructor(
    private realtime: Realtime,
    private data: DataAccess,
  ) {
    this.followers = new Followers(realtime.watch && ((meetingId) => realtime.watch!(`meeting:${meetingId}`)))
  }

  async follow(meetingId: string, follower: VoteFollower): Promise<() => void> {
    this.subscribed ??= this.realtime.subscribe(
      'meeting_votes',
      (payload) => this.changed(payload),
      () => {
        // after a reconnect, changes may have been missed: refresh every followed meeting
        if (this.ready) for (const id of this.followers.topics()) this.mark(id, true)
        this.ready = true
      },
    )
    await this.subscribed
    return this.followers.add(meetingId, follower)
  }

  private changed(payload: string) {
    try {
      const event = JSON.parse(payload) as { meeting_id: string; ballot: boolean }
      if (this.followers.of(event.meeting_id)) this.mark(event.meeting_id, event.ballot)
    } catch {
      // not ours
    }
  }

  private mark(meetingId: string, ballotChanged: boolean) {
    const waiting = this.pending.get(meetingId)
    this.pending.set(meetingId, waiting || ballotChanged)
    if (waiting === undefined) this.queue.push(() => this.refresh(meetingId))
  }

  private async refresh(meetingId: string) {
    const ballotChanged = this.pending.get(meetingId) ?? false
    this.pending.delete(meetingId)
    const set = this.followers.of(meetingId)
    if (!set) return
    const state = await this.data.asSystem('refresh the tally of one meeting for the streams already authorized', (tx) => q.liveState(tx, meetingId))
    if (!state) return
    const voters = new Set(state.voters)
    sendRendered(
      set,
      (f) => (ballotChanged ? `${f.memberId !== null && voters.has(f.memberId)}${f.inCell}${f.canManage}` : ''),
      (f) => ({
        data: String(
          <>
            <VoteTally state={state} />
            {ballotChanged && state.status === 'closed' && <div id="vote-buttons" hx-swap-oob="true" />}
            {ballotChanged && (
              <>
                {state.status === 'open' && (
                  <VoteForm
                    meetingId={meetingId}
                    status={state.status}
                    inCell={f.inCell}
                    canVote={f.memberId !== null && voters.has(f.memberId)}
                    myChoice={null}
                    csrf=""
                    oob
                  />
                )}
                <VoteControls meetingId={meetingId} status={state.status} canManage={f.canManage} csrf="" oob />
              </>
            )}
          </>,
        ),
      }),
    )
  }
}

export const voteHubFor = perRuntime((realtime: Realtime, data: DataAccess) => new VoteHub(realtime, data))
