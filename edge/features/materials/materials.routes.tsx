import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { readAndChange } from '../../kernel/http/change.ts'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { parseForm } from '../../kernel/http/validation.ts'
import { fileResponse, readUpload } from '../../kernel/files/upload.ts'
import { newKey } from '../../kernel/storage/storage.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { Layout } from '../../../views/layout/Layout.tsx'
import { MaterialsBlock, ResolutionPage } from '../../../views/materials/Materials.tsx'
import { messages, resolutionForm, uploadTitle } from './materials.forms.ts'
import * as q from './materials.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

/** Materials of a meeting: documents, the draft resolution, the final resolution. The meeting page loads the block from here (hx-get). */
export const materials = new Hono<AppEnv>()
materials.use(requireUser)

type Outcome = { notice?: string; error?: string; warning?: string; draft?: { title?: string; body?: string }; status?: 400 }

const DAY_MS = 86_400_000
const startsWithinADay = (board: q.Board) => {
  const left = new Date(board.starts_at).getTime() - Date.now()
  return left > 0 && left < DAY_MS
}

/** Runs a change under RLS and renders the block (htmx) or a page holding it; a meeting out of sight is a 404. */
async function render(c: AppContext, meetingId: string, change?: (tx: Tx, before: q.Board) => Promise<Outcome>) {
  const { state: board, outcome: result }: { state: q.Board; outcome: Outcome } = await readAndChange(c, (tx) => q.board(tx, meetingId), change)
  const { status, ...outcome } = result
  // a plain form post that went through: back to the materials page (a reload does not post again), the message named by key
  if (c.req.method === 'POST' && !isHtmx(c) && !outcome.error && outcome.notice)
    return c.redirect(`/materials/meetings/${meetingId}?${flashQuery(outcome)}`, 303)
  if (c.req.method === 'GET') Object.assign(outcome, flashOf(c))
  const unpublished = board.materials.some((m) => !m.published_at && m.kind !== 'final_resolution')
  const warning = outcome.warning ?? (board.can_manage && board.meeting_open && unpublished && startsWithinADay(board) ? messages.soon : undefined)
  const block = <MaterialsBlock board={board} csrf={c.get('csrf')} {...outcome} warning={warning} />
  if (isHtmx(c)) return c.html(block, status ?? 200)
  return c.html(
    <Layout title={`Tài liệu: ${board.meeting_title}`} viewer={viewerOf(c)} current="/meetings">
      <p>
        <a href={`/meetings/${meetingId}`}>‹ {board.meeting_title}</a>
      </p>
      {block}
    </Layout>,
    status ?? 200,
  )
}

/** Flash messages travel in the redirect as keys (and a count), never as free text. */
function flashQuery(outcome: Outcome): string {
  const params = new URLSearchParams()
  const published = /^Đã phát hành (\d+) /.exec(outcome.notice ?? '')
  if (published) {
    params.set('notice', 'published')
    params.set('n', published[1])
  } else {
    const key = Object.entries(messages).find(([, text]) => text === outcome.notice)?.[0]
    if (key) params.set('notice', key)
  }
  if (outcome.warning === messages.late) params.set('warning', 'late')
  return params.toString()
}

function flashOf(c: AppContext): Pick<Outcome, 'notice' | 'warning'> {
  const key = c.req.query('notice')
  const n = Number.parseInt(c.req.query('n') ?? '', 10)
  const notice =
    key === 'published' && n > 0
      ? messages.published(n)
      : key && key !== 'published' && typeof messages[key as keyof typeof messages] === 'string'
        ? (messages[key as keyof typeof messages] as string)
        : undefined
  return { ...(notice && { notice }), ...(c.req.query('warning') === 'late' && { warning: messages.late }) }
}

const manager = (board: q.Board, open = true) => {
  if (!board.can_manage) notFound()
  if (open && !board.meeting_open) return { error: messages.meetingClosed, status: 400 as const }
  return undefined
}

materials.get('/meetings/:meetingId', (c) => render(c, uuidParam(c, 'meetingId')))

materials.post('/meetings/:meetingId/files', async (c) => {
  const meetingId = uuidParam(c, 'meetingId')
  const body = await c.req.parseBody()
  const file = body.file
  const title = parseForm(uploadTitle, body)
  const storage = c.get('storage')
  return render(c, meetingId, async (tx, board) => {
    const refused = manager(board)
    if (refused) return refused
    const upload = await readUpload(file)
    if (!upload.ok) return { error: messages.upload[upload.problem], status: 400 }
    if (!title.ok) return { error: Object.values(title.errors)[0], status: 400 }
    const { bytes, type, fileName } = upload
    const key = newKey('materials')
    await storage.put(tx, { key, contentType: type, bytes })
    try {
      await q.addDocument(tx, meetingId, {
        title: title.value.title ?? fileName.replace(/\.[^.]+$/, ''),
        file_name: fileName,
        content_type: type,
        byte_size: bytes.byteLength,
        storage_key: key,
      })
    } catch (error) {
      if (storage.kind !== 'database') await storage.remove(tx, key).catch(() => {})
      throw error
    }
    return { notice: messages.uploaded }
  })
})

materials.post('/meetings/:meetingId/resolution', async (c) => {
  const meetingId = uuidParam(c, 'meetingId')
  const body = await c.req.parseBody()
  const form = parseForm(resolutionForm, body)
  const draft = { title: typeof body.title === 'string' ? body.title : undefined, body: typeof body.body === 'string' ? body.body : undefined }
  return render(c, meetingId, async (tx, board) => {
    const final = form.ok && form.value.kind === 'final_resolution'
    const refused = manager(board, !final)
    if (refused) return { ...refused, draft }
    if (!form.ok) return { error: Object.values(form.errors)[0], draft, status: 400 }
    await q.saveResolution(tx, meetingId, form.value.kind, form.value.title, form.value.body!)
    return { notice: messages.saved }
  })
})

materials.post('/meetings/:meetingId/publish', (c) => {
  const meetingId = uuidParam(c, 'meetingId')
  return render(c, meetingId, async (tx, board) => {
    const refused = manager(board)
    if (refused) return refused
    const count = await q.publish(tx, meetingId, false)
    if (!count) return { error: messages.nothingToPublish, status: 400 }
    return { notice: messages.published(count), warning: startsWithinADay(board) ? messages.late : undefined }
  })
})

materials.post('/meetings/:meetingId/publish-final', (c) => {
  const meetingId = uuidParam(c, 'meetingId')
  return render(c, meetingId, async (tx, board) => {
    if (!board.can_manage) notFound()
    return (await q.publish(tx, meetingId, true)) ? { notice: messages.publishedFinal } : { error: messages.nothingToPublish, status: 400 }
  })
})

materials.post('/:id/remove', async (c) => {
  const id = uuidParam(c, 'id')
  const storage = c.get('storage')
  // the row goes first: a published material (which RLS refuses to delete) keeps its file
  const removed = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const row = await q.remove(tx, id)
    if (row?.storage_key) await storage.remove(tx, row.storage_key)
    return row
  })
  if (!removed) notFound()
  return render(c, removed.meeting_id, async () => ({ notice: messages.removed }))
})

/** A resolution to read; a document goes to its file. */
materials.get('/:id', async (c) => {
  const id = uuidParam(c, 'id')
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const material = await q.one(tx, id)
    return material && { material, board: await q.board(tx, material.meeting_id) }
  })
  if (!found?.board) notFound()
  const { material: m, board } = found
  if (m.kind === 'document') return c.redirect(`/materials/${id}/file`)
  return c.html(
    <ResolutionPage
      viewer={viewerOf(c)}
      meetingId={m.meeting_id}
      meetingTitle={board.meeting_title}
      title={m.title}
      body={m.body ?? ''}
      kind={m.kind}
      publishedAt={m.published_at}
    />,
  )
})

/** The file itself, only after RLS let the user read the material; served so that it can never run as a page of ours. */
materials.get('/:id/file', async (c) => {
  const id = uuidParam(c, 'id')
  const storage = c.get('storage')
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const material = await q.one(tx, id)
    if (!material?.storage_key || !material.content_type) return undefined
    return { material, bytes: await storage.get(tx, material.storage_key) }
  })
  if (!found?.bytes) notFound()
  return fileResponse(c, { bytes: found.bytes, type: found.material.content_type!, name: found.material.file_name })
})
