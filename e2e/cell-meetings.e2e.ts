import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { LOGINS, signIn } from './members.e2e.ts'

/** Marks the page's window: if the mark is still there later, the page never reloaded. */
const markWindow = (page: Page) => page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()))
const windowMark = (page: Page) => page.evaluate(() => (window as unknown as { marker: number }).marker)

/** Fills the meeting form so the meeting is under way: it started two minutes ago (Vietnam time), entered as already held. */
async function underWay(page: Page) {
  const at = new Date(
    Math.max(Date.now() - 2 * 60_000, Date.parse(`${new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)}T00:00:00+07:00`)) + 7 * 3600_000,
  ).toISOString()
  await page.getByLabel('Ngày họp').fill(at.slice(0, 10))
  await page.getByLabel('Giờ bắt đầu').fill(at.slice(11, 16))
  await page.getByLabel('Ghi lại cuộc họp đã diễn ra').check()
}

/** Collects what the browser reports about the Content-Security-Policy (an inline style, a script). */
function cspViolations(page: Page): string[] {
  const seen: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text())
  })
  return seen
}

/** The demo member opens the meeting page and checks in. */
async function memberChecksIn(browser: Browser, url: string, meetingUrl: string) {
  const member = await signIn(browser, url, LOGINS.member)
  await member.goto(meetingUrl)
  const marker = await markWindow(member)
  await member.getByRole('button', { name: 'Tôi có mặt' }).click()
  await member.getByText('Bạn: Có mặt').waitFor()
  return { member, marker }
}

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'secretary schedules a meeting; a member checks in and comments; the secretary sees it live on the open page'(browser, url) {
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    await secretary.getByRole('link', { name: 'Sinh hoạt', exact: true }).click()
    await secretary.getByRole('link', { name: 'Lên lịch sinh hoạt' }).click()
    await secretary.getByLabel('Địa điểm').fill('Nhà văn hóa khu phố 1')
    await secretary.getByLabel('Chương trình').fill('1. Kiểm điểm\n2. Phương hướng')
    await underWay(secretary)
    await secretary.getByRole('button', { name: 'Lưu' }).click()
    await secretary.getByText('Đã lưu lịch sinh hoạt.').waitFor()
    const meetingUrl = secretary.url().split('?')[0]

    // the secretary keeps the meeting page open: the comment must arrive live
    await secretary.goto(meetingUrl)
    await secretary.getByText('Chưa có ý kiến nào.').waitFor()
    await secretary.getByText('0 ý kiến').waitFor()
    const violations = cspViolations(secretary)
    const secretaryMarker = await markWindow(secretary)
    const { member, marker } = await memberChecksIn(browser, url, meetingUrl)
    assert.equal(await windowMark(member), marker, 'no reload')
    await member.getByLabel('Ý kiến của bạn').fill('Đề nghị bổ sung nội dung <b>học tập</b> nghị quyết.')
    await member.getByRole('button', { name: 'Gửi ý kiến' }).click()
    await member.getByText('Đã gửi ý kiến.').waitFor()
    await member.getByText('Đề nghị bổ sung nội dung <b>học tập</b> nghị quyết.').waitFor()
    assert.equal(await windowMark(member), marker, 'no reload')
    await member.screenshot({ path: 'e2e/artifacts/meeting-member-360.png', fullPage: true })

    await secretary.getByText('Đề nghị bổ sung nội dung <b>học tập</b> nghị quyết.').waitFor({ timeout: 5000 })
    await secretary.getByText('1 ý kiến').waitFor({ timeout: 5000 })
    assert.equal(await windowMark(secretary), secretaryMarker, 'arrived live, no reload')
    assert.deepEqual(violations, [], 'no CSP violation while comments arrive')
    await secretary.reload()
    await secretary
      .getByText(/Có mặt\s+1/)
      .first()
      .waitFor()
    await secretary.getByRole('button', { name: 'Tiếp thu vào nghị quyết' }).click()
    await secretary.getByText('Đã đánh dấu: tiếp thu vào nghị quyết.').waitFor()
    await secretary.screenshot({ path: 'e2e/artifacts/meeting-secretary-360.png', fullPage: true })
    await member.context().close()
    await secretary.context().close()
  },

  async 'during the meeting: the member votes and comments, the secretary sees both live; a hidden comment disappears for the member; closing shows the result'(
    browser,
    url,
  ) {
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    await secretary.goto(`${url}/meetings/new`)
    await secretary.getByLabel('Tiêu đề').fill('Họp biểu quyết nghị quyết')
    await underWay(secretary)
    await secretary.getByRole('button', { name: 'Lưu' }).click()
    await secretary.getByText('Đã lưu lịch sinh hoạt.').waitFor()
    const meetingUrl = secretary.url().split('?')[0]
    await secretary.getByText('Chưa mở biểu quyết.').waitFor()
    const violations = cspViolations(secretary)
    const secretaryMarker = await markWindow(secretary)
    const { member, marker } = await memberChecksIn(browser, url, meetingUrl)
    const memberViolations = cspViolations(member)
    await member.getByText('Chưa mở biểu quyết.').waitFor()

    // the vote opens on the secretary's page; the member's buttons arrive live
    await secretary.getByRole('button', { name: 'Mở biểu quyết' }).click()
    await secretary.getByText('Đã mở biểu quyết.').waitFor()
    await member.getByRole('button', { name: 'Tán thành', exact: true }).click({ timeout: 5000 })
    await member.getByText('Bạn đã chọn:').waitFor()
    await secretary.locator('#vote-tally li', { hasText: 'Tán thành: 1' }).first().waitFor({ timeout: 5000 })
    // the secretary checks in during the vote: his/her buttons appear without a reload
    await secretary.getByRole('button', { name: 'Tôi có mặt' }).click()
    await secretary.getByText('Bạn: Có mặt').waitFor()
    await secretary.getByRole('button', { name: 'Tán thành', exact: true }).click({ timeout: 5000 })
    await secretary.locator('#vote-tally li', { hasText: 'Tán thành: 2' }).first().waitFor({ timeout: 5000 })

    await member.getByLabel('Ý kiến của bạn').fill('Ý kiến cần ẩn trong buổi họp')
    await member.getByRole('button', { name: 'Gửi ý kiến' }).click()
    await member.getByText('Đã gửi ý kiến.').waitFor()
    const live = secretary.locator('li', { hasText: 'Ý kiến cần ẩn trong buổi họp' })
    await live.waitFor({ timeout: 5000 })
    await live.getByLabel('Lý do ẩn ý kiến').fill('Không đúng nội dung')
    await live.getByRole('button', { name: 'Ẩn' }).click()
    await secretary.getByText('Đã ẩn ý kiến.').waitFor()
    await member.getByText('Ý kiến đã bị ẩn: Không đúng nội dung').waitFor({ timeout: 5000 })
    assert.equal(await member.getByText('Ý kiến cần ẩn trong buổi họp').count(), 0, 'the hidden text is gone for the member')

    secretary.once('dialog', (dialog) => void dialog.accept())
    await secretary.getByRole('button', { name: 'Kết thúc biểu quyết' }).click()
    await secretary.getByText('Đã kết thúc biểu quyết. Kết quả đã được ghi lại.').waitFor()
    await member.getByText('Nghị quyết được thông qua').waitFor({ timeout: 5000 })
    assert.equal(await member.getByRole('button', { name: 'Tán thành', exact: true }).count(), 0, 'no buttons after the vote closed')
    assert.equal(await windowMark(member), marker, 'the member never reloaded')
    assert.equal(await windowMark(secretary), secretaryMarker, 'the secretary never reloaded')
    assert.deepEqual([...violations, ...memberViolations], [], 'no CSP violation while comments and votes arrive')
    await member.screenshot({ path: 'e2e/artifacts/meeting-vote-member-360.png', fullPage: true })
    await member.context().close()
    await secretary.context().close()
  },

  async 'after the meeting: the minutes are drafted from the data, approved by the chair, and print on A4 without the app around them'(browser, url) {
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    const me = (await secretary.locator('.who a').textContent())!.trim()
    await secretary.goto(`${url}/meetings/new`)
    await secretary.getByLabel('Tiêu đề').fill('Họp lập biên bản')
    await secretary.getByLabel('Chủ trì').selectOption({ label: me })
    await secretary.getByLabel('Thư ký').selectOption({ label: me })
    await underWay(secretary)
    await secretary.getByRole('button', { name: 'Lưu' }).click()
    await secretary.getByText('Đã lưu lịch sinh hoạt.').waitFor()
    await secretary.getByRole('button', { name: 'Tôi có mặt' }).click()
    await secretary.getByText('Bạn: Có mặt').waitFor()
    await secretary.getByRole('link', { name: 'Biên bản buổi sinh hoạt' }).click()
    await secretary.getByRole('button', { name: 'Lập dự thảo biên bản' }).click()
    await secretary.getByText('Đã lập dự thảo biên bản').waitFor()
    const draft = await secretary.getByLabel(/Nội dung biên bản/).inputValue()
    assert.match(draft, /Có mặt: 1\./)
    await secretary.getByLabel(/Nội dung biên bản/).fill(`${draft}\nChi bộ thống nhất 100%.`)
    await secretary.getByRole('button', { name: 'Lưu biên bản' }).click()
    await secretary.getByText('Đã lưu biên bản.').waitFor()
    // approving cannot be undone: the page asks once, naming what it locks
    let asked = ''
    secretary.once('dialog', (dialog) => {
      asked = dialog.message()
      void dialog.accept()
    })
    await secretary.getByRole('button', { name: 'Duyệt và khóa biên bản' }).click()
    await secretary.getByText('Đã duyệt biên bản.').waitFor()
    assert.match(asked, /chốt điểm danh/)
    assert.equal(await secretary.getByLabel(/Nội dung biên bản/).count(), 0, 'locked: no editor')

    await secretary.emulateMedia({ media: 'print' })
    assert.equal(await secretary.locator('nav.nav').isVisible(), false, 'no navigation on paper')
    assert.equal(await secretary.getByRole('button', { name: 'In biên bản (A4)' }).isVisible(), false, 'no buttons on paper')
    assert.equal(await secretary.getByText('Chi bộ thống nhất 100%.').isVisible(), true)
    await secretary.screenshot({ path: 'e2e/artifacts/minutes-print.png', fullPage: true })
    const pdf = await secretary.pdf({ preferCSSPageSize: true })
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'))!
    assert.ok(Math.abs(Number(box[1]) - 595.3) < 2 && Math.abs(Number(box[2]) - 841.9) < 2, `A4 page, got ${box[1]}×${box[2]} pt`)
    await secretary.context().close()
  },
}
