import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { LOGINS, signIn } from './members.e2e.ts'

const WARD_SECRETARY = '0901000002'
const CITY_STAFF = '0901000001'

/** No screen of the flow is wider than the phone. */
async function fits(page: Page, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `${what}: ${width} px wide at 360 px`)
}

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'an official transfer between two cells of two wards: requested, confirmed, letter issued and printed, accepted; the old secretary loses sight'(
    browser,
    url,
  ) {
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    // a member of the cell other than the demo people (their logins serve the other scenarios)
    await secretary.goto(`${url}/members`)
    const profiles = await secretary
      .locator('a[href^="/members/"]')
      .evaluateAll((links) =>
        links
          .map((a) => ({ href: a.getAttribute('href') ?? '', name: (a.textContent ?? '').trim() }))
          .filter((l) => /^\/members\/[0-9a-f-]{36}$/.test(l.href) && !['Nguyễn Thị Hồng Nhung', 'Trần Văn Bình'].includes(l.name)),
      )
    const { href: profile, name } = profiles[0]
    await secretary.goto(`${url}${profile}`)
    await secretary.getByRole('link', { name: 'Làm thủ tục chuyển sinh hoạt' }).click()
    await secretary.getByLabel('Tìm chi bộ nhận').fill('khu pho 1 quang trung')
    await secretary.getByRole('button', { name: 'Tìm' }).click()
    await secretary.getByRole('radio', { name: 'Chi bộ khu phố 1 — Đảng bộ phường Quang Trung', exact: true }).check()
    await secretary.getByLabel('Lý do').fill('Chuyển nơi cư trú')
    await fits(secretary, 'the request form')
    await secretary.getByRole('button', { name: 'Gửi đề nghị' }).click()
    await secretary.getByText('Đã gửi đề nghị chuyển sinh hoạt đảng.').waitFor()
    const transfer = secretary.url().split('?')[0]

    await secretary.getByLabel('Đã đóng đảng phí đến hết tháng').fill('2026-10')
    await secretary.getByLabel('Đảng viên không đang bị kiểm tra, xem xét kỷ luật').check()
    await secretary.getByRole('button', { name: 'Xác nhận' }).click()
    await secretary.getByText('Đã xác nhận. Cấp ủy cấp trên sẽ cấp giấy giới thiệu.').waitFor()
    await fits(secretary, 'the transfer page')

    const ward = await signIn(browser, url, WARD_SECRETARY)
    await ward.goto(transfer)
    await ward.getByLabel('Số giấy giới thiệu').fill('15')
    await ward.getByRole('button', { name: 'Cấp giấy' }).click()
    await ward.getByText('Đã cấp giấy giới thiệu sinh hoạt đảng.').waitFor()
    await ward.getByText('Đang chuyển (chờ tiếp nhận)').waitFor()
    await ward.screenshot({ path: 'e2e/artifacts/transfer-issued-360.png', fullPage: true })
    // the ward's register counts the member in transit
    await ward.goto(`${url}/transfers?tab=transit`)
    await ward.getByRole('link', { name, exact: true }).waitFor()
    await fits(ward, 'the register')
    await ward.screenshot({ path: 'e2e/artifacts/transfer-register-360.png', fullPage: true })
    await ward.goto(transfer)
    await ward.getByRole('link', { name: 'In giấy giới thiệu' }).click()
    await ward.getByText('SINH HOẠT ĐẢNG CHÍNH THỨC').waitFor()
    await ward.getByText('Được chuyển đến sinh hoạt đảng tại: Chi bộ khu phố 1, Đảng bộ phường Quang Trung').waitFor()
    await fits(ward, 'the letter')
    await ward.emulateMedia({ media: 'print' })
    const pdf = await ward.pdf({ preferCSSPageSize: true })
    // one A4 page: 595 × 842 points
    const text = pdf.toString('latin1')
    assert.equal((text.match(/\/Type\s*\/Page[^s]/g) ?? []).length, 1, 'the letter prints on one page')
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(text)
    assert.ok(box && Math.abs(Number(box[1]) - 595) < 2 && Math.abs(Number(box[2]) - 842) < 2, `A4, not ${box?.[0]}`)
    await ward.screenshot({ path: 'e2e/artifacts/transfer-letter-print.png', fullPage: true })

    // the receiving side: the city committee above the receiving ward accepts
    const city = await signIn(browser, url, CITY_STAFF)
    await city.goto(transfer)
    await city.getByRole('button', { name: 'Tiếp nhận' }).click()
    await city.getByText('Đã tiếp nhận sinh hoạt đảng. Đảng viên đã thuộc chi bộ mới.').waitFor()
    await city.goto(`${url}${profile}`)
    await city.getByText('Đã tiếp nhận').waitFor()

    // the old cell's secretary no longer reaches the member
    const gone = await secretary.goto(`${url}${profile}`)
    assert.equal(gone?.status(), 404, `${name} is out of the old secretary's sight`)
    await secretary.goto(`${url}/members`)
    assert.equal(await secretary.getByRole('link', { name, exact: true }).count(), 0)
    await secretary.context().close()
    await ward.context().close()
    await city.context().close()
  },
}
