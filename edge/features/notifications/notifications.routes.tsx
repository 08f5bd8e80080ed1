import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { LatestNotifications, NotificationsPage, UnreadBadge } from '../../../views/notifications/Notifications.tsx'
import * as q from './notifications.queries.ts'
import { deviceForm, messages, removeForm } from './notifications.forms.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

/** The in-app notice centre: every user has one, with or without push. */
export const notifications = new Hono<AppEnv>()
notifications.use(requireUser)

notifications.get('/', async (c) => {
  const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1))
  const { rows, unread, devices } = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => ({ ...(await q.list(tx, page)), devices: await q.deviceCount(tx) }))
  const notice = c.req.query('read') ? messages.readAll : undefined
  return c.html(
    <NotificationsPage
      viewer={viewerOf(c)}
      rows={rows.slice(0, q.PAGE_SIZE)}
      more={rows.length > q.PAGE_SIZE}
      unread={unread}
      page={page}
      notice={notice}
      devices={devices}
      vapidKey={c.get('push').vapid.publicKey}
    />,
  )
})

notifications.get('/latest', async (c) => {
  const { rows, unread } = await c.get('data').withUser(sessionOf(c), (tx) => q.list(tx, 1, true))
  return c.html(<LatestNotifications rows={rows.slice(0, 5)} unread={unread} />)
})

/** The unread count in the header (loaded by every page, refreshed every minute). */
notifications.get('/count', async (c) => {
  const n = await c.get('data').withUser(sessionOf(c), q.unreadCount)
  c.header('Cache-Control', 'no-store')
  return c.html(<UnreadBadge count={n} />)
})

notifications.post('/devices', async (c) => {
  const form = deviceForm.safeParse(await c.req.json().catch(() => null))
  if (!form.success) return c.json({ error: messages.badDevice }, 400)
  const check = await c.get('push').checkEndpoint(form.data.endpoint)
  if (!check.ok) return c.json({ error: check.reason === 'unresolved' ? messages.unresolvedDevice : messages.refusedDevice }, 422)
  const registered = await c.get('data').withUser(sessionOf(c), (tx) => q.registerDevice(tx, form.data, c.req.header('User-Agent') ?? ''))
  if (!registered) return c.json({ error: messages.deviceTaken }, 409)
  return c.json({ ok: true }, 201)
})

notifications.post('/devices/remove', async (c) => {
  const form = removeForm.safeParse(await c.req.json().catch(() => null))
  if (!form.success) return c.json({ error: messages.badDevice }, 400)
  const removed = await c.get('data').withUser(sessionOf(c), (tx) => q.removeDevice(tx, form.data.endpoint))
  return c.json({ removed })
})

notifications.get('/:id/open', async (c) => {
  const id = uuidParam(c, 'id')
  const url = await c.get('data').withUser(sessionOf(c), (tx) => q.open(tx, id))
  if (!url) notFound()
  return c.redirect(url, 303)
})

notifications.post('/read-all', async (c) => {
  await c.get('data').withUser(sessionOf(c), q.readAll)
  return c.redirect('/notifications?read=1', 303)
})
