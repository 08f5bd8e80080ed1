import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { DEMO_PASSWORD } from './server.ts'

export const LOGINS = { cellSecretary: '0901000003', member: '0901000004' }

export async function signIn(browser: Browser, url: string, login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' })
  const page = await context.newPage()
  await page.goto(`${url}/login`)
  await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên').fill(login)
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await page.waitForURL(`${url}/`)
  return page
}

/** Each scenario is what a person does, in a real browser on a phone-sized screen. */
export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'cell secretary finds a member with an unaccented query, without reloading'(browser, url) {
    const page = await signIn(browser, url, LOGINS.cellSecretary)
    await page.getByRole('link', { name: 'Đảng viên', exact: true }).click()
    await page.waitForURL(`${url}/members`)
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()))
    await page.getByLabel('Tìm theo tên').fill('nguyen thi hong nhung')
    await page.getByText('1 đảng viên').waitFor()
    assert.equal(await page.getByRole('link', { name: 'Nguyễn Thị Hồng Nhung' }).count(), 1)
    assert.equal(await page.evaluate(() => (window as unknown as { marker: number }).marker), marker, 'the page was not reloaded')
    assert.match(page.url(), /q=nguyen/)
    await page.screenshot({ path: 'e2e/artifacts/members-search-360.png', fullPage: true })
    await page.context().close()
  },

  async 'cell secretary fixes a validation error while editing a profile'(browser, url) {
    const page = await signIn(browser, url, LOGINS.cellSecretary)
    await page.goto(`${url}/members?q=hong%20nhung`)
    await page.getByRole('link', { name: 'Nguyễn Thị Hồng Nhung' }).click()
    await page.getByRole('link', { name: 'Sửa hồ sơ' }).click()
    await page.getByLabel('Số điện thoại').fill('12345')
    await page.getByLabel('Chức vụ').fill('Tổ trưởng dân phố')
    await page.getByRole('button', { name: 'Lưu' }).click()
    await page.getByText('Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0.').waitFor()
    assert.equal(await page.getByLabel('Chức vụ').inputValue(), 'Tổ trưởng dân phố', 'input is kept after an error')
    await page.screenshot({ path: 'e2e/artifacts/member-edit-error-360.png', fullPage: true })
    await page.getByLabel('Số điện thoại').fill('0901000004')
    await page.getByRole('button', { name: 'Lưu' }).click()
    await page.getByText('Đã lưu thay đổi hồ sơ.').waitFor()
    await page.getByText('Tổ trưởng dân phố').first().waitFor()
    await page.context().close()
  },

  async 'cell secretary imports a small CSV with one bad row and sees the report'(browser, url) {
    const page = await signIn(browser, url, LOGINS.cellSecretary)
    await page.goto(`${url}/members/import`)
    const csv = 'Họ và tên,Ngày sinh,Giới tính\nCao Văn Một,01/02/1971,Nam\nCao Thị Hai,30/02/1972,Nữ\nCao Văn Ba,03/04/1973,Nam\n'
    await page.getByLabel(/Tệp CSV hoặc Excel/).setInputFiles({ name: 'chi-bo.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByRole('button', { name: 'Kiểm tra tệp (chưa lưu)' }).click()
    await page.getByText('3 dòng:').waitFor()
    const row = page.locator('#import-errors tbody tr')
    assert.equal(await row.count(), 1)
    // the text as the person sees it, cells apart (textContent would run them together)
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
    assert.match(await row.innerText(), /3\s+Cao Thị Hai\s+(Lỗi: )?Ngày sinh: ngày không hợp lệ/)
    await page.screenshot({ path: 'e2e/artifacts/import-report-360.png', fullPage: true })
    await page.getByRole('button', { name: /Nhập 2 dòng hợp lệ/ }).click()
    await page.getByText('Đã nhập 2 đảng viên.').waitFor()
    await page.context().close()
  },

  async "a member gets 404 on another cell's member"(browser, url) {
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    await secretary.goto(`${url}/members?q=nguyen%20thi%20hong%20nhung`)
    const own = await secretary.getByRole('link', { name: 'Nguyễn Thị Hồng Nhung' }).getAttribute('href')
    await secretary.context().close()
    const staff = await signIn(browser, url, '0901000001')
    await staff.goto(`${url}/members?org=&q=`)
    const hrefs = await staff.locator('#member-rows a[href^="/members/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    await staff.context().close()
    const member = await signIn(browser, url, LOGINS.member)
    const ownPage = await member.goto(`${url}${own}`)
    assert.equal(ownPage?.status(), 200, 'a member reads his/her own record')
    const other = hrefs.find((h) => h !== own)!
    const res = await member.goto(`${url}${other}`)
    assert.equal(res?.status(), 404)
    await member.getByText('Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.').waitFor()
    await member.context().close()
  },
}
