import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/**
 * static/sw.js's rules, run in Node against an in-memory Cache Storage and a fake network: what is kept, for how
 * long, and what a member sees when the network fails. (The browser test e2e/offline.e2e.ts runs it in Chromium.)
 */
const ORIGIN = 'https://sotay.example'
const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

class FakeCache {
  entries = new Map<string, Response>()
  async match(key: string | { url: string }, options?: { ignoreSearch?: boolean }) {
    const url = typeof key === 'string' ? key : key.url
    const strip = (u: string) => u.split('?')[0]
    const found = options?.ignoreSearch ? [...this.entries].find(([k]) => strip(k) === strip(url))?.[1] : this.entries.get(url)
    return found?.clone()
  }
  async put(key: string | { url: string }, res: Response) {
    const url = typeof key === 'string' ? key : key.url
    this.entries.delete(url)
    this.entries.set(url, res)
  }
  async addAll(urls: string[]) {
    for (const u of urls) await this.put(new URL(u, ORIGIN).href, new Response(u))
  }
  async delete(key: string | { url: string }) {
    return this.entries.delete(typeof key === 'string' ? key : key.url)
  }
  async keys() {
    return [...this.entries.keys()].map((url) => ({ url }))
  }
}

let caches: Map<string, FakeCache>
let network: (url: string) => Response | Promise<Response>
let listeners: Record<string, (event: unknown) => void>

beforeEach(async () => {
  caches = new Map()
  listeners = {}
  network = () => page('<h1>Trang</h1>')
  const cacheStorage = {
    open: async (name: string) => caches.get(name) ?? caches.set(name, new FakeCache()).get(name)!,
    delete: async (name: string) => caches.delete(name),
    keys: async () => [...caches.keys()],
  }
  const self = {
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type: string, fn: (event: unknown) => void) => (listeners[type] = fn),
    skipWaiting: async () => {},
    clients: { claim: async () => {} },
  }
  const fetchFake = async (request: { url: string }) => {
    const res = await network(typeof request === 'string' ? request : request.url)
    // a same-origin answer, as a browser's fetch gives it
    Object.defineProperty(res, 'type', { value: 'basic' })
    return res
  }
  const source = (await readFile(new URL('../../../static/sw.js', import.meta.url), 'utf8')).replace('__ASSET_VERSION__', '7')
  new Function('self', 'caches', 'fetch', source)(self, cacheStorage, fetchFake)
})
afterEach(() => vi.useRealTimers())

const page = (body: string, init: ResponseInit = {}) =>
  new Response(
    `<!DOCTYPE html><html><head><title>${body.replace(/<[^>]+>/g, '')} · Sổ tay đảng viên</title></head><body><main id="main">${body}</main></body></html>`,
    {
      status: 200,
      ...init,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...(init.headers as Record<string, string>) },
    },
  )

/** a navigation through the worker: what the page gets, once the worker's own work is done */
async function navigate(path: string, method = 'GET', htmx = false) {
  let answer: Promise<Response> | undefined
  const waits: Promise<unknown>[] = []
  listeners.fetch({
    request: htmx
      ? { url: `${ORIGIN}${path}`, method, mode: 'cors', headers: new Headers({ 'HX-Request': 'true' }) }
      : { url: `${ORIGIN}${path}`, method, mode: 'navigate', headers: new Headers() },
    respondWith: (p: Promise<Response>) => (answer = p),
    waitUntil: (p: Promise<unknown>) => waits.push(p),
  })
  const res = answer ? await answer : undefined
  await Promise.all(waits)
  await new Promise((r) => setTimeout(r, 0))
  await Promise.all(waits)
  return res
}
const kept = async () => [...(caches.get('pages')?.entries.keys() ?? [])].map((u) => new URL(u).pathname)
const offline = () => {
  network = () => {
    throw new TypeError('Failed to fetch')
  }
}

describe('the service worker keeps pages for reading offline', () => {
  it('online, a document page comes from the network and is kept (once, whatever its query string)', async () => {
    network = () => page('<h1>Nghị quyết 57</h1>')
    const res = await navigate(`/library/${ID(1)}?from=home`)
    expect(await res!.text()).toContain('Nghị quyết 57')
    await navigate(`/library/${ID(1)}`)
    await navigate(`/meetings/${ID(2)}`)
    expect(await kept()).toEqual([`/library/${ID(1)}`, `/meetings/${ID(2)}`])
  })

  it('each part of a long document read in parts (?part=N) is kept as its own page: part 2 does not stand in for part 1 offline', async () => {
    // as the server reads it: a whole number, else the first part
    network = (url) => page(`<h1>Phần ${Number.parseInt(new URL(url).searchParams.get('part') ?? '', 10) || 1}</h1>`)
    await navigate(`/library/${ID(1)}`)
    await navigate(`/library/${ID(1)}?part=2`)
    await navigate(`/library/${ID(1)}?part=abc&from=x`)
    offline()
    expect(await (await navigate(`/library/${ID(1)}`))!.text()).toContain('Phần 1')
    expect(await (await navigate(`/library/${ID(1)}?part=2`))!.text()).toContain('Phần 2')
    expect(await (await navigate(`/library/${ID(1)}?part=3`))!.text()).toContain('chưa được lưu')
  })

  it('offline, a kept page is shown with the time it was saved, in Vietnam time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-28T07:05:00Z')) // fixed date: the worker's clock is this one
    network = () => page('<h1>Nghị quyết 57</h1>')
    await navigate(`/library/${ID(1)}`)
    offline()
    const html = await (await navigate(`/library/${ID(1)}`))!.text()
    expect(html).toContain('<main id="main"><p class="alert offline-note" role="status">Đang xem bản lưu ngoại tuyến, lúc 14:05 28/11.')
    expect(html).toContain('Nghị quyết 57')
  })

  it('online, the network wins over a kept copy (fresh when online)', async () => {
    network = () => page('<h1>Bản cũ</h1>')
    await navigate(`/library/${ID(1)}`)
    network = () => page('<h1>Bản mới</h1>')
    const html = await (await navigate(`/library/${ID(1)}`))!.text()
    expect(html).toContain('Bản mới')
    expect(html).not.toContain('ngoại tuyến')
  })

  it('at most 20 pages: the one read longest ago goes first, and reading a page again makes it the newest', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    let now = Date.parse('2026-11-28T00:00:00Z') // fixed date: the worker's clock is this one
    for (let n = 1; n <= 20; n++) {
      vi.setSystemTime(now++)
      await navigate(`/library/${ID(n)}`)
    }
    vi.setSystemTime(now++)
    await navigate(`/library/${ID(1)}`) // read again
    vi.setSystemTime(now++)
    await navigate(`/library/${ID(21)}`)
    const paths = await kept()
    expect(paths).toHaveLength(20)
    expect(paths).toContain(`/library/${ID(1)}`)
    expect(paths).not.toContain(`/library/${ID(2)}`)
    expect(paths).toContain(`/library/${ID(21)}`)
  })

  it('the materials block a meeting page loads is kept beside it and answers offline; a block never loaded fails as a network error', async () => {
    network = () => new Response('<section id="materials">Dự thảo nghị quyết</section>', { headers: { 'Content-Type': 'text/html' } })
    await navigate(`/materials/meetings/${ID(2)}`, 'GET', true)
    expect(await kept()).toEqual([`/materials/meetings/${ID(2)}`])
    expect([...caches.get('pages')!.entries.keys()]).toEqual([`${ORIGIN}/materials/meetings/${ID(2)}?hx`])
    offline()
    expect(await (await navigate(`/materials/meetings/${ID(2)}`, 'GET', true))!.text()).toBe('<section id="materials">Dự thảo nghị quyết</section>')
    await expect(navigate(`/materials/meetings/${ID(3)}`, 'GET', true)).rejects.toThrow('Failed to fetch')
    // the offline page lists pages, not blocks
    expect(await (await navigate('/tasks'))!.text()).not.toContain('/materials/')
  })

  it('lists, forms, downloads, files, errors and redirects are never kept', async () => {
    await navigate('/meetings')
    await navigate(`/tasks/${ID(1)}`)
    await navigate(`/members/${ID(1)}`)
    network = () => page('x', { headers: { 'Content-Disposition': 'attachment; filename="ds.csv"' } })
    await navigate(`/library/${ID(1)}`)
    network = () => new Response('%PDF-1.4', { headers: { 'Content-Type': 'application/pdf' } })
    await navigate(`/library/${ID(2)}`)
    network = () => page('Không tìm thấy', { status: 404 })
    await navigate(`/library/${ID(3)}`)
    network = () => {
      const res = page('<h1>Đăng nhập</h1>')
      Object.defineProperty(res, 'redirected', { value: true })
      return res
    }
    await navigate(`/library/${ID(4)}`)
    expect(await kept()).toEqual([])
  })

  it('signing out, signing in, activating an account, or being sent to the login page forgets every kept page', async () => {
    for (const [path, method] of [
      ['/logout', 'POST'],
      ['/login', 'POST'],
      ['/login', 'GET'],
      // a shared phone: the next person activates his/her own account from a slip
      ['/activate', 'GET'],
      ['/activate', 'POST'],
    ]) {
      await navigate(`/library/${ID(1)}`)
      expect(await kept()).toHaveLength(1)
      expect(await navigate(path, method)).toBeUndefined() // the browser sends it itself
      expect(await kept(), `${method} ${path}`).toEqual([])
    }
  })

  it('offline, a page not kept gets the offline page, which links to the pages kept', async () => {
    network = () => page('<h1>Nghị quyết 57</h1>')
    await navigate(`/library/${ID(1)}`)
    offline()
    const res = (await navigate('/tasks'))!
    expect(res.headers.get('Content-Type')).toContain('text/html')
    const html = await res.text()
    expect(html).toContain('Không có kết nối mạng')
    expect(html).toContain(`<a href="/library/${ID(1)}">Nghị quyết 57</a>`)
    expect(html).toContain('/static/css/app.css?v=7')
  })

  it('versioned static files come from the shell cache once installed', async () => {
    const waits: Promise<unknown>[] = []
    listeners.install({ waitUntil: (p: Promise<unknown>) => waits.push(p) })
    await Promise.all(waits)
    offline()
    let answer: Promise<Response> | undefined
    listeners.fetch({
      request: { url: `${ORIGIN}/static/css/app.css?v=7`, method: 'GET', mode: 'no-cors', headers: new Headers() },
      respondWith: (p: Promise<Response>) => (answer = p),
      waitUntil: () => {},
    })
    expect(await (await answer!).text()).toBe('/static/css/app.css?v=7')
  })

  it('offline, a page kept under an older release gets this release’s stylesheet', async () => {
    const waits: Promise<unknown>[] = []
    listeners.install({ waitUntil: (p: Promise<unknown>) => waits.push(p) })
    await Promise.all(waits)
    offline()
    let answer: Promise<Response> | undefined
    listeners.fetch({
      request: { url: `${ORIGIN}/static/css/app.css?v=6`, method: 'GET', mode: 'no-cors', headers: new Headers() },
      respondWith: (p: Promise<Response>) => (answer = p),
      waitUntil: () => {},
    })
    expect(await (await answer!).text()).toBe('/static/css/app.css?v=7')
  })
})
