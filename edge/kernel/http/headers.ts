import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './context.ts'

/**
 * Powerful browser features the app never uses, denied to it and to anything it could ever embed, so an injected
 * script or frame cannot ask for them either. Notifications and push are not governed by this header.
 */
const DENIED = [
  'accelerometer',
  'ambient-light-sensor',
  'autoplay',
  'battery',
  'bluetooth',
  'browsing-topics',
  'camera',
  'display-capture',
  'document-domain',
  'encrypted-media',
  'gamepad',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'interest-cohort',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'usb',
  'window-management',
  'xr-spatial-tracking',
]
export const PERMISSIONS_POLICY = [...DENIED.map((f) => `${f}=()`), 'fullscreen=(self)'].join(', ')

/**
 * Response headers of every request: the Permissions-Policy, and `Cache-Control: no-store` on what a signed-in user
 * receives (or a response that sets a cookie), so pages with personal data stay out of shared caches, the back-forward
 * cache of a shared phone and the browser's disk. A handler that chose its own Cache-Control keeps it: static files
 * (public, versioned), uploaded files (private, an hour), the calendar feed.
 */
export const responseHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  const wanted: [string, string][] = [['Permissions-Policy', PERMISSIONS_POLICY]]
  const personal = !!c.get('session') || c.res.headers.has('Set-Cookie')
  if (personal) wanted.push(['Cache-Control', 'no-store'])
  const missing = wanted.filter(([name]) => !c.res.headers.has(name))
  if (!missing.length) return
  try {
    for (const [name, value] of missing) c.res.headers.set(name, value)
  } catch {
    // a response passed through from fetch() has immutable headers
    const res = new Response(c.res.body, c.res)
    for (const [name, value] of missing) res.headers.set(name, value)
    c.res = res
  }
}
