import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { signIn } from './members.e2e.ts'

const LOGINS = { grassroots: '0901000002', cellSecretary: '0901000003', member: '0901000004' }

/** A Vietnam date some days ahead, as a date input takes it. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10)

/** Nothing wider than the phone's screen. */
async function fitsTheScreen(page: Page, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `${what}: ${width} px wide on a 360 px screen`)
}

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'an evaluation round for a cell: the ward opens a period, the member assesses, the cell proposes, the ward decides (360 px)'(browser, url) {
    const ward = await signIn(browser, url, LOGINS.grassroots)
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    const member = await signIn(browser, url, LOGINS.member)
    const memberName = (await member.locator('.who a').textContent())!.trim()

    await ward.goto(`${url}/evaluations`)
    await ward.getByRole('link', { name: 'Mở đợt đánh giá' }).click()
    await ward.getByLabel('Tên đợt đánh giá').fill('Đánh giá thử năm 2026')
    await ward.getByLabel('Hạn đảng viên tự đánh giá').fill(inDays(7))
    await ward.getByLabel('Hạn chi bộ họp, đề xuất').fill(inDays(14))
    await ward.getByLabel('Hạn cấp ủy quyết định').fill(inDays(21))
    await fitsTheScreen(ward, 'the period form')
    await ward.getByRole('button', { name: 'Mở đợt đánh giá' }).click()
    await ward.getByText('Đã mở đợt đánh giá.').waitFor()
    const periodUrl = ward.url().split('&')[0]
    await fitsTheScreen(ward, "the ward's list")
    await ward.getByRole('link', { name: 'Tiêu chí, kết thúc đợt' }).first().click()
    await ward.getByRole('button', { name: 'Lưu bộ tiêu chí' }).waitFor()
    await fitsTheScreen(ward, 'the period page')

    await member.goto(`${url}/evaluations`)
    await member.getByRole('link', { name: 'Đánh giá thử năm 2026' }).first().click()
    const scores = member.locator('input[name^="score_"]')
    assert.equal(await scores.count(), 7, 'the 100-point form has its seven criteria')
    for (let i = 0; i < 7; i++) {
      const input = scores.nth(i)
      const label = await member.locator(`label[for="${await input.getAttribute('id')}"]`).textContent()
      const max = /tối đa (\d+) điểm/.exec(label ?? '')![1]
      await input.fill(i === 0 ? String(Number(max) - 5) : max)
    }
    await member.getByLabel('Tôi đã hoàn thành tất cả nhiệm vụ được giao trong năm').check()
    await member.getByLabel('Tự nhận xét ưu điểm, hạn chế').fill('Hoàn thành tốt nhiệm vụ chuyên môn.')
    await fitsTheScreen(member, 'the self-assessment')
    await member.getByRole('button', { name: 'Gửi bản tự đánh giá' }).click()
    await member.getByText('Đã gửi bản tự đánh giá.').waitFor()
    await member.getByText('95 điểm').first().waitFor()
    const evaluationUrl = member.url().split('?')[0]

    await secretary.goto(periodUrl)
    await secretary.getByRole('link', { name: memberName }).click()
    await secretary.getByLabel('Số đảng viên tán thành').fill('3')
    await secretary.getByLabel('Số đảng viên không tán thành').fill('0')
    await secretary.getByLabel('Mức chi bộ đề xuất').selectOption('good')
    await fitsTheScreen(secretary, 'the proposal')
    await secretary.screenshot({ path: 'e2e/artifacts/evaluation-proposal-360.png', fullPage: true })
    await secretary.getByRole('button', { name: 'Ghi đề xuất của chi bộ' }).click()
    await secretary.getByText('Đã ghi đề xuất của chi bộ.').waitFor()

    await ward.goto(evaluationUrl)
    await ward.getByLabel('Mức xếp loại').selectOption('good')
    await ward.getByRole('button', { name: 'Lưu quyết định' }).click()
    await ward.getByText('Đã lưu quyết định xếp loại.').waitFor()

    await member.goto(`${url}/notifications`)
    await member.getByText('Đã có kết quả xếp loại: Đánh giá thử năm 2026').waitFor()
    await member.goto(evaluationUrl)
    await member.getByText('Hoàn thành tốt nhiệm vụ').first().waitFor()
    await fitsTheScreen(member, 'the decided evaluation')
    await member.screenshot({ path: 'e2e/artifacts/evaluation-member-360.png', fullPage: true })
    for (const page of [ward, secretary, member]) await page.context().close()
  },
}
