import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { readAndChange } from '../../kernel/http/change.ts'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { liveStream } from '../../kernel/http/sse.ts'
import { parseForm } from '../../kernel/http/validation.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { Flash } from '../../../views/components/Field.tsx'
import { VoteBlock, VoteControls, VoteForm, VoteTally } from '../../../views/votes/VoteBlock.tsx'
import { Layout } from '../../../views/layout/Layout.tsx'
import { castForm, messages } from './votes.forms.ts'
import { voteHubFor } from './votes.live.tsx'
import * as q from './votes.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

/** The vote on a meeting's resolution. The meeting page loads the block from here by URL (hx-get). */
export const votes = new Hono<AppEnv>()
votes.use(requireUser)

type Outcome = { notice?: string; error?: string }

/** Runs a change under RLS and reads the ballot after it; 404 when the meeting is out of sight. */
async function load(c: AppContext, id: string, change?: (tx: Tx, before: q.Ballot) => Promise<Outcome>) {
  const { state, outcome } = await readAndChange(c, (tx) => q.ballot(tx, id), change)
  return { ballot: state, outcome: outcome as Outcome }
}

const formProps = (c: AppContext, b: q.Ballot) => ({
  meetingId: b.meeting_id,
  status: b.status,
  inCell: b.in_cell,
  canVote: b.can_vote,
  myChoice: b.my_choice,
  csrf: c.get('csrf'),
})

const controlProps = (c: AppContext, b: q.Ballot) => ({
  meetingId: b.meeting_id,
  status: b.status,
  canManage: b.can_manage && b.meeting_open,
  started: b.started,
  csrf: c.get('csrf'),
})

/** After a change, for htmx: the outcome, and the buttons and tally as they now are (the actor sees them at once); the vote page otherwise. */
function answer(c: AppContext, ballot: q.Ballot, outcome: Outcome) {
  if (!isHtmx(c)) {
    const key = Object.entries(messages).find(([, text]) => text === (outcome.error ?? outcome.notice))?.[0]
    return c.redirect(`/votes/meetings/${ballot.meeting_id}${key ? `?${outcome.error ? 'error' : 'notice'}=${key}` : ''}`, 303)
  }
  return c.html(
    <>
      <Flash {...outcome} />
      <VoteForm {...formProps(c, ballot)} oob />
      <VoteControls {...controlProps(c, ballot)} oob />
      <VoteTally state={ballot} oob />
    </>,
    outcome.error ? 400 : 200,
  )
}

votes.get('/meetings/:meetingId', async (c) => {
  const { ballot } = await load(c, uuidParam(c, 'meetingId'))
  // a reload after the vote closed no longer says the choice can change
  const flash = (name: string) => {
    const key = c.req.query(name) === 'cast' && ballot.status !== 'open' ? 'castFinal' : c.req.query(name)
    return messages[key as keyof typeof messages]
  }
  const block = (
    <VoteBlock
      meetingId={ballot.meeting_id}
      state={ballot}
      form={formProps(c, ballot)}
      controls={controlProps(c, ballot)}
      notice={flash('notice')}
      error={flash('error')}
    />
  )
  if (isHtmx(c)) return c.html(block)
  return c.html(
    <Layout title="Biểu quyết nghị quyết" viewer={viewerOf(c)} current="/meetings">
      <p>
        <a href={`/meetings/${ballot.meeting_id}`}>‹ Buổi sinh hoạt</a>
      </p>
      {block}
    </Layout>,
  )
})

votes.post('/meetings/:meetingId', async (c) => {
  const id = uuidParam(c, 'meetingId')
  const form = parseForm(castForm, await c.req.parseBody())
  const { ballot, outcome } = await load(c, id, async (tx, before) => {
    if (!form.ok) return { error: form.errors.choice }
    if (before.status !== 'open') return { error: messages.notOpen }
    if (!before.can_vote) return { error: messages.notVoter }
    await q.cast(tx, id, form.value.choice)
    return { notice: messages.cast }
  })
  return answer(c, ballot, outcome)
})

votes.post('/meetings/:meetingId/open', async (c) => {
  const id = uuidParam(c, 'meetingId')
  const { ballot, outcome } = await load(c, id, async (tx, before) => {
    if (!before.can_manage || !before.meeting_open) notFound()
    if (!before.started) return { error: messages.notStarted }
    return (await q.open(tx, id)) ? { notice: messages.opened } : { error: messages.alreadyOpen }
  })
  return answer(c, ballot, outcome)
})

votes.post('/meetings/:meetingId/close', async (c) => {
  const id = uuidParam(c, 'meetingId')
  const { ballot, outcome } = await load(c, id, async (tx, before) => {
    if (!before.can_manage) notFound()
    return (await q.close(tx, id)) ? { notice: messages.closed } : { error: messages.notOpen }
  })
  return answer(c, ballot, outcome)
})

/** The voter's buttons alone: the vote block reloads them when the user's attendance changes (event attendance-changed). */
votes.get('/meetings/:meetingId/form', async (c) => {
  const { ballot } = await load(c, uuidParam(c, 'meetingId'))
  return c.html(<VoteForm {...formProps(c, ballot)} />)
})

/** The live tally (hx-sse:connect): authorized under the user's RLS when it opens (404 otherwise); the first frame is the current state, so a reconnect misses nothing. */
votes.get('/meetings/:meetingId/stream', async (c) => {
  const id = uuidParam(c, 'meetingId')
  const session = sessionOf(c)
  const data = c.get('data')
  const { ballot } = await load(c, id)
  return liveStream(c, {
    follow: (send) =>
      voteHubFor(c.get('realtime'), data).follow(id, { memberId: ballot.member_id, inCell: ballot.in_cell, canManage: ballot.can_manage, send }),
    first: async () => {
      const now = await data.withUser(session, (tx) => q.ballot(tx, id))
      return now ? [{ data: String(<VoteTally state={now} />) }] : []
    },
    stillAllowed: () => data.withUser(session, (tx) => q.canFollow(tx, id)),
  })
})
