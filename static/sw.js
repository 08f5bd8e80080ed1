// The service worker: the app shell and the last documents read, for reading without a connection;
// and pushed reminders. One worker for both, since a scope has only one.
// Offline, static/js/offline.js locks the send buttons and says so, before anything is typed: refused, not queued, as
// a post replayed later could go into a session or meeting that has ended, without the member seeing it go. It
// registers this worker from the second signed-in page on: the first visit's bytes are budgeted (30 KB).
// The server writes ASSET_VERSION here, so a release changes these bytes and the browser updates the worker.
const VERSION = '__ASSET_VERSION__'
const SHELL = `shell-${VERSION}`
const PAGES = 'pages'
const LIMIT = 20
// Pages kept for reading offline (by path): library documents and news, meeting pages, their materials list (also as
// the block the meeting page loads) and resolutions to read. Not the files: they may be large, and are private.
const ID = '[0-9a-f-]{36}$'
const KEEP = [RegExp(`^/library/${ID}`), RegExp(`^/meetings/${ID}`), RegExp(`^/materials/(meetings/)?${ID}`)]
const ASSETS = ['css/app.css', 'js/htmx.min.js', 'js/hx-sse.min.js', 'js/app.js', 'js/offline.js', 'icons/icon.svg'].map((f) => `/static/${f}?v=${VERSION}`)

self.addEventListener('install', (event) => {
  // the page loaded these a moment ago: the HTTP cache answers, nothing is downloaded twice
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(ASSETS))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('shell-') && n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  // Signing in or out, activating an account (or being sent to sign in) forgets the pages kept: they were another session's.
  if (request.mode === 'navigate' && (url.pathname === '/login' || url.pathname === '/logout' || url.pathname === '/activate')) {
    event.waitUntil(caches.delete(PAGES))
    return
  }
  if (request.method !== 'GET') return
  if (url.pathname.startsWith('/static/') && url.searchParams.has('v')) event.respondWith(asset(request, url))
  else if (request.mode === 'navigate') event.respondWith(page(event, request, url, ''))
  // a block htmx loads into a kept page is kept beside it
  else if (request.headers.get('HX-Request') && KEEP.some((re) => re.test(url.pathname))) event.respondWith(page(event, request, url, '?hx'))
})

/** Versioned files never change: the cache first, the network once. */
async function asset(request, url) {
  const cache = await caches.open(SHELL)
  const hit = await cache.match(request)
  if (hit) return hit
  try {
    const res = await fetch(request)
    if (res.ok && url.searchParams.get('v') === VERSION) cache.put(request, res.clone())
    return res
  } catch (error) {
    // offline, a page kept before a release asks for its own version of a file: this release's serves it
    const other = await cache.match(request, { ignoreSearch: true })
    if (!other) throw error
    return other
  }
}

/** Pages: the network first (fresh when online); a kept copy, or the offline page, only when it fails. */
async function page(event, request, url, block) {
  // a long document is read in parts (?part=N): each part is a page of its own; any other query string is not
  const part = !block && /^([2-9]|[1-9]\d{1,3})$/.test(url.searchParams.get('part')) ? `?part=${url.searchParams.get('part')}` : ''
  const key = url.origin + url.pathname + part + block
  const keep = KEEP.some((re) => re.test(url.pathname))
  try {
    const res = await fetch(request)
    if (keep && keepable(res)) event.waitUntil(store(key, res.clone()))
    return res
  } catch (error) {
    const cache = await caches.open(PAGES)
    const saved = keep && (await cache.match(key))
    if (block) {
      // htmx says it could not load the block
      if (!saved) throw error
      return saved
    }
    return saved ? withNotice(saved) : offlinePage(cache)
  }
}

/**
 * A whole HTML page the server answered for this session. Every signed-in page carries `no-store` (kept out of the
 * HTTP cache and the back-forward cache); that cannot tell pages apart, so what may be kept is chosen by path (KEEP),
 * and downloads and exports (Content-Disposition), files, redirects and errors never are.
 */
function keepable(res) {
  return (
    res.status === 200 &&
    res.type === 'basic' &&
    !res.redirected &&
    (res.headers.get('Content-Type') || '').startsWith('text/html') &&
    !res.headers.has('Content-Disposition')
  )
}

async function store(key, res) {
  const headers = new Headers(res.headers)
  // the body is stored decoded; the page's own headers (its CSP above all) stay
  for (const name of ['Content-Encoding', 'Content-Length', 'Vary']) headers.delete(name)
  headers.set('X-Saved-At', String(Date.now()))
  const copy = new Response(await res.blob(), { status: 200, headers })
  const cache = await caches.open(PAGES)
  await cache.put(key, copy)
  // the oldest go first, by when they were last read
  const keys = await cache.keys()
  if (keys.length <= LIMIT) return
  const dated = await Promise.all(keys.map(async (k) => [k, Number((await cache.match(k)).headers.get('X-Saved-At'))]))
  dated.sort((a, b) => a[1] - b[1])
  await Promise.all(dated.slice(0, dated.length - LIMIT).map(([k]) => cache.delete(k)))
}

/** "hh:mm dd/mm" in Vietnam's time (UTC+7 all year), whatever the phone's zone. */
function savedAt(res) {
  const d = new Date(Number(res.headers.get('X-Saved-At')) + 7 * 3600e3)
  const two = (n) => String(n).padStart(2, '0')
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())} ${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}`
}

async function withNotice(saved) {
  const note = `<p class="alert offline-note" role="status">Đang xem bản lưu ngoại tuyến, lúc ${savedAt(saved)}. Khi có mạng, hãy tải lại trang để xem bản mới.</p>`
  const html = (await saved.text()).replace(/<main[^>]*>/, (main) => main + note)
  return new Response(html, { status: 200, headers: saved.headers })
}

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** Not kept and no connection: say so, and list what can be read now. */
async function offlinePage(cache) {
  const links = []
  for (const k of await cache.keys()) {
    if (k.url.endsWith('?hx')) continue
    const title = /<title>([^<]*?)(?: · Sổ tay đảng viên)?<\/title>/.exec(await (await cache.match(k)).text())
    const u = new URL(k.url)
    links.push(`<li><a href="${escapeHtml(u.pathname + u.search)}">${title ? title[1] : escapeHtml(k.url)}</a></li>`)
  }
  const html = `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Không có mạng · Sổ tay đảng viên</title><link rel="stylesheet" href="/static/css/app.css?v=${VERSION}"></head><body><main id="main"><h1>Không có kết nối mạng</h1><p class="alert" role="alert">Trang này chưa được lưu trên máy để đọc khi không có mạng. Khi có mạng, hãy tải lại trang.</p>${
    links.length ? `<h2>Các trang đã lưu trên máy này</h2><ul>${links.join('')}</ul>` : ''
  }<p><a class="button" href="/">Về trang chủ</a></p></main></body></html>`
  return new Response(html, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } })
}

self.addEventListener('push', (event) => {
  let message = { title: 'Sổ tay đảng viên', body: '', url: '/' }
  try {
    message = { ...message, ...event.data.json() }
  } catch {
    // a message we cannot read still deserves a notice
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body || undefined,
      // Android draws PNG notification icons, not SVG
      icon: '/static/icons/icon-192.png',
      badge: '/static/icons/icon.svg',
      tag: message.tag,
      data: { url: message.url },
      lang: 'vi',
    }),
  )
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const url = new URL(event.notification.data?.url || '/', self.location.origin).href
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === url)
      return open ? open.focus() : self.clients.openWindow(url)
    }),
  )
})
