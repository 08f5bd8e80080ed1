import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { isUuid, parseForm } from '../../kernel/http/validation.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { CommentForm, CommentThread } from '../../../views/comments/CommentThread.tsx'
import { Flash } from '../../../views/components/Field.tsx'
import { Layout } from '../../../views/layout/Layout.tsx'
import { RATE_LIMIT_PER_MINUTE, commentForm, hideForm, messages } from './comments.forms.ts'
import * as q from './comments.queries.ts'
import { liveStream } from '../../kernel/http/sse.ts'
import { CommentItem } from '../../../views/comments/CommentThread.tsx'
import { hubFor } from './comments.live.tsx'
import { viewerOf } from '../../kernel/http/viewer.ts'

/** Comments on a meeting. The meeting page loads the thread from here by URL (hx-get). */
export const comments = new Hono<AppEnv>()
comments.use(requireUser)

function ids(c: AppContext): { meetingId: string; commentId?: string } {
  return { meetingId: uuidParam(c, 'meetingId'), commentId: c.req.param('commentId') === undefined ? undefined : uuidParam(c, 'commentId') }
}

type Outcome = { notice?: string; error?: string; draft?: string; status?: 200 | 400 | 429; changed?: string }

/**
 * Runs a change (if any) and answers. Without htmx: the page with the thread. With htmx: the
 * thread (when loaded into the meeting page), the form alone (after posting: the comment itself
 * reaches the poster through the live stream, like everyone), or the flash line and the changed
 * comment (after a secretary's action).
 */
async function render(c: AppContext, meetingId: string, change?: (tx: Tx) => Promise<Outcome>, part: 'thread' | 'form' | 'item' = 'thread') {
  // answering with the form alone needs no thread: members post all meeting long, and a thread may hold hundreds
  const formOnly = isHtmx(c) && part === 'form'
  const result = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const outcome = change ? await change(tx) : {}
    if (formOnly) return { outcome, visible: (await q.access(tx, meetingId)) !== undefined }
    return { outcome, thread: await q.thread(tx, meetingId) }
  })
  const { status = 200, changed, ...shown } = result.outcome
  // a plain form post that went through: back to the thread's page (a reload does not post again), the message named by key
  const done = Object.entries(messages).find(([, text]) => text === shown.notice)?.[0]
  if (c.req.method === 'POST' && !isHtmx(c) && done && !shown.error) return c.redirect(`/comments/meetings/${meetingId}?notice=${done}`, 303)
  if (c.req.method === 'GET' && typeof messages[c.req.query('notice') as keyof typeof messages] === 'string')
    shown.notice = messages[c.req.query('notice') as keyof typeof messages] as string
  if (formOnly) {
    if (!('visible' in result) || !result.visible) notFound()
    return c.html(<CommentForm meetingId={meetingId} csrf={c.get('csrf')} {...shown} />, status)
  }
  if (!('thread' in result) || !result.thread) notFound()
  const { thread } = result
  if (isHtmx(c) && part === 'item') {
    const comment = thread.comments.find((x) => x.id === changed)
    const base = `/comments/meetings/${meetingId}`
    return c.html(
      <>
        <Flash notice={shown.notice} error={shown.error} />
        {comment && <CommentItem comment={comment} base={base} canManage={thread.can_manage && !thread.closed} csrf="" oob />}
      </>,
      status,
    )
  }
  const block = (
    <CommentThread
      meetingId={meetingId}
      comments={thread.comments}
      canComment={thread.can_comment}
      closed={thread.closed}
      canManage={thread.can_manage}
      csrf={c.get('csrf')}
      {...shown}
    />
  )
  if (isHtmx(c)) return c.html(block, status)
  return c.html(
    <Layout title={`Ý kiến: ${thread.title}`} viewer={viewerOf(c)} current="/meetings">
      <p>
        <a href={`/meetings/${meetingId}`}>‹ {thread.title}</a>
      </p>
      {block}
    </Layout>,
    status,
  )
}

comments.get('/meetings/:meetingId', (c) => render(c, ids(c).meetingId))

comments.post('/meetings/:meetingId', async (c) => {
  const { meetingId } = ids(c)
  const body = await c.req.parseBody()
  const form = parseForm(commentForm, body)
  const draft = typeof body.body === 'string' ? body.body.slice(0, 2000) : undefined
  if (!form.ok) return render(c, meetingId, async () => ({ error: form.errors.body, draft, status: 400 }), 'form')
  return render(
    c,
    meetingId,
    async (tx) => {
      if ((await q.thread(tx, meetingId))?.closed) return { error: messages.closed, draft, status: 400 }
      if ((await q.recentByMe(tx)) >= RATE_LIMIT_PER_MINUTE) return { error: messages.slowDown, draft, status: 429 }
      await q.post(tx, meetingId, form.value.body!)
      return { notice: messages.posted }
    },
    'form',
  )
})

comments.post('/meetings/:meetingId/:commentId/taken', async (c) => {
  const { meetingId, commentId } = ids(c)
  const taken = (await c.req.parseBody()).taken === 'true'
  return render(
    c,
    meetingId,
    async (tx) => {
      // approved minutes record the marks: they stay (the database refuses it too)
      if ((await q.thread(tx, meetingId))?.closed) return { error: messages.minutesLocked, status: 400, changed: commentId }
      if (!(await q.setTaken(tx, meetingId, commentId!, taken))) notFound()
      return { notice: taken ? messages.taken : messages.untaken, changed: commentId }
    },
    'item',
  )
})

comments.post('/meetings/:meetingId/:commentId/hide', async (c) => {
  const { meetingId, commentId } = ids(c)
  const form = parseForm(hideForm, await c.req.parseBody())
  if (!form.ok) return render(c, meetingId, async () => ({ error: form.errors.reason, status: 400 }), 'item')
  return render(
    c,
    meetingId,
    async (tx) => {
      if (!(await q.hide(tx, meetingId, commentId!, form.value.reason))) notFound()
      return { notice: messages.hidden, changed: commentId }
    },
    'item',
  )
})

/**
 * The live stream of a meeting's comments (hx-sse:connect). Authorized under the user's RLS
 * when it opens (404 otherwise) and re-checked every few minutes. A reconnect sends
 * Last-Event-ID (or ?after= from the page) and gets what it missed, under its RLS, before
 * live frames; frames that arrive meanwhile wait and are not sent twice.
 */
comments.get('/meetings/:meetingId/stream', async (c) => {
  const { meetingId } = ids(c)
  const session = sessionOf(c)
  const data = c.get('data')
  // Last-Event-ID on a reconnect; ?after= from the page (empty when the page showed no comment yet)
  const lastSeen = c.req.header('Last-Event-ID') || c.req.query('after')
  const opened = await data.withUser(session, (tx) => q.access(tx, meetingId))
  if (!opened) notFound()
  const base = `/comments/meetings/${meetingId}`
  return liveStream(c, {
    follow: (send) => hubFor(c.get('realtime'), data).follow(meetingId, { canManage: opened.can_manage, userId: session.sub, send }),
    first: async () => {
      if (lastSeen === undefined || (lastSeen !== '' && !isUuid(lastSeen))) return []
      const missed = await data.withUser(session, (tx) => q.after(tx, meetingId, lastSeen || null))
      return missed.map((comment) => ({ id: comment.id, data: String(<CommentItem comment={comment} base={base} canManage={opened.can_manage} csrf="" />) }))
    },
    stillAllowed: () => data.withUser(session, (tx) => q.canFollow(tx, meetingId)),
  })
})
