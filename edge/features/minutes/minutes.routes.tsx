import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import type { AppContext, AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { readAndChange } from '../../kernel/http/change.ts'
import { parseForm } from '../../kernel/http/validation.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { MinutesPage } from '../../../views/minutes/MinutesPage.tsx'
import { draftMinutes } from './minutes.draft.ts'
import { approveForm, editForm, messages } from './minutes.forms.ts'
import * as q from './minutes.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

/** Minutes of a meeting: drafted from its data, edited by the note-taker, approved (and locked) by the chair. */
export const minutes = new Hono<AppEnv>()
minutes.use(requireUser)

type Outcome = { notice?: string; error?: string; draft?: string; status?: 400 | 409 }

/** Runs a change under RLS (a refused one is a 404, as for a missing meeting) and renders the page after it. */
async function page(c: AppContext, id: string, change?: (tx: Tx, before: q.Minutes) => Promise<Outcome>) {
  const result = await readAndChange(c, (tx) => q.minutes(tx, id), change)
  const { status, ...outcome }: Outcome = result.outcome
  // a change that went through: back to the minutes' own page (a reload does not post again), its message named by key
  const done = Object.entries(messages).find(([, text]) => text === outcome.notice)?.[0]
  if (c.req.method === 'POST' && done && !outcome.error) return c.redirect(`/minutes/meetings/${id}?notice=${done}`, 303)
  if (c.req.method === 'GET') outcome.notice ??= messages[c.req.query('notice') as keyof typeof messages]
  return c.html(<MinutesPage viewer={viewerOf(c)} minutes={result.state} {...outcome} />, status ?? 200)
}

minutes.get('/meetings/:meetingId', (c) => page(c, uuidParam(c, 'meetingId')))

minutes.post('/meetings/:meetingId', (c) => {
  const id = uuidParam(c, 'meetingId')
  return page(c, id, async (tx, before) => {
    if (!before.part.includes('note_taker') && !before.can_manage) notFound()
    if (before.status !== 'none') return { error: messages.alreadyStarted, status: 409 }
    if (!before.started) return { error: messages.notStarted, status: 409 }
    await q.start(tx, id, draftMinutes(await q.facts(tx, id, before)))
    return { notice: messages.started }
  })
})

minutes.post('/meetings/:meetingId/edit', async (c) => {
  const id = uuidParam(c, 'meetingId')
  const body = await c.req.parseBody()
  const form = parseForm(editForm, body)
  const draft = typeof body.body === 'string' ? body.body.slice(0, 50_000) : undefined
  if (!form.ok) return page(c, id, async () => ({ error: Object.values(form.errors)[0], draft, status: 400 }))
  return page(c, id, async (tx, before) => {
    if (!before.part.includes('note_taker')) notFound()
    return (await q.edit(tx, id, form.value.body!, form.value.revision)) ? { notice: messages.saved } : { error: messages.stale, draft, status: 409 }
  })
})

minutes.post('/meetings/:meetingId/approve', async (c) => {
  const id = uuidParam(c, 'meetingId')
  const form = parseForm(approveForm, await c.req.parseBody())
  return page(c, id, async (tx, before) => {
    if (!before.part.includes('chair')) notFound()
    if (!before.started) return { error: messages.notStarted, status: 409 }
    if (!form.ok || !(await q.approve(tx, id, form.value.revision))) return { error: messages.staleApprove, status: 409 }
    return { notice: messages.approved }
  })
})
