import assert from 'node:assert/strict'
import type { Browser } from 'playwright-core'
import { LOGINS, signIn } from './members.e2e.ts'

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'secretary schedules a meeting; a member checks in and comments; the secretary sees it live on the open page'(browser, url) {
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    await secretary.getByRole('link', { name: 'Sinh hoạt', exact: true }).click()
    await secretary.getByRole('link', { name: 'Lên lịch sinh hoạt' }).click()
    await secretary.getByLabel('Địa điểm').fill('Nhà văn hóa khu phố 1')
    await secretary.getByLabel('Chương trình').fill('1. Kiểm điểm\n2. Phương hướng')
    await secretary.getByRole('button', { name: 'Lưu' }).click()
    await secretary.getByText('Đã lưu lịch sinh hoạt.').waitFor()
    const meetingUrl = secretary.url().split('?')[0]

    // the secretary keeps the meeting page open: the comment must arrive live
    await secretary.goto(meetingUrl)
    await secretary.getByText('Chưa có ý kiến nào.').waitFor()
    const secretaryMarker = await secretary.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()))
    const member = await signIn(browser, url, LOGINS.member)
    await member.goto(meetingUrl)
    const marker = await member.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()))
    await member.getByRole('button', { name: 'Tôi có mặt' }).click()
    await member.getByText('Bạn: Có mặt').waitFor()
    assert.equal(await member.evaluate(() => (window as unknown as { marker: number }).marker), marker, 'no reload')
    await member.getByLabel('Ý kiến của bạn').fill('Đề nghị bổ sung nội dung <b>học tập</b> nghị quyết.')
    await member.getByRole('button', { name: 'Gửi ý kiến' }).click()
    await member.getByText('Đã gửi ý kiến.').waitFor()
    await member.getByText('Đề nghị bổ sung nội dung <b>học tập</b> nghị quyết.').waitFor()
    assert.equal(await member.evaluate(() => (window as unknown as { marker: number }).marker), marker, 'no reload')
    await member.screenshot({ path: 'e2e/artifacts/meeting-member-360.png', fullPage: true })

    await secretary.getByText('Đề nghị bổ sung nội dung <b>học tập</b> nghị quyết.').waitFor({ timeout: 5000 })
    assert.equal(await secretary.evaluate(() => (window as unknown as { marker: number }).marker), secretaryMarker, 'arrived live, no reload')
    await secretary.reload()
    await secretary.getByText(/Có mặt\s+1/).first().waitFor()
    await secretary.getByRole('button', { name: 'Tiếp thu vào nghị quyết' }).click()
    await secretary.getByText('Đã đánh dấu: tiếp thu vào nghị quyết.').waitFor()
    await secretary.screenshot({ path: 'e2e/artifacts/meeting-secretary-360.png', fullPage: true })
    await member.context().close()
    await secretary.context().close()
  },
}
