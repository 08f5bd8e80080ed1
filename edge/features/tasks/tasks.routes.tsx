import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid, parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { TasksPage, TasksSummary } from '../../../views/tasks/TasksPage.tsx'
import { TaskForm, type TaskFormValues } from '../../../views/tasks/TaskForm.tsx'
import { FanoutProgress, TaskPage } from '../../../views/tasks/TaskPage.tsx'
import { messages, reportForm, reviewForm, taskEditForm, taskForm } from './tasks.forms.ts'
import { TaskEditForm, type TaskEditValues } from '../../../views/tasks/TaskEditForm.tsx'
import * as q from './tasks.queries.ts'
import { runFanouts } from './tasks.fanout.ts'
import { hasSchedulerSecret } from '../../kernel/http/secret.ts'
import { fileResponse, readUpload } from '../../kernel/files/upload.ts'
import { newKey } from '../../kernel/storage/storage.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

type Upload = Extract<Awaited<ReturnType<typeof readUpload>>, { ok: true }>
const MAX_FILES = 5

/** The files of a form field (none, one or several), each checked; the first problem wins. */
async function readUploads(value: unknown): Promise<{ uploads: Upload[] } | { error: string }> {
  const files = ([] as unknown[]).concat(value ?? []).filter((f) => f instanceof File && f.size + f.name.length > 0)
  if (files.length > MAX_FILES) return { error: messages.tooManyFiles }
  const uploads: Upload[] = []
  for (const file of files) {
    const upload = await readUpload(file)
    if (!upload.ok) return { error: `${(file as File).name}: ${messages.upload[upload.problem]}` }
    uploads.push(upload)
  }
  return { uploads }
}

/** Stores checked files and their rows in the caller's transaction. */
async function attach(c: AppContext, tx: Tx, taskId: string, assigneeId: string | null, uploads: Upload[]) {
  for (const u of uploads) {
    const key = newKey('tasks')
    await c.get('storage').put(tx, { key, contentType: u.type, bytes: u.bytes })
    await q.addFile(tx, {
      task_id: taskId,
      assignee_id: assigneeId,
      file_name: u.fileName,
      content_type: u.type,
      byte_size: u.bytes.byteLength,
      storage_key: key,
    })
  }
}

/** Tasks (giao việc): lists, assigning, reporting progress, reviewing. */
export const tasks = new Hono<AppEnv>()
tasks.use(requireUser)

const VIEWS = ['mine', 'assigned', 'org'] as const
const FILTERS = ['open', 'overdue', 'assigned', 'in_progress', 'reported', 'done', 'returned', 'all'] as const

tasks.get('/', async (c) => {
  const { origins, listed } = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const { origins } = await q.candidates(tx)
    const views: q.View[] = origins.length ? [...VIEWS] : ['mine']
    const asked = c.req.query('view') as q.View
    const view = views.includes(asked) ? asked : 'mine'
    const status = (FILTERS as readonly string[]).includes(c.req.query('status') ?? '') ? (c.req.query('status') as q.StatusFilter) : 'open'
    const page = Math.max(1, Math.min(1000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1))
    return { origins, listed: { views, view, status, page, ...(await q.list(tx, view, status, page)) } }
  })
  const notice = c.req.query('created') ? messages.created(Number(c.req.query('created')) || 0) : undefined
  return c.html(
    <TasksPage
      viewer={viewerOf(c)}
      view={listed.view}
      views={listed.views}
      filter={listed.status}
      counts={listed.counts}
      rows={listed.rows}
      page={listed.page}
      more={listed.more}
      canAssign={origins.length > 0}
      notice={notice}
    />,
  )
})

/** The home page's card: my open tasks, the overdue ones, and the soonest due (loaded by URL). */
tasks.get('/summary', async (c) => {
  const mine = await c.get('data').withUser(sessionOf(c), (tx) => q.list(tx, 'mine', 'open', 1))
  return c.html(<TasksSummary counts={mine.counts} rows={mine.rows.slice(0, 3)} />)
})

/** For schedulers without a long-running process (Supabase: pg_cron + pg_net), with the shared secret. */
tasks.post('/fanouts/run', async (c) => {
  if (!(await hasSchedulerSecret(c))) return c.text('Không có quyền.', 401)
  return c.json({ finished: await runFanouts(c.get('data'), { chunk: c.get('config').TASK_BULK_CHUNK }) })
})

/** How the background assignment goes (the task page asks every few seconds until it is done). */
tasks.get('/:id/fanout', async (c) => {
  const id = uuidParam(c, 'id')
  const progress = await c.get('data').withUser(sessionOf(c), (tx) => q.fanout(tx, id))
  if (!progress) notFound()
  return c.html(<FanoutProgress taskId={id} progress={progress} />)
})

async function formPage(c: AppContext, values: TaskFormValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const found = await c.get('data').withUser(sessionOf(c), (tx) => q.candidates(tx, values.org_id))
  if (!found.origin) notFound()
  return c.html(<TaskForm viewer={viewerOf(c)} {...found} values={{ ...values, org_id: found.origin.id }} errors={errors} />, status)
}

tasks.get('/new', (c) => {
  const org = c.req.query('org')
  const inAWeek = new Date(Date.now() + 7 * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10)
  return formPage(c, { org_id: isUuid(org) ? org : undefined, due_on: inAWeek, priority: 'normal' })
})

tasks.post('/', async (c) => {
  const body = await c.req.parseBody({ all: true })
  const values: TaskFormValues = {
    ...(body as Record<string, string>),
    member_ids: ([] as unknown[]).concat(body.member_ids ?? []).map(String),
    org_ids: ([] as unknown[]).concat(body.org_ids ?? []).map(String),
    every_member: body.every_member === 'on',
  }
  const form = parseForm(taskForm, body)
  const files = await readUploads(body.files)
  if (!form.ok || 'error' in files) {
    const chosen = 'uploads' in files && files.uploads.length > 0
    const errors = { ...(form.ok ? {} : form.errors), ...('error' in files ? { files: files.error } : chosen ? { files: messages.chooseFilesAgain } : {}) }
    return formPage(c, values, errors, 400)
  }
  const created = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const task = await q.create(tx, form.value, c.get('config').TASK_BULK_THRESHOLD)
      await attach(c, tx, task.id, null, files.uploads)
      return task
    })
    .catch((error) => {
      if ((error as { code?: string }).code === '42501') return null
      throw error
    })
  if (!created) return formPage(c, values, { _form: messages.outOfScope }, 400)
  if (created.background) {
    // started now on this server; the minute tick (or pg_cron on Supabase) resumes it if this process stops
    void runFanouts(c.get('data'), { chunk: c.get('config').TASK_BULK_CHUNK }).catch((error) => console.error('task fan-out failed:', error))
    return c.redirect(`/tasks/${created.id}`, 303)
  }
  return c.redirect(`/tasks/${created.id}?created=${created.assigned}`, 303)
})

/** Renders a task after an optional change made in the same transaction; out of sight is 404. */
async function taskPage(c: AppContext, id: string, extra: { notice?: string; error?: string } = {}, status: 200 | 400 = 200) {
  const task = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const detail = await q.detail(tx, id)
    return detail && { ...detail, fanout: await q.fanout(tx, id) }
  })
  if (!task) notFound()
  const created = c.req.query('created')
  const notice = extra.notice ?? doneMessage(c, messages) ?? (created ? messages.created(Number(created) || 0) : undefined)
  return c.html(<TaskPage viewer={viewerOf(c)} task={task} notice={notice} error={extra.error} />, status)
}

tasks.get('/:id', (c) => taskPage(c, uuidParam(c, 'id')))

tasks.get('/:id/edit', async (c) => {
  const id = uuidParam(c, 'id')
  const task = await c.get('data').withUser(sessionOf(c), (tx) => q.detail(tx, id))
  if (!task?.can_review) notFound()
  const values = { title: task.title, description: task.description ?? undefined, due_on: task.due_on, priority: task.priority }
  return c.html(<TaskEditForm viewer={viewerOf(c)} taskId={id} values={values} errors={{}} />)
})

/** The assigner's side changes what is asked and by when (RLS: managers of the task's organization). */
tasks.post('/:id', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody()) as TaskEditValues
  const form = parseForm(taskEditForm, body)
  if (!form.ok) return c.html(<TaskEditForm viewer={viewerOf(c)} taskId={id} values={body} errors={form.errors} />, 400)
  if (!(await c.get('data').withUser(sessionOf(c), (tx) => q.update(tx, id, form.value)))) notFound()
  return seeOther(c, `/tasks/${id}`, 'saved', () => taskPage(c, id, { notice: messages.saved }))
})

/** An attachment, after RLS let the user read its row. */
tasks.get('/files/:fileId', async (c) => {
  const id = uuidParam(c, 'fileId')
  const storage = c.get('storage')
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const row = await q.file(tx, id)
    return row && { row, bytes: await storage.get(tx, row.storage_key) }
  })
  if (!found?.bytes) notFound()
  return fileResponse(c, { bytes: found.bytes, type: found.row.content_type, name: found.row.file_name })
})

/** Runs a change on one assignment under RLS; a refused change (42501) or an unknown one is a 404. */
async function onAssignment(c: AppContext, change: (tx: Tx, assigneeId: string) => Promise<{ done?: keyof typeof messages; error?: string }>) {
  const assigneeId = uuidParam(c, 'assigneeId')
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const taskId = await q.taskOf(tx, assigneeId)
      return taskId ? { taskId, ...(await change(tx, assigneeId)) } : undefined
    })
    .catch((error) => {
      if ((error as { code?: string }).code === '42501') notFound()
      throw error
    })
  if (!outcome) notFound()
  if (outcome.error || !outcome.done) return taskPage(c, outcome.taskId, { error: outcome.error }, 400)
  const done = outcome.done
  return seeOther(c, `/tasks/${outcome.taskId}`, done, () => taskPage(c, outcome.taskId, { notice: messages[done] as string }))
}

tasks.post('/assignments/:assigneeId/report', async (c) => {
  const body = await c.req.parseBody({ all: true })
  const form = parseForm(reportForm, body)
  const files = await readUploads(body.files)
  return onAssignment(c, async (tx, id) => {
    if (!form.ok) return { error: Object.values(form.errors)[0] }
    if ('error' in files) return { error: files.error }
    const { progress, report, finished } = form.value
    if (!(await q.report(tx, id, progress, report, finished))) return { error: messages.closed }
    await attach(c, tx, (await q.taskOf(tx, id))!, id, files.uploads)
    return { done: finished ? 'finished' : 'reported' }
  })
})

tasks.post('/assignments/:assigneeId/review', async (c) => {
  const form = parseForm(reviewForm, await c.req.parseBody())
  return onAssignment(c, async (tx, id) => {
    if (!form.ok) return { error: Object.values(form.errors)[0] }
    const accept = form.value.decision === 'accept'
    if (!accept && !form.value.note) return { error: messages.returnNeedsNote }
    if (!(await q.review(tx, id, accept, form.value.note))) return { error: messages.notReported }
    return { done: accept ? 'accepted' : 'returned' }
  })
})
