import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { LOGINS, signIn } from './members.e2e.ts'
import { DEMO_PASSWORD } from './server.ts'

/** The pages the service worker keeps for this session (the cache it names `pages`), as paths. */
const kept = (page: Page) =>
  page.evaluate(async () => {
    const cache = await caches.open('pages')
    return (await cache.keys()).map((r) => new URL(r.url).pathname)
  })

async function firstMeeting(page: Page, url: string) {
  await page.goto(`${url}/meetings`)
  return page
    .locator('a[href^="/meetings/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')).find((h) => /^\/meetings\/[0-9a-f-]{36}$/.test(h ?? '')))
}

/**
 * A phone with a vi-VN voice, stubbed so the test hears what would be spoken (a string: tsx would add helpers the
 * page does not have to a function). Like Chrome, a cancelled utterance still ends, a moment later.
 */
const FAKE_VOICE = `(() => {
  const spoken = (window.spoken = [])
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; this.voice = null; this.onend = null }
  let current = null
  const fake = {
    getVoices: () => [{ lang: 'en-US', name: 'English' }, { lang: 'vi-VN', name: 'Tiếng Việt' }],
    addEventListener() {},
    speak(u) { spoken.push({ text: u.text, lang: u.lang }); current = u },
    cancel() { const u = current; current = null; setTimeout(() => u && u.onend && u.onend(), 0) },
    finish() { const u = current; current = null; u && u.onend && u.onend() },
    fail() { const u = current; current = null; u && u.onerror && u.onerror({ error: 'synthesis-failed' }) },
  }
  Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true })
})()`

/** Reading on a weak phone: pages kept by the service worker, forms refused offline, the installable app, listening. */
export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'offline: a meeting page read before opens from the phone with a notice, forms are refused, online again works, logout forgets the pages'(
    browser,
    url,
  ) {
    const page = await signIn(browser, url, LOGINS.member)
    const meeting = await firstMeeting(page, url)
    assert.ok(meeting, 'the demo member has a meeting')
    await page.goto(`${url}${meeting}`)
    // the worker installs on the first signed-in page and takes the page over; from then on it sees navigations
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready) && !!navigator.serviceWorker.controller)
    await page.reload()
    await page.waitForFunction(async (path) => (await (await caches.open('pages')).keys()).some((r) => r.url.endsWith(path)), meeting)
    const title = (await page.locator('main h1').first().textContent())!.trim()

    await page.context().setOffline(true)
    await page.reload()
    await page.getByText(/Đang xem bản lưu ngoại tuyến, lúc \d\d:\d\d \d\d\/\d\d/).waitFor()
    assert.equal((await page.locator('main h1').first().textContent())!.trim(), title, 'the kept page is the meeting read before')
    // the materials block the page loads comes from the phone too (its placeholder is replaced)
    await page.locator('div[hx-get^="/materials/meetings/"]').waitFor({ state: 'detached' })
    // refused before anything is typed: the alert is up and every send button is locked
    const alert = page.locator('#net-status')
    await alert.waitFor({ state: 'visible' })
    assert.match((await alert.textContent()) ?? '', /Đang mất mạng: .*chưa gửi được gì/)
    const senders = page.locator('form[method=post] button, form[hx-post] button, button[hx-post]')
    assert.ok((await senders.count()) > 0, 'the page has something to send (at least the logout form)')
    assert.deepEqual([...new Set(await senders.evaluateAll((els) => els.map((b) => (b as HTMLButtonElement).disabled)))], [true])
    await page.screenshot({ path: 'e2e/artifacts/offline-meeting-360.png', fullPage: true })
    // what arrives later (a block htmx swaps in from the phone) is locked too
    await page.evaluate(() => {
      const form = document.createElement('form')
      form.method = 'post'
      form.innerHTML = '<button id="late">Gửi</button>'
      document.querySelector('main')!.append(form)
    })
    await page.waitForFunction(() => (document.getElementById('late') as HTMLButtonElement).disabled)

    // a page never opened: the offline page, which lists what was kept
    await page.goto(`${url}/tasks`)
    await page.getByRole('heading', { name: 'Không có kết nối mạng' }).waitFor()
    await page.getByRole('link', { name: title }).click()
    await page.getByText(/Đang xem bản lưu ngoại tuyến/).waitFor()

    // back online: the send buttons open again, the alert goes, a reload is fresh from the server
    await page.context().setOffline(false)
    await alert.waitFor({ state: 'hidden' })
    assert.deepEqual([...new Set(await senders.evaluateAll((els) => els.map((b) => (b as HTMLButtonElement).disabled)))], [false])
    await page.reload()
    await page.locator('main h1').first().waitFor()
    assert.equal(await page.getByText(/Đang xem bản lưu ngoại tuyến/).count(), 0, 'online, the page comes from the server')

    // signing out forgets the kept pages: the next person on this phone cannot read them
    assert.ok((await kept(page)).includes(meeting!))
    await page.getByRole('button', { name: 'Đăng xuất' }).click()
    await page.waitForURL(/\/login/)
    await page.waitForFunction(async () => (await (await caches.open('pages')).keys()).length === 0)
    await page.context().close()
  },

  async 'offline: a page is kept once whatever its query string; lists and unknown pages are not kept'(browser, url) {
    const page = await signIn(browser, url, LOGINS.member)
    await page.goto(`${url}/meetings`)
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready) && !!navigator.serviceWorker.controller)
    const meeting = await firstMeeting(page, url)
    await page.goto(`${url}/meetings/00000000-0000-4000-8000-000000000000`)
    for (let i = 0; i < 3; i++) await page.goto(`${url}${meeting}?v=${i}`)
    const pages = (await kept(page)).filter((p) => !p.startsWith('/materials/'))
    assert.deepEqual(pages, [meeting], 'one page, whatever its query string')
    await page.context().close()
  },

  async 'offline: a library news item read before opens offline with its text and the listen control'(browser, url) {
    // the ward's secretary publishes to the ward (the demo has no library items)
    const ward = await signIn(browser, url, '0901000002')
    await ward.goto(`${url}/library/new`)
    await ward.getByLabel('Loại').selectOption('news')
    await ward.getByLabel('Tiêu đề').fill('Thông báo lịch tiêm phòng cho người cao tuổi')
    await ward.getByLabel(/^Nội dung/).fill('Trạm y tế phường tiêm phòng vào sáng thứ Bảy. Các đồng chí cao tuổi đi cùng người nhà.')
    await ward.getByRole('button', { name: 'Lưu bản nháp' }).click()
    await ward.getByRole('button', { name: 'Phát hành' }).click()
    await ward.getByRole('button', { name: 'Thu hồi' }).waitFor()
    const item = new URL(ward.url()).pathname
    await ward.context().close()

    const page = await signIn(browser, url, LOGINS.member)
    await page.goto(`${url}/library`)
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready) && !!navigator.serviceWorker.controller)
    await page.goto(`${url}${item}`)
    await page.locator('.speak').waitFor() // the button, or the note where the phone has no Vietnamese voice
    await page.waitForFunction(async (path) => (await (await caches.open('pages')).keys()).some((r) => r.url.endsWith(path)), item)
    await page.context().setOffline(true)
    await page.reload()
    await page.getByText(/Đang xem bản lưu ngoại tuyến/).waitFor()
    await page.getByText('Trạm y tế phường tiêm phòng vào sáng thứ Bảy.').waitFor()
    await page.locator('.speak').waitFor()
    await page.screenshot({ path: 'e2e/artifacts/offline-library-360.png', fullPage: true })
    await page.context().close()
  },

  async 'offline app: installable, Chromium finds nothing missing (manifest, PNG icons, service worker)'(_browser, url) {
    // a browser context is incognito, where nothing installs: a profile on disk, as a phone has
    const dir = await mkdtemp(join(tmpdir(), 'sotay-install-'))
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      viewport: { width: 360, height: 740 },
    })
    try {
      const page = context.pages()[0] ?? (await context.newPage())
      await page.goto(`${url}/login`)
      await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên').fill(LOGINS.member)
      await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD)
      await page.getByRole('button', { name: 'Đăng nhập' }).click()
      await page.waitForURL(`${url}/`)
      assert.equal(
        await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length),
        0,
        'not on the first page (its bytes are budgeted)',
      )
      await page.reload()
      await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready) && !!navigator.serviceWorker.controller)
      const cdp = await context.newCDPSession(page)
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] }
      assert.deepEqual(installabilityErrors, [], JSON.stringify(installabilityErrors))
      const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string }
      assert.deepEqual(manifest.errors, [], JSON.stringify(manifest.errors))
    } finally {
      await context.close()
      await rm(dir, { recursive: true, force: true })
    }
  },

  async 'offline listening: a document with data-speak gets a play/pause button where a Vietnamese voice exists, a note where none does'(browser, url) {
    const page = await signIn(browser, url, LOGINS.member)
    const meeting = await firstMeeting(page, url)
    await page.goto(`${url}${meeting}`)
    const speakJs = await page.evaluate(() => (document.querySelector('script[src*="offline.js"]') as HTMLScriptElement).src.replace('offline.js', 'speak.js'))
    const addDocument = (text: string) =>
      page.evaluate(
        ({ text, src }) => {
          for (const el of Array.from(document.querySelectorAll('[data-speak], .speak'))) el.remove()
          const doc = document.createElement('article')
          doc.dataset.speak = ''
          doc.textContent = text
          document.querySelector('main')!.append(doc)
          const script = document.createElement('script')
          script.src = src
          document.head.append(script)
        },
        { text, src: speakJs },
      )

    // this Chromium has no Vietnamese voice: no button, a short note
    const hasVi = await page.evaluate(() => speechSynthesis.getVoices().some((v) => /^vi/i.test(v.lang)))
    if (!hasVi) {
      await addDocument('Nghị quyết số 57. Về đột phá phát triển khoa học.')
      await page.getByText('Máy này chưa có giọng đọc tiếng Việt').waitFor()
      assert.equal(await page.locator('.speak button').isHidden(), true)
    }

    // a phone with a vi-VN voice (stubbed: the test listens to what would be spoken)
    await page.evaluate(FAKE_VOICE)
    await addDocument('Nghị quyết số 57. Về đột phá phát triển khoa học. Công nghệ và đổi mới sáng tạo.')
    const button = page.locator('.speak button')
    await button.waitFor()
    const box = (await button.boundingBox())!
    assert.ok(box.height >= 48, `a large tap target (${box.height} px)`)
    assert.equal((await button.textContent())!.trim(), '▶ Nghe đọc bài này')
    await button.click()
    assert.equal(await button.getAttribute('aria-pressed'), 'true')
    await page.evaluate(() => (speechSynthesis as unknown as { finish(): void }).finish())
    await button.click() // pause during the second sentence
    assert.equal((await button.textContent())!.trim(), '▶ Nghe tiếp')
    await page.waitForTimeout(50)
    await button.click() // play again: the second sentence from its start
    const spoken = await page.evaluate(() => (window as unknown as { spoken: { text: string; lang: string }[] }).spoken)
    assert.deepEqual(
      spoken.map((s) => s.text),
      ['Nghị quyết số 57.', 'Về đột phá phát triển khoa học.', 'Về đột phá phát triển khoa học.'],
    )
    assert.ok(spoken.every((s) => s.lang === 'vi-VN'))
    // the voice fails on a sentence (no end follows an error): the button does not stay on "Tạm dừng" over silence
    await page.evaluate(() => (speechSynthesis as unknown as { fail(): void }).fail())
    await page.getByText('Máy chưa đọc được').waitFor()
    assert.equal(await button.getAttribute('aria-pressed'), 'false')
    assert.equal((await button.textContent())!.trim(), '▶ Nghe tiếp')
    await button.click() // again: the sentence that failed
    assert.equal(await page.evaluate(() => (window as unknown as { spoken: { text: string }[] }).spoken.at(-1)!.text), 'Về đột phá phát triển khoa học.')
    assert.equal(await page.getByText('Máy chưa đọc được').isHidden(), true)
    await page.screenshot({ path: 'e2e/artifacts/offline-speak-360.png' })
    await page.context().close()
  },
}
