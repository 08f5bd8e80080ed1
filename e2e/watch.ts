import assert from 'node:assert/strict'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DEMO_PASSWORD } from './server.ts'

/** A phone's screen, as every browser scenario uses it. */
export const VIEWPORT = { width: 360, height: 740 }

/**
 * Every browser context of a scenario reports its console errors and page errors here; the
 * scenario fails on any of them at the end (`errors.assertNone()`).
 */
export function errorWatch() {
  const seen: string[] = []
  const allowed: RegExp[] = []
  return {
    /** An error the scenario causes on purpose (Chrome logs every 4xx page as a console error). */
    allow(pattern: RegExp) {
      allowed.push(pattern)
    },
    watch(context: BrowserContext, who: string) {
      context.on('console', (message) => {
        if (message.type() === 'error') seen.push(`${who}: console: ${message.text()} (${message.page()?.url() ?? ''})`)
      })
      context.on('weberror', (error) => seen.push(`${who}: page error: ${error.error().message}`))
      return context
    },
    assertNone() {
      assert.deepEqual(
        seen.filter((e) => !allowed.some((p) => p.test(e))),
        [],
        'no console errors and no page errors',
      )
    },
  }
}

export type Errors = ReturnType<typeof errorWatch>

export async function newContext(browser: Browser, errors: Errors, who: string) {
  return errors.watch(await browser.newContext({ viewport: VIEWPORT, locale: 'vi-VN' }), who)
}

/** Fills the login form and submits it; does not wait for where it leads. */
export async function submitLogin(page: Page, url: string, login: string, password: string) {
  if (!page.url().includes('/login')) await page.goto(`${url}/login`)
  await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên').fill(login)
  await page.locator('#f-password').fill(password)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
}

export async function signInAs(browser: Browser, errors: Errors, url: string, login: string, who = login) {
  const context = await newContext(browser, errors, who)
  const page = await context.newPage()
  await submitLogin(page, url, login, DEMO_PASSWORD)
  await page.waitForURL(`${url}/`)
  return page
}
