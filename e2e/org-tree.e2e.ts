import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { DEMO_PASSWORD } from './server.ts'

const CITY_STAFF = '0901000001'

/** A phone: 360×740, touch, Vietnamese; every console or page error is kept to fail the scenario. */
async function signInOnPhone(browser: Browser, url: string, login: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', hasTouch: true, isMobile: true })
  const errors: string[] = []
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.page()?.url() ?? ''})`)
  })
  context.on('weberror', (error) => errors.push(`page error: ${error.error().message}`))
  const page = await context.newPage()
  await page.goto(`${url}/login`)
  await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên').fill(login)
  await page.locator('#f-password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await page.waitForURL(`${url}/`)
  return { page, errors }
}

/** Links, buttons or fields inside a <summary> (axe's nested-interactive). */
const nestedInteractive = (page: Page) => page.locator('summary a, summary button, summary input, summary select, summary textarea, summary [tabindex]').count()

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'city staff expands the organization tree two levels by tapping on a phone'(browser, url) {
    const { page, errors } = await signInOnPhone(browser, url, CITY_STAFF)
    await page.goto(`${url}/orgs`)
    assert.equal(await nestedInteractive(page), 0, 'no link inside a summary')

    const city = page.locator('details', { has: page.locator('summary', { hasText: 'Đảng bộ thành phố Nam Sơn' }) }).first()
    const childrenLoaded = page.waitForResponse((res) => /\/orgs\/[0-9a-f-]+\/children$/.test(res.url()) && res.status() === 200)
    await city.locator('summary').first().tap()
    await childrenLoaded
    // exactly this ward: 'Đảng bộ phường Minh Khai 58' exists too
    const ward = city.locator('details', { has: page.locator('summary', { has: page.getByText('Đảng bộ phường Minh Khai', { exact: true }) }) }).first()
    await ward.waitFor()
    assert.equal(page.url(), `${url}/orgs`, 'tapping a row opens it, it does not navigate')

    await ward.locator('summary').first().tap()
    await ward.getByText('Chi bộ khu phố 1').waitFor()
    await ward.getByText('Chi bộ khu phố 2').waitFor()
    assert.equal(await city.evaluate((d) => (d as HTMLDetailsElement).open), true)
    assert.equal(await ward.evaluate((d) => (d as HTMLDetailsElement).open), true)
    assert.equal(await nestedInteractive(page), 0, 'no link inside a summary after loading two levels')
    await page.screenshot({ path: 'e2e/artifacts/org-tree-two-levels-360.png', fullPage: true })

    // closing and opening again does not load twice
    let again = 0
    page.on('request', (req) => {
      if (req.url().endsWith('/children')) again++
    })
    await ward.locator('summary').first().tap()
    await ward.locator('summary').first().tap()
    await ward.getByText('Chi bộ khu phố 1').waitFor()
    assert.equal(again, 0, 'a branch loads its children once')

    // the separate, labelled link opens the unit's page
    await page.getByRole('link', { name: 'Xem Đảng bộ phường Minh Khai', exact: true }).tap()
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/)
    await page.getByRole('heading', { name: 'Đảng bộ phường Minh Khai' }).waitFor()
    assert.equal(await nestedInteractive(page), 0, 'no link inside a summary on an organization page')

    assert.deepEqual(errors, [], 'no console errors and no page errors')
    await page.context().close()
  },
}
