import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import { secureHeaders } from 'hono/secure-headers'
import type { Runtime } from './kernel/boot.ts'
import { readSession } from './kernel/auth/session.ts'
import type { AppEnv } from './kernel/http/context.ts'
import { csrfProtection } from './kernel/http/csrf.ts'
import { errorPage, handleError } from './kernel/http/errors.tsx'
import { responseHeaders } from './kernel/http/headers.ts'
import { serviceWorker, staticFiles } from './kernel/http/static.ts'
import { auth } from './features/auth/auth.routes.tsx'
import { home } from './features/home/home.routes.tsx'
import { orgTree } from './features/org-tree/org-tree.routes.tsx'
import { members } from './features/members/members.routes.tsx'
import { reports } from './features/reports/reports.routes.tsx'
import { cellMeetings } from './features/cell-meetings/cell-meetings.routes.tsx'
import { comments } from './features/comments/comments.routes.tsx'
import { votes } from './features/votes/votes.routes.tsx'
import { minutes } from './features/minutes/minutes.routes.tsx'
import { materials } from './features/materials/materials.routes.tsx'
import { notifications } from './features/notifications/notifications.routes.tsx'
import { tasks } from './features/tasks/tasks.routes.tsx'
import { reminders } from './features/reminders/reminders.routes.ts'
import { calendar } from './features/calendar/calendar.routes.tsx'

const MAX_UPLOAD = 12 * 1024 * 1024

/** The table of contents: kernel middleware, then one line per feature. */
export function createApp(runtime: Pick<Runtime, 'config' | 'data' | 'signer' | 'realtime' | 'storage' | 'push'>) {
  const app = new Hono<AppEnv>()

  app.use(compress())
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      // a handler may set a stricter policy of its own (uploaded files are served sandboxed)
      overwrite: false,
    }),
  )
  app.use(responseHeaders)
  app.use(async (c, next) => {
    c.set('config', runtime.config)
    c.set('data', runtime.data)
    c.set('signer', runtime.signer)
    c.set('realtime', runtime.realtime)
    c.set('storage', runtime.storage)
    c.set('push', runtime.push)
    await next()
  })
  app.use(bodyLimit({ maxSize: MAX_UPLOAD, onError: (c) => errorPage(c as never, 413, 'Tệp gửi lên vượt quá 12 MB. Hãy chia nhỏ tệp rồi thử lại.') }))
  app.use(readSession)
  app.use(csrfProtection)
  app.onError(handleError)
  app.notFound((c) => errorPage(c, 404))

  app.route('/static', staticFiles())
  app.get('/sw.js', serviceWorker)
  app.route('/', auth)
  app.route('/', home)
  app.route('/orgs', orgTree)
  app.route('/members', members)
  app.route('/meetings', cellMeetings)
  app.route('/comments', comments)
  app.route('/votes', votes)
  app.route('/minutes', minutes)
  app.route('/materials', materials)
  app.route('/notifications', notifications)
  app.route('/tasks', tasks)
  app.route('/reminders', reminders)
  app.route('/calendar', calendar)
  app.route('/reports', reports)
  return app
}

export type App = ReturnType<typeof createApp>
