import assert from 'node:assert/strict'
import type { Browser } from 'playwright-core'
import { LOGINS, signIn } from './members.e2e.ts'

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'a task: the secretary assigns, the member reports progress and completion, the secretary accepts; the bell counts update'(browser, url) {
    const secretary = await signIn(browser, url, LOGINS.cellSecretary)
    const member = await signIn(browser, url, LOGINS.member)
    const memberName = (await member.locator('.who a').textContent())!.trim()
    // the badge's number (its hidden words, "thông báo chưa đọc", are for screen readers)
    const unread = async (page: typeof member) => Number(/\d+/.exec((await page.locator('#unread').textContent()) ?? '')?.[0] ?? 0)
    await member.reload()
    const before = await unread(member)

    await secretary.getByRole('link', { name: 'Giao việc', exact: true }).click()
    await secretary.getByRole('link', { name: 'Giao việc mới' }).click()
    await secretary.getByLabel('Tên công việc').fill('Vận động đóng góp quỹ khuyến học')
    await secretary.getByLabel('Nội dung, yêu cầu').fill('Mỗi đồng chí vận động 5 hộ.')
    await secretary.getByLabel(memberName).check()
    await secretary.getByRole('button', { name: 'Giao việc' }).click()
    await secretary.getByText('Đã giao việc cho 1 người/tổ chức.').waitFor()
    const taskUrl = secretary.url().split('?')[0]

    await member.reload()
    await member.locator('#unread .count').waitFor()
    assert.equal(await unread(member), before + 1, 'the new task is counted in the header')
    await member.getByRole('link', { name: 'Giao việc', exact: true }).click()
    await member.getByRole('link', { name: 'Vận động đóng góp quỹ khuyến học' }).click()
    await member.getByLabel('Tiến độ (%)').fill('60')
    await member.getByLabel('Báo cáo').fill('Đã vận động 3 hộ.')
    await member.getByRole('button', { name: 'Gửi báo cáo' }).click()
    await member.getByText('Đã gửi báo cáo tiến độ.').waitFor()
    await member.getByLabel('Tiến độ (%)').fill('100')
    await member.getByLabel('Đã hoàn thành, gửi người giao việc duyệt').check()
    await member.getByRole('button', { name: 'Gửi báo cáo' }).click()
    await member.getByText('Đã báo cáo hoàn thành.').waitFor()

    await secretary.goto(taskUrl)
    await secretary.locator('#unread .count').waitFor()
    await secretary.getByText('Đã vận động 3 hộ.').waitFor()
    await secretary.getByRole('button', { name: 'Chấp nhận kết quả' }).click()
    await secretary.getByText('Đã chấp nhận kết quả.').waitFor()
    await secretary.getByText('Hoàn thành · 100%').waitFor()

    const beforeAccepted = await unread(member)
    await member.goto(`${url}/tasks?view=mine&status=done`)
    await member.getByRole('link', { name: 'Vận động đóng góp quỹ khuyến học' }).waitFor()
    await member.locator('#unread .count').waitFor()
    assert.equal(await unread(member), beforeAccepted + 1, 'the acceptance is counted')
    await member.getByRole('link', { name: /^Thông báo/ }).click()
    await member.getByText('Kết quả được chấp nhận: Vận động đóng góp quỹ khuyến học').click()
    await member.waitForURL(taskUrl)
    await member.screenshot({ path: 'e2e/artifacts/task-member-360.png', fullPage: true })
    await member.context().close()
    await secretary.context().close()
  },

  async 'the notification page registers the service worker where push is supported'(browser, url) {
    const member = await signIn(browser, url, LOGINS.member)
    await member.goto(`${url}/notifications`)
    const registered = await member.evaluate(async () => {
      const registration = await navigator.serviceWorker.register('/sw.js')
      await navigator.serviceWorker.ready
      return registration.scope
    })
    assert.equal(registered, `${url}/`)
    await member.getByRole('button', { name: 'Bật thông báo trên máy này' }).waitFor()
    await member.context().close()
  },
}
