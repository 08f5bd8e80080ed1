import assert from 'node:assert/strict'
import type { Browser, Page, Request } from 'playwright-core'
import { LOGINS } from './members.e2e.ts'
import { errorWatch, newContext, signInAs, submitLogin } from './watch.ts'

const WARD_SECRETARY = '0901000002'

/** The secretary schedules a meeting of his cell and returns its URL. */
async function scheduleMeeting(secretary: Page, url: string, title: string) {
  await secretary.goto(`${url}/meetings/new`)
  await secretary.getByLabel('Tiêu đề').fill(title)
  await secretary.getByRole('button', { name: 'Lưu' }).click()
  await secretary.getByText('Đã lưu lịch sinh hoạt.').waitFor()
  return secretary.url().split('?')[0]
}

async function postComment(page: Page, text: string) {
  await page.getByLabel('Ý kiến của bạn').fill(text)
  await page.getByRole('button', { name: 'Gửi ý kiến' }).click()
  await page.getByText('Đã gửi ý kiến.').waitFor()
}

/** Requests of the page's comment stream, with when each started and finished. */
function streamLog(page: Page) {
  const log: { request: Request; started: number; finished?: number; status?: number }[] = []
  const isStream = (request: Request) => /\/comments\/meetings\/[^/]+\/stream/.test(request.url())
  page.on('request', (request) => {
    if (isStream(request)) log.push({ request, started: Date.now() })
  })
  const end = (request: Request) => {
    const entry = log.find((e) => e.request === request)
    if (entry) entry.finished = Date.now()
  }
  page.on('requestfinished', end)
  page.on('requestfailed', end)
  page.on('response', (response) => {
    const entry = log.find((e) => e.request === response.request())
    if (entry) entry.status = response.status()
  })
  return log
}

/** A regression of a bug this scenario found (both were fixed): fails the run. */
function knownBug(message: string): never {
  assert.fail(`regression: ${message}`)
}

/** Marks the page's window: if the mark is still there later, the page never reloaded. */
const markWindow = (page: Page) => page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()))
const windowMark = (page: Page) => page.evaluate(() => (window as unknown as { marker: number }).marker)

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'logout in one browser ends the session everywhere: a copy of the cookie in another browser loses its live stream and its next page'(browser, url) {
    const errors = errorWatch()
    const secretary = await signInAs(browser, errors, url, LOGINS.cellSecretary, 'secretary (C)')
    const meetingUrl = await scheduleMeeting(secretary, url, 'Họp kiểm tra phiên đăng nhập')

    const a = await signInAs(browser, errors, url, LOGINS.member, 'member (A)')
    await a.goto(meetingUrl)
    await a.getByText('Chưa có ý kiến nào.').waitFor()

    // B: another browser holding a copy of A's cookies
    const contextB = await newContext(browser, errors, 'cookie copy (B)')
    await contextB.addCookies(await a.context().cookies())
    const b = await contextB.newPage()
    const streams = streamLog(b)
    await b.goto(meetingUrl)
    await b.getByText('Chưa có ý kiến nào.').waitFor()
    const bMarker = await markWindow(b)
    assert.equal(streams.length, 1, 'B opened one comment stream')

    // B's stream is live: a comment posted in A arrives in B without a reload
    await postComment(a, 'Ý kiến trước khi đăng xuất')
    await b.getByText('Ý kiến trước khi đăng xuất').waitFor({ timeout: 5000 })
    assert.equal(await windowMark(b), bMarker, 'arrived live in B')
    assert.equal(streams[0].finished, undefined, 'the stream is still open')

    // A logs out from the header
    const loggedOutAt = Date.now()
    await a.getByRole('button', { name: 'Đăng xuất' }).click()
    await a.waitForURL(/\/login$/)
    await a.goto(meetingUrl)
    assert.match(a.url(), /\/login\?next=/, 'A is signed out')

    // the server closes B's stream at once
    const deadline = Date.now() + 5000
    while (streams[0].finished === undefined && Date.now() < deadline) await b.waitForTimeout(100)
    assert.ok(streams[0].finished, "the server closed B's stream within 5 s of the logout")
    const closedAfter = streams[0].finished! - loggedOutAt

    // a comment of another user no longer reaches B
    await secretary.goto(meetingUrl)
    await postComment(secretary, 'Ý kiến sau khi đăng xuất')
    await b.waitForTimeout(2500)
    assert.equal(await b.getByText('Ý kiến sau khi đăng xuất').count(), 0, 'B no longer receives comments')
    const retries = streams.slice(1)
    const window = Date.now() - loggedOutAt
    console.log(`    B's stream closed ${closedAfter} ms after the logout; ${retries.length} reconnects in the next ${window} ms`)
    // found here and fixed: the dead session's reconnects were answered 204 + HX-Redirect, which
    // hx-sse takes for a success, so it retried every ~0.5 s forever; now the server's last frames
    // say why and close the stream (hx-sse:close="ended")
    if (retries.length > 1) knownBug(`after the logout B's page reconnects its comment stream ${retries.length} times in ${window} ms, without end`)
    await b.getByText('Phiên đăng nhập đã kết thúc').waitFor({ timeout: 5000 })

    // B's next navigation lands on the login page
    await b.goto(meetingUrl)
    assert.match(b.url(), /\/login\?next=/, "B's copied cookie is dead")
    await b.getByRole('button', { name: 'Đăng nhập' }).waitFor()
    for (const page of [a, b, secretary]) await page.context().close()
    errors.assertNone()
  },

  async 'a new account must change its temporary password first; a reset by the secretary signs the member out'(browser, url) {
    const errors = errorWatch()
    const secretary = await signInAs(browser, errors, url, LOGINS.cellSecretary, 'secretary')
    const phone = `0912${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`
    await secretary.goto(`${url}/members/new`)
    await secretary.getByLabel('Họ và tên').fill('Đỗ Văn Mới')
    await secretary.getByLabel('Ngày sinh').fill('1990-03-15')
    await secretary.getByLabel('Giới tính').selectOption({ label: 'Nam' })
    await secretary.getByLabel('Số điện thoại').fill(phone)
    await secretary.getByRole('button', { name: 'Lưu' }).click()
    await secretary.getByRole('heading', { name: 'Đỗ Văn Mới' }).waitFor()
    await secretary.getByText('Chưa có tài khoản').waitFor()
    const profileUrl = secretary.url().split('?')[0]

    const issue = async (button: string) => {
      await secretary.getByRole('button', { name: button }).click()
      const notice = await secretary.getByText(/Mật khẩu tạm: /).textContent()
      return /Mật khẩu tạm: (\S+) —/.exec(notice!)![1]
    }
    const temporary = await issue('Cấp mật khẩu tạm')
    await secretary.getByText('Đã có tài khoản, chưa đăng nhập').waitFor()

    // the member signs in on his own phone with the temporary password: the password page comes first
    const member = await (await newContext(browser, errors, 'new member')).newPage()
    const passwordPageLoads: number[] = []
    const countRequests: number[] = []
    member.on('request', (request) => {
      const path = new URL(request.url()).pathname
      if (path === '/account/password' && request.method() === 'GET') passwordPageLoads.push(Date.now())
      if (path === '/notifications/count') countRequests.push(Date.now())
    })
    await submitLogin(member, url, phone, temporary)
    await member.waitForURL(`${url}/account/password`)
    await member.getByText('Đây là lần đăng nhập đầu tiên với mật khẩu tạm.').waitFor()
    const settled = (since: number) => passwordPageLoads.filter((t) => t >= since).length
    const watchFrom = Date.now()
    await member.waitForTimeout(3000)
    const loadsWhileForced = passwordPageLoads.length
    console.log(`    forced password page: ${loadsWhileForced} loads of /account/password, ${countRequests.length} of /notifications/count in about 3 s`)
    if (settled(watchFrom) > 1 || loadsWhileForced > 2) {
      // Found here and fixed: the header's unread count (hx-get /notifications/count, trigger
      // "load") was answered HX-Redirect: /account/password while the password had to be changed,
      // so the password page reloaded itself in a loop and the form could not be filled in.
      knownBug(`the forced password page reloads itself: ${loadsWhileForced} loads of /account/password in 3 s`)
      await member.route('**/notifications/count', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '' }))
      await member.goto(`${url}/account/password`)
      const quietFrom = Date.now()
      await member.waitForTimeout(1500)
      assert.equal(settled(quietFrom), 0, 'the loop came from the unread count')
    }

    // any other page leads back to the password page until it is changed
    await member.goto(`${url}/meetings`)
    assert.equal(new URL(member.url()).pathname, '/account/password')
    await member.locator('#f-current').fill(temporary)
    await member.locator('#f-password').fill('mat-khau-rieng-2026')
    await member.locator('#f-confirm').fill('mat-khau-rieng-2026')
    await member.getByRole('button', { name: 'Đổi mật khẩu' }).click()
    await member.getByText('Đã đổi mật khẩu.').waitFor()
    await member.unroute('**/notifications/count')
    await member.getByRole('link', { name: 'Về trang chủ' }).click()
    await member.waitForURL(`${url}/`)
    const homeFrom = Date.now()
    await member.waitForTimeout(3000)
    assert.equal(settled(homeFrom), 0, 'home stays home: no redirect to the password page')
    assert.equal(new URL(member.url()).pathname, '/')
    const homeMarker = await markWindow(member)

    // the secretary resets the password: the member's open page is signed out at its next step
    await secretary.goto(profileUrl)
    const second = await issue('Đặt lại mật khẩu')
    assert.notEqual(second, temporary)
    assert.equal(await windowMark(member), homeMarker)
    await member.getByRole('link', { name: 'Sinh hoạt', exact: true }).click()
    await member.waitForURL(/\/login\?next=%2Fmeetings/)
    await member.getByRole('button', { name: 'Đăng nhập' }).waitFor()

    // the changed password is gone with the reset; the new temporary one leads to the password page again
    errors.allow(/^new member: console: Failed to load resource: the server responded with a status of 401 .*\/login\)$/)
    await submitLogin(member, url, phone, 'mat-khau-rieng-2026')
    await member.getByText('Số điện thoại/số thẻ hoặc mật khẩu không đúng.').waitFor()
    await submitLogin(member, url, phone, second)
    await member.waitForURL(`${url}/account/password`)
    for (const page of [member, secretary]) await page.context().close()
    errors.assertNone()
  },

  async "a cell secretary cannot reset his ward secretary's password; her sessions and password stay"(browser, url) {
    const errors = errorWatch()
    const ward = await signInAs(browser, errors, url, WARD_SECRETARY, 'ward secretary')
    const secretary = await signInAs(browser, errors, url, LOGINS.cellSecretary, 'cell secretary')
    await secretary.getByRole('link', { name: 'Đảng viên', exact: true }).click()
    await secretary.getByLabel('Tìm theo tên').fill('le thi hoa')
    await secretary.getByRole('link', { name: 'Lê Thị Hoa' }).click()
    await secretary.getByRole('heading', { name: 'Lê Thị Hoa' }).waitFor()
    const profileUrl = secretary.url()

    // no button offers it, and a hand-made request is refused by the database all the same
    assert.equal(await secretary.getByRole('button', { name: /mật khẩu tạm|phiếu/ }).count(), 0, 'no button to reset a superior')
    const csrf = await secretary.locator('input[name="_csrf"]').first().inputValue()
    const answer = await secretary.request.post(`${profileUrl.split('?')[0]}/login`, { form: { _csrf: csrf }, headers: { Origin: url } })
    assert.equal(answer.status(), 403)
    assert.match(await answer.text(), /cấp trên/)
    assert.doesNotMatch(await answer.text(), /Mật khẩu tạm:/)
    await secretary.screenshot({ path: 'e2e/artifacts/reset-refused-360.png', fullPage: true })
    // the refusal is not a password: the profile reads the same after a reload
    await secretary.goto(profileUrl)
    assert.equal(await secretary.getByText(/Mật khẩu tạm/).count(), 0)

    // her open session lives on, and the demo password still signs her in elsewhere
    await ward.getByRole('link', { name: 'Đảng viên', exact: true }).click()
    await ward.waitForURL(`${url}/members`)
    const again = await signInAs(browser, errors, url, WARD_SECRETARY, 'ward secretary again')
    for (const page of [ward, again, secretary]) await page.context().close()
    errors.assertNone()
  },
}
