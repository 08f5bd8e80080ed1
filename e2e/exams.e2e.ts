import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { signIn } from './members.e2e.ts'

const LOGINS = { grassroots: '0901000002', member: '0901000004' }

/** No horizontal scrolling on a 360 px phone. */
async function fits(page: Page, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `${what}: the page is ${width} px wide at 360 px`)
}

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'an exam: the ward sets it, a member answers, loses the connection, comes back, resumes with the answers kept and hands in'(browser, url) {
    const ward = await signIn(browser, url, LOGINS.grassroots)
    await ward.goto(`${url}/exams`)
    await ward.getByRole('link', { name: 'Ngân hàng câu hỏi', exact: true }).click()
    await ward.getByLabel('Tên ngân hàng câu hỏi').fill('Lịch sử Đảng')
    await ward.getByRole('button', { name: 'Tạo', exact: true }).click()
    await ward.getByText('Đã tạo ngân hàng câu hỏi.').waitFor()
    const questions = [
      { body: 'Đảng Cộng sản Việt Nam thành lập năm nào?', options: ['1925', '1930', '1945'], correct: 2 },
      { body: 'Đại hội XIV của Đảng họp năm nào?', options: ['2021', '2026'], correct: 2 },
    ]
    for (const q of questions) {
      await ward.getByLabel('Nội dung câu hỏi').fill(q.body)
      for (const [i, option] of q.options.entries()) await ward.getByLabel(`Phương án ${'ABCDEF'[i]}`, { exact: true }).fill(option)
      await ward.locator(`input[name="correct"][value="${q.correct}"]`).check()
      await ward.getByRole('button', { name: 'Thêm câu hỏi' }).click()
      await ward.getByText('Đã thêm câu hỏi.').waitFor()
    }
    await fits(ward, 'the bank')
    await ward.getByRole('link', { name: 'Tạo bài kiểm tra từ ngân hàng này' }).click()
    await ward.getByLabel('Tên bài kiểm tra').fill('Kiểm tra nhanh lịch sử Đảng')
    await ward.getByRole('button', { name: 'Tạo bài kiểm tra' }).click()
    await ward.getByText('Đã tạo bài kiểm tra.').waitFor()
    await fits(ward, 'the exam (manager)')

    const member = await signIn(browser, url, LOGINS.member)
    await member.goto(`${url}/exams`)
    await member.getByRole('link', { name: 'Kiểm tra nhanh lịch sử Đảng' }).click()
    const examUrl = member.url().split('?')[0]
    await member.getByRole('button', { name: 'Bắt đầu làm bài' }).click()
    await member.locator('#clock').waitFor()
    await fits(member, 'the attempt')
    const fieldsets = member.locator('fieldset.question')
    assert.equal(await fieldsets.count(), 2)
    // each choice is saved as it is made
    await fieldsets.nth(0).locator('input').nth(0).check()
    await fieldsets.nth(0).getByText('Đã lưu').waitFor()

    // the connection drops while the member chooses the second answer: not sent, and said so
    await member.context().setOffline(true)
    await fieldsets.nth(1).locator('input').nth(1).check()
    await member.locator('#net-status').waitFor({ state: 'visible' })
    await fieldsets.nth(1).getByText('Chưa lưu').waitFor()
    const secondChoice = await fieldsets.nth(1).locator('input').nth(1).getAttribute('value')
    // and changes the first, saved a moment ago: its "Đã lưu" no longer stands beside a choice the server has not got
    await fieldsets.nth(0).locator('input').nth(1).check()
    await fieldsets.nth(0).getByText('Chưa lưu').waitFor()
    assert.ok(!(await fieldsets.nth(0).locator('.save-state').textContent())?.includes('Đã lưu'), 'an unsent change is not shown as saved')
    const firstChoice = await fieldsets.nth(0).locator('input').nth(1).getAttribute('value')
    // back online: the choices made offline are sent again
    await member.context().setOffline(false)
    await fieldsets.nth(1).getByText('Đã lưu').waitFor()
    await fieldsets.nth(0).getByText('Đã lưu').waitFor()

    // reopening the exam (another tab, a restarted browser) resumes the attempt with both answers
    await member.goto(examUrl)
    await member.getByRole('button', { name: 'Tiếp tục làm bài' }).click()
    await member.locator('#clock').waitFor()
    for (const value of [firstChoice, secondChoice]) assert.ok(await member.locator(`input[value="${value}"]`).isChecked(), 'a saved answer is kept')
    await member.screenshot({ path: 'e2e/artifacts/exam-attempt-360.png', fullPage: true })
    await member.getByRole('button', { name: 'Nộp bài' }).click()
    await member.getByRole('heading', { name: 'Kết quả bài làm' }).waitFor()
    await member.getByText(/đúng \d\/2 câu/).waitFor()
    await fits(member, 'the result')
    await member.screenshot({ path: 'e2e/artifacts/exam-result-360.png', fullPage: true })
    // the ward sees who took it, per organization below it
    await ward.goto(`${examUrl}/results`)
    await ward.locator('#org-results').waitFor()
    await ward.getByText(/1 đã làm bài/).waitFor()
    await fits(ward, 'the results')
    await ward.screenshot({ path: 'e2e/artifacts/exam-results-360.png', fullPage: true })
    await member.context().close()
    await ward.context().close()
  },
}
