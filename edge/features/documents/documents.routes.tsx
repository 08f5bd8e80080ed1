import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { fileResponse, readUpload } from '../../kernel/files/upload.ts'
import { DOCX } from '../../kernel/files/sniff.ts'
import { newKey } from '../../kernel/storage/storage.ts'
import type { Tx } from '../../kernel/db/types.ts'
import {
  BookmarkButton,
  BookmarksPage,
  ItemForm,
  ItemList,
  ItemPage,
  LatestCard,
  LibraryPage,
  SharePage,
  type ItemFormValues,
} from '../../../views/documents/LibraryPages.tsx'
import { itemForm, listQuery, messages } from './documents.forms.ts'
import { ExtractError, extractText } from './documents.extract.ts'
import * as q from './documents.queries.ts'

/** The library: documents, news and videos a committee publishes to its subtree or to chosen organizations. */
export const documents = new Hono<AppEnv>()
documents.use(requireUser)

const withUser = <T,>(c: AppContext, fn: (tx: Tx) => Promise<T>) => c.get('data').withUser(sessionOf(c), fn)
const isDenied = (error: unknown) => (error as { code?: string }).code === '42501'

documents.get('/', async (c) => {
  const query = listQuery.parse(c.req.query())
  const found = await withUser(c, async (tx) => ({ ...(await q.list(tx, query)), canPublish: (await q.audiences(tx)).length > 0 }))
  if (isHtmx(c)) return c.html(<ItemList rows={found.rows} more={found.more} query={query} />)
  return c.html(<LibraryPage viewer={viewerOf(c)} {...found} query={query} notice={doneMessage(c, messages)} />)
})

/** The home page's card (hx-get by the home page): always a fragment. */
documents.get('/latest', async (c) => {
  const rows = await withUser(c, (tx) => q.latest(tx, 5))
  return c.html(<LatestCard rows={rows} />)
})

documents.get('/bookmarks', async (c) => {
  const { rows, hidden } = await withUser(c, async (tx) => ({ rows: await q.bookmarks(tx), hidden: await q.hiddenBookmarks(tx) }))
  return c.html(<BookmarksPage viewer={viewerOf(c)} rows={rows} notice={hidden ? messages.hiddenBookmarks(hidden) : undefined} />)
})

type FormPage = { title: string; action: string; back: string }

async function formPage(c: AppContext, values: ItemFormValues, errors: FieldErrors = {}, status: 200 | 400 = 200, page?: FormPage, draft = true) {
  const orgs = await withUser(c, q.audiences)
  if (!orgs.length) notFound()
  return c.html(<ItemForm viewer={viewerOf(c)} orgs={orgs} values={values} errors={errors} page={page} draft={draft} />, status)
}

/** The form's fields as typed, for showing them again (audience_ids may come once or many times). */
function formValues(body: Record<string, unknown>): ItemFormValues & Record<string, unknown> {
  const ids = body.audience_ids
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined)
  return {
    ...Object.fromEntries(
      ['org_id', 'kind', 'category', 'title', 'summary', 'body', 'doc_number', 'issued_on', 'issuer', 'validity', 'video_url', 'audience'].map((k) => [
        k,
        text(k),
      ]),
    ),
    audience_ids: (Array.isArray(ids) ? ids : ids ? [ids] : []).filter((v): v is string => typeof v === 'string'),
  }
}

/** A checked upload for an item of this kind, and the text of a document; a problem in Vietnamese otherwise. */
async function checkedFile(file: unknown, kind: string) {
  const upload = await readUpload(file)
  if (!upload.ok) return { error: messages.upload[upload.problem] }
  const isDocument = upload.type === 'application/pdf' || upload.type === DOCX
  if (kind === 'news' ? isDocument : !isDocument) return { error: messages.wrongFileForKind }
  let text = ''
  if (isDocument) {
    try {
      text = extractText(upload.bytes, upload.type)
    } catch (error) {
      if (error instanceof ExtractError) return { error: messages.badDocx }
      throw error
    }
  }
  return { upload, text, role: isDocument ? ('main' as const) : ('image' as const) }
}

documents.get('/new', (c) => formPage(c, { kind: 'document', category: 'party', audience: 'subtree' }))

documents.post('/', async (c) => {
  const body = await c.req.parseBody({ all: true })
  const values = formValues(body)
  const form = parseForm(itemForm, values)
  if (!form.ok) return formPage(c, values, form.errors, 400)
  const hasFile = body.file instanceof File && body.file.size > 0
  const checked = hasFile ? await checkedFile(body.file, form.value.kind) : undefined
  if (checked && 'error' in checked) return formPage(c, values, { file: checked.error! }, 400)
  const storage = c.get('storage')
  const key = checked?.upload ? newKey('library') : undefined
  const id = await withUser(c, async (tx) => {
    const id = await q.create(tx, form.value, form.value.body ?? (checked?.text || null))
    if (checked?.upload && key) {
      await storage.put(tx, { key, contentType: checked.upload.type, bytes: checked.upload.bytes })
      await q.addFile(tx, id, {
        role: checked.role,
        file_name: checked.upload.fileName,
        content_type: checked.upload.type,
        byte_size: checked.upload.bytes.byteLength,
        storage_key: key,
      })
    }
    return id
  }).catch(async (error) => {
    if (key && storage.kind !== 'database') await withUser(c, (tx) => storage.remove(tx, key)).catch(() => {})
    if (isDenied(error)) return null
    throw error
  })
  if (!id) return formPage(c, values, { _form: messages.outOfScope }, 400)
  return c.redirect(`/library/${id}?done=created`, 303)
})

const editPage = (id: string): FormPage => ({ title: 'Sửa tài liệu, tin tức', action: `/library/${id}`, back: `/library/${id}` })

documents.get('/:id/edit', async (c) => {
  const id = uuidParam(c, 'id')
  const item = await withUser(c, (tx) => q.one(tx, id))
  if (!item?.can_manage) notFound()
  const subtree = item.audience.length === 1 && item.audience[0].id === item.org_id
  return formPage(
    c,
    {
      ...Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v ?? undefined])),
      issued_on: item.issued_on ?? undefined,
      audience: subtree ? 'subtree' : 'orgs',
      audience_ids: subtree ? [] : item.audience.map((a) => a.id),
    } as ItemFormValues,
    {},
    200,
    editPage(id),
    item.status === 'draft',
  )
})

documents.post('/:id', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody({ all: true })
  const values = formValues(body)
  const form = parseForm(itemForm, values)
  if (!form.ok) return formPage(c, values, form.errors, 400, editPage(id))
  const outcome = await withUser(c, (tx) => q.update(tx, id, form.value, form.value.body)).catch((error) => {
    if (isDenied(error)) return null
    throw error
  })
  if (outcome === null) return formPage(c, values, { _form: messages.outOfScope }, 400, editPage(id))
  if (outcome === 'missing') notFound()
  return c.redirect(`/library/${id}?done=saved`, 303)
})

/** A change by the item's managers: a 404 for anyone else (RLS lets the update touch nothing). */
function managerAction(path: string, done: keyof typeof messages, change: (tx: Tx, id: string) => Promise<boolean>) {
  documents.post(`/:id/${path}`, async (c) => {
    const id = uuidParam(c, 'id')
    const result = await withUser(c, async (tx) => {
      const item = await q.one(tx, id)
      if (!item?.can_manage) return undefined
      return change(tx, id)
    })
    if (result === undefined) notFound()
    return seeOther(c, `/library/${id}`, done, () => itemPage(c, id, { notice: messages[done] as string }))
  })
}
managerAction('publish', 'published', (tx, id) => q.setStatus(tx, id, 'published'))
managerAction('withdraw', 'withdrawn', (tx, id) => q.setStatus(tx, id, 'withdrawn'))
managerAction('important', 'important', q.markImportant)

documents.post('/:id/delete', async (c) => {
  const id = uuidParam(c, 'id')
  const storage = c.get('storage')
  const removed = await withUser(c, async (tx) => {
    const keys = await q.removeDraft(tx, id)
    if (keys && storage.kind !== 'database') for (const key of keys) await storage.remove(tx, key)
    return keys
  })
  if (!removed) notFound()
  return c.redirect('/library?done=deleted', 303)
})

documents.post('/:id/files', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody()
  const item = await withUser(c, (tx) => q.one(tx, id))
  if (!item?.can_manage) notFound()
  if (item.status !== 'draft') return itemPage(c, id, { error: messages.draftOnly }, 400)
  const checked = await checkedFile(body.file, item.kind)
  if ('error' in checked) return itemPage(c, id, { error: checked.error }, 400)
  const storage = c.get('storage')
  const key = newKey('library')
  await withUser(c, async (tx) => {
    await storage.put(tx, { key, contentType: checked.upload.type, bytes: checked.upload.bytes })
    await q.addFile(tx, id, {
      role: checked.role,
      file_name: checked.upload.fileName,
      content_type: checked.upload.type,
      byte_size: checked.upload.bytes.byteLength,
      storage_key: key,
    })
    if (checked.text && !item.body) await q.setBody(tx, id, checked.text)
  })
  return seeOther(c, `/library/${id}`, 'fileAdded', () => itemPage(c, id, { notice: messages.fileAdded }))
})

/** The file, only after RLS let the user read its item; served so that it can never run as a page of ours. */
documents.get('/:id/files/:fileId', async (c) => {
  const id = uuidParam(c, 'id')
  const fileId = uuidParam(c, 'fileId')
  const storage = c.get('storage')
  const found = await withUser(c, async (tx) => {
    const file = await q.file(tx, id, fileId)
    return file && { file, bytes: await storage.get(tx, file.storage_key) }
  })
  if (!found?.bytes) notFound()
  return fileResponse(c, { bytes: found.bytes, type: found.file.content_type, name: found.file.file_name })
})

documents.post('/:id/bookmark', async (c) => {
  const id = uuidParam(c, 'id')
  const on = (await c.req.parseBody()).on === '1'
  const seen = await withUser(c, async (tx) => {
    const item = await q.one(tx, id)
    if (item?.status !== 'published') return false
    await q.setBookmark(tx, id, on)
    return true
  })
  if (!seen) notFound()
  if (isHtmx(c)) return c.html(<BookmarkButton id={id} on={on} csrf={c.get('csrf')} />)
  return c.redirect(`/library/${id}?done=${on ? 'bookmarked' : 'unbookmarked'}`, 303)
})

documents.get('/:id/readers', async (c) => {
  const id = uuidParam(c, 'id')
  const asked = c.req.query('org')
  const found = await withUser(c, async (tx) => {
    const item = await q.one(tx, id)
    if (!item) return undefined
    const node = asked && /^[0-9a-f-]{36}$/i.test(asked) ? asked : await q.defaultShareNode(tx, item)
    if (!node) return undefined
    const share = await q.readShare(tx, id, node)
    return share && { item, ...share }
  })
  // only managers (of the item, or of part of its audience) see a share; a member gets a 404
  if (!found || !(await withUser(c, q.audiences)).length) notFound()
  return c.html(<SharePage viewer={viewerOf(c)} item={found.item} node={found.node} rows={found.rows} />)
})

/** The page of an item; opening it leaves the member's read receipt (when, not what). */
async function itemPage(c: AppContext, id: string, flash: { notice?: string; error?: string } = {}, status: 200 | 400 = 200) {
  const { item, seen } = await withUser(c, async (tx) => {
    const item = await q.one(tx, id)
    if (item && c.req.method === 'GET') await q.recordRead(tx, id)
    return { item, seen: !item && (await q.onceSeen(tx, id)) }
  })
  if (!item) notFound(seen ? messages.outOfSight : undefined)
  const part = Number.parseInt(c.req.query('part') ?? '1', 10)
  return c.html(<ItemPage viewer={viewerOf(c)} item={item} part={Number.isFinite(part) ? part : 1} {...flash} />, status)
}

documents.get('/:id', (c) => itemPage(c, uuidParam(c, 'id'), { notice: doneMessage(c, messages) }))
