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
import { FEATURES, type FeatureKey } from './features.ts'

const MAX_UPLOAD = 12 * 1024 * 1024

export type AppRuntime = Pick<Runtime, 'config' | 'data' | 'signer' | 'realtime' | 'storage' | 'push'>
// biome-ignore lint/suspicious/noExplicitAny: each feature's router has its own route types
export type Routers = { [K in FeatureKey]: Hono<AppEnv, any, any> }

/** What every feature shares: headers, the runtime in the context, the session, CSRF, error pages, static files. */
export function kernel(runtime: AppRuntime) {
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
  return app
}

/**
 * The kernel plus the given features, each at its mount from the registry, in the registry's order.
 * A path of a feature not given answers the ordinary 404 page.
 */
export function compose(runtime: AppRuntime, routers: Partial<Routers>) {
  const app = kernel(runtime)
  for (const feature of FEATURES) {
    const router = routers[feature.key]
    if (router) app.route(feature.mount, router)
  }
  return app
}
