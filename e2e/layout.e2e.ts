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
    assert.match((await message.textContent()) ?? '', /chưa gửi được/)
    assert.equal(await search.inputValue(), 'nguyen thi hong')
    await page.context().setOffline(false)
    await search.fill('nguyen thi hong nhung')
    await page.getByText('1 đảng viên').waitFor()
    await message.waitFor({ state: 'hidden' })
    await page.context().close()
  },

  async 'on a phone the meeting page is a short page of parts one tap apart; the secretary’s attendance list folds away'(browser, url) {
    for (const login of [LOGINS.member, LOGINS.cellSecretary]) {
      const page = await signIn(browser, url, login)
      await page.goto(`${url}/meetings`)
      // the demo's meeting under way now (edge/demo)
      const live = await page
        .locator('a[href^="/meetings/"]')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href')).find((h) => /^\/meetings\/[0-9a-f-]{36}$/.test(h ?? '')))
      await page.goto(`${url}${live}`)
      await page.locator('#s-vote h2').waitFor()
      await page.locator('nav.jump a', { hasText: 'Biểu quyết' }).click()
      await page.waitForFunction(() => Math.abs(document.querySelector('#s-vote')!.getBoundingClientRect().top) < 300)
      const height = await page.evaluate(() => document.documentElement.scrollHeight)
      assert.ok(height < 4000, `the page is ${height} px tall at 360 px`)
      if (login === LOGINS.cellSecretary) {
        const list = page.locator('#attendance details')
        assert.equal(await list.getAttribute('open'), null, 'the per-member list starts folded')
        await list.locator('summary').click()
        await list.locator('select').first().waitFor()
      }
      await page.context().close()
    }
  },
}
