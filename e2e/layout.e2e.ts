import assert from 'node:assert/strict'
import type { Browser } from 'playwright-core'
import { LOGINS, signIn } from './members.e2e.ts'

/** What every page shares: the shell's messages when something goes wrong. */
export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'a request lost to a dropped connection says so in Vietnamese, keeps what was typed, and the message goes once the network is back'(browser, url) {
    const page = await signIn(browser, url, LOGINS.cellSecretary)
    await page.goto(`${url}/members`)
    const search = page.getByLabel('Tìm theo tên')
    await page.context().setOffline(true)
    await search.fill('nguyen thi hong')
    const message = page.locator('#net-status')
    await message.waitFor({ state: 'visible' })
    assert.match(await message.innerText(), /chưa gửi được/)
    assert.equal(await search.inputValue(), 'nguyen thi hong')
    await page.context().setOffline(false)
    await search.fill('nguyen thi hong nhung')
    await page.getByText('1 đảng viên').waitFor()
    await message.waitFor({ state: 'hidden' })
    await page.context().close()
  },
}
