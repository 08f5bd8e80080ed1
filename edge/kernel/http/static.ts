import { readFile } from 'node:fs/promises'
import { Hono } from 'hono'
import { ASSET_VERSION } from '../../../views/layout/assets.ts'

const ROOT = new URL('../../../', import.meta.url)

/** URL path under /static → file in the repository (htmx straight from its npm package). */
const FILES: Record<string, { path: string; type: string }> = {
  'css/app.css': { path: 'static/css/app.css', type: 'text/css; charset=utf-8' },
  'css/evaluation-print.css': { path: 'static/css/evaluation-print.css', type: 'text/css; charset=utf-8' },
  'js/htmx.min.js': { path: 'node_modules/htmx.org/dist/htmx.min.js', type: 'text/javascript; charset=utf-8' },
  'js/hx-sse.min.js': { path: 'node_modules/htmx.org/dist/ext/hx-sse.min.js', type: 'text/javascript; charset=utf-8' },
  'js/push.js': { path: 'static/js/push.js', type: 'text/javascript; charset=utf-8' },
  'js/print.js': { path: 'static/js/print.js', type: 'text/javascript; charset=utf-8' },
  'js/copy.js': { path: 'static/js/copy.js', type: 'text/javascript; charset=utf-8' },
  'js/app.js': { path: 'static/js/app.js', type: 'text/javascript; charset=utf-8' },
  'js/offline.js': { path: 'static/js/offline.js', type: 'text/javascript; charset=utf-8' },
  'js/speak.js': { path: 'static/js/speak.js', type: 'text/javascript; charset=utf-8' },
  'icons/icon.svg': { path: 'static/icons/icon.svg', type: 'image/svg+xml' },
  'icons/icon-192.png': { path: 'static/icons/icon-192.png', type: 'image/png' },
  'icons/icon-512.png': { path: 'static/icons/icon-512.png', type: 'image/png' },
  'icons/icon-maskable-512.png': { path: 'static/icons/icon-maskable-512.png', type: 'image/png' },
  'manifest.webmanifest': { path: 'static/manifest.webmanifest', type: 'application/manifest+json' },
}

/**
 * The service worker lives at the root so that its scope is the whole app; never cached long. It is told the asset
 * version, so that it keeps the files the pages ask for and a release (a new version) updates it.
 */
export async function serviceWorker(c: { body(data: ArrayBuffer): Response; header(name: string, value: string): void }) {
  const source = (await readFile(new URL('static/sw.js', ROOT), 'utf8')).replace('__ASSET_VERSION__', ASSET_VERSION)
  const body = new TextEncoder().encode(source)
  c.header('Content-Type', 'text/javascript; charset=utf-8')
  c.header('Cache-Control', 'no-cache')
  return c.body(body as unknown as ArrayBuffer)
}

/** Static files, read once and cached forever by browsers (URLs carry ?v=ASSET_VERSION). */
export function staticFiles() {
  const cache = new Map<string, Uint8Array>()
  const app = new Hono()
  app.get('/:file{.+}', async (c) => {
    const name = c.req.param('file')
    const entry = FILES[name]
    if (!entry) return c.notFound()
    let body = cache.get(name)
    if (!body) {
      body = new Uint8Array(await readFile(new URL(entry.path, ROOT)))
      cache.set(name, body)
    }
    c.header('Content-Type', entry.type)
    c.header('Cache-Control', c.req.query('v') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
    return c.body(body as unknown as ArrayBuffer)
  })
  return app
}
