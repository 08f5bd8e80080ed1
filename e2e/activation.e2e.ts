import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { DEMO_PASSWORD } from './server.ts'
import { LOGINS } from './members.e2e.ts'
import { type Errors, errorWatch, newContext, submitLogin, VIEWPORT } from './watch.ts'

/** 200% zoom on a 360 px phone: 180 CSS px wide (as e2e/sessions-screens.ts) */
const ZOOM_200 = { width: 180, height: 370 }
const CODE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/
const SLIPS_PER_PAGE = 8
const DEMO_WARD = 'Đảng bộ phường Minh Khai'

async function newPage(browser: Browser, errors: Errors, who: string) {
  return (await newContext(browser, errors, who)).newPage()
}

async function signInSecretary(browser: Browser, errors: Errors, url: string) {
  const page = await newPage(browser, errors, 'secretary')
  await page.goto(`${url}/login`)
  await submitLogin(page, url, LOGINS.cellSecretary, DEMO_PASSWORD)
  await page.waitForURL(`${url}/`)
  return page
}

const randomPhone = () => `0913${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`

interface NewMember {
  name: string
  phone: string
  /** as the profile shows it (dd/mm/yyyy) */
  birthDate: string
  orgName: string
  profileUrl: string
}

/**
 * The secretary adds a member with a phone number to his cell: a member without an account (the
 * e2e server runs on its own PGlite folder, which no scenario can reach, so the state is made in the UI).
 */
async function addAccountlessMember(secretary: Page, url: string, name: string, isoBirthDate: string): Promise<NewMember> {
  const phone = randomPhone()
  await secretary.goto(`${url}/members/new`)
  await secretary.getByLabel('Họ và tên').fill(name)
  await secretary.getByLabel('Ngày sinh').fill(isoBirthDate)
  await secretary.getByLabel('Giới tính').selectOption({ label: 'Nam' })
  await secretary.getByLabel('Số điện thoại').fill(phone)
  await secretary.getByRole('button', { name: 'Lưu' }).click()
  await secretary.getByRole('heading', { name }).waitFor()
  await secretary.getByText('Chưa có tài khoản').waitFor()
  // "Chi bộ khu phố 1 — Đảng bộ phường Minh Khai" under the badges (its committee, never the internal path), and the birth date
  const where = (await secretary.locator('main p.muted').first().textContent())!.trim()
  const org = /^(.+?) — (.+)$/.exec(where)
  assert.ok(org, `the profile names the member's organization and its committee: ${where}`)
  assert.equal(org[2], DEMO_WARD, "the secretary's cell, in its ward")
  assert.doesNotMatch(where, /ns\.tp1/, 'no internal path')
  const birthDate = (await secretary.locator('dl.profile dt:text-is("Ngày sinh") + dd').textContent())!.trim()
  assert.match(birthDate, /^\d{2}\/\d{2}\/\d{4}$/)
  return { name, phone, birthDate, orgName: org[1], profileUrl: secretary.url().split('?')[0] }
}

interface PrintedSlip {
  name: string
  login: string
  code: string
}

/** Opens /members/activation, chooses the cell and issues the slips; the page of slips stays open. */
async function printCellSlips(secretary: Page, url: string, orgName: string): Promise<PrintedSlip[]> {
  await secretary.goto(`${url}/members/activation`)
  const select = secretary.getByLabel('In phiếu cho đảng viên của')
  const value = await select.evaluate((el, name) => Array.from((el as HTMLSelectElement).options).find((o) => o.textContent!.trim() === name)?.value, orgName)
  assert.ok(value, `the cell ${orgName} can be chosen`)
  await select.selectOption(value)
  await secretary.getByLabel('Mã có hiệu lực trong').selectOption({ label: '30 ngày' })
  await secretary.getByRole('button', { name: 'Cấp mã và in phiếu' }).click()
  await secretary.getByRole('heading', { name: /Đã cấp .* mã kích hoạt/ }).waitFor()
  return secretary.locator('article.slip').evaluateAll((slips) =>
    slips.map((s) => ({
      name: s.querySelector('.slip-who strong')!.textContent!.trim(),
      login: s.querySelector('.slip-login')!.textContent!.trim(),
      code: s.querySelector('.slip-code')!.textContent!.trim(),
    })),
  )
}

async function assertNoHorizontalOverflow(page: Page, width: number, what: string) {
  const { scrollWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    wide: Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 12)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${e.className}#${e.id} "${(e.textContent ?? '').trim().slice(0, 30)}" right=${Math.round(e.getBoundingClientRect().right)}`,
      ),
  }))
  assert.ok(scrollWidth <= width, `${what}: the page is ${scrollWidth} px wide in a ${width} px window (${wide.join(', ')})`)
}

/** Fills the activation form as a member reads it off the slip. */
async function fillActivation(page: Page, login: string, birthDate: string, code: string, password: string) {
  await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên (như trên phiếu)').fill(login)
  await page.getByLabel('Ngày sinh').fill(birthDate)
  await page.getByLabel('Mã kích hoạt (8 ký tự trên phiếu)').fill(code)
  await page.locator('#f-password').fill(password)
  await page.locator('#f-confirm').fill(password)
  await page.getByRole('button', { name: 'Kích hoạt và đăng nhập' }).click()
}

/** What an elderly member might type: lower case, a space for the dash. */
const asTyped = (code: string) => code.toLowerCase().replace('-', ' ')

export const scenarios: Record<string, (browser: Browser, url: string) => Promise<void>> = {
  async 'activation slips: the cell secretary prints one-time codes for members without an account; on paper they are 8 to an A4 page'(browser, url) {
    const errors = errorWatch()
    const secretary = await signInSecretary(browser, errors, url)
    const added: NewMember[] = []
    // nine, so that the cell's slips run onto a second sheet whatever the demo left without an account
    for (const [name, birth] of [
      ['Phan Văn Phiếu', '1952-02-29'],
      ['Lý Thị Kích', '1961-11-03'],
      ['Hồ Văn Mã', '1975-07-19'],
      ['Đặng Thị Thu', '1948-01-01'],
      ['Bùi Văn Hòa', '1983-12-31'],
      ['Ngô Thị Lan', '1990-06-15'],
      ['Dương Văn Sơn', '1966-04-30'],
      ['Trịnh Thị Mai', '1971-09-02'],
      ['Mai Văn Tùng', '1999-10-10'],
    ] as const)
      added.push(await addAccountlessMember(secretary, url, name, birth))

    const slips = await printCellSlips(secretary, url, added[0].orgName)
    assert.ok(slips.length >= added.length, `${slips.length} slips for at least the ${added.length} members added`)
    for (const m of added) {
      const slip = slips.find((s) => s.name === m.name)
      assert.ok(slip, `a slip for ${m.name}`)
      assert.equal(slip.login, m.phone, 'the login is the phone number')
    }
    for (const s of slips) assert.match(s.code, CODE, `code of ${s.name}`)
    assert.equal(new Set(slips.map((s) => s.code)).size, slips.length, 'every code is different')
    const sheets = await secretary.locator('.slip-sheet').evaluateAll((sections) => sections.map((s) => s.querySelectorAll('article.slip').length))
    const expectedPages = sheets.reduce((pages, n) => pages + Math.ceil(n / SLIPS_PER_PAGE), 0)

    await assertNoHorizontalOverflow(secretary, VIEWPORT.width, 'at 360 px')
    await secretary.screenshot({ path: 'e2e/artifacts/activation-slips-360.png', fullPage: true })
    // 200% zoom of the same phone: the codes are shown once, so the same page is narrowed, not reloaded
    await secretary.setViewportSize(ZOOM_200)
    await secretary.screenshot({ path: 'e2e/artifacts/activation-slips-zoom200.png', fullPage: true })
    await assertNoHorizontalOverflow(secretary, ZOOM_200.width, 'at 200% zoom (180 px)')
    await secretary.setViewportSize(VIEWPORT)

    // a CSS locator: on paper the button leaves the accessibility tree, and a role locator would find nothing at all
    const printButton = secretary.locator('button[data-print]')
    assert.equal(await printButton.isVisible(), true, 'the page has its print button')
    assert.match((await printButton.textContent())!, /^In phiếu \(A4, \d+ trang trở lên\)$/)
    await secretary.emulateMedia({ media: 'print' })
    assert.equal(await printButton.isVisible(), false, 'no buttons on paper')
    assert.equal(await secretary.locator('section.no-print').isVisible(), false, 'no summary on paper')
    assert.equal(await secretary.locator('nav.nav').isVisible(), false, 'no navigation on paper')
    assert.equal(await secretary.locator('header.top').isVisible(), false, 'no header on paper')
    assert.equal(await secretary.locator('article.slip').first().isVisible(), true, 'the slips are on paper')
    assert.equal(await secretary.getByText(slips[0].code, { exact: true }).isVisible(), true, 'with their codes')
    // on paper: two columns of 68 mm slips, so four rows (8 slips) on an A4 page with 8 mm margins;
    // seen at the width of the sheet's printable area (194 mm), not the phone's
    await secretary.setViewportSize({ width: Math.round((194 * 96) / 25.4), height: Math.round((281 * 96) / 25.4) })
    const boxes68 = await secretary
      .locator('article.slip')
      .evaluateAll((slips) => slips.map((s) => s.getBoundingClientRect()).map((r) => ({ x: Math.round(r.x), h: r.height })))
    assert.equal(new Set(boxes68.map((b) => b.x)).size, 2, 'two columns of slips')
    for (const b of boxes68) assert.ok(Math.abs(b.h - (68 * 96) / 25.4) < 1, `a slip is 68 mm tall on paper, got ${b.h} px`)
    // the slip clips what overflows (overflow: hidden): its last line is the first to go
    const fill = await secretary.locator('article.slip').evaluateAll((slips) =>
      slips.map((s) => {
        const last = s.lastElementChild!.getBoundingClientRect().bottom - s.getBoundingClientRect().top
        return { used: Math.ceil(last + Number.parseFloat(getComputedStyle(s).paddingBottom)), height: s.clientHeight }
      }),
    )
    const tallest = Math.max(...fill.map((f) => f.used))
    console.log(`    on paper the fullest slip uses ${tallest} of its ${fill[0].height} px`)
    assert.ok(
      fill.every((f) => f.used <= f.height + 1),
      'nothing on a slip is cut off at the bottom',
    )
    await secretary.screenshot({ path: 'e2e/artifacts/activation-slips-print.png', fullPage: true })
    const pdfBytes = await secretary.pdf({ preferCSSPageSize: true })
    await writeFile('e2e/artifacts/activation-slips.pdf', pdfBytes)
    const pdf = pdfBytes.toString('latin1')
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)]
    assert.ok(boxes.length > 0, 'the PDF has a MediaBox')
    for (const box of boxes) assert.ok(Math.abs(Number(box[1]) - 595.3) < 2 && Math.abs(Number(box[2]) - 841.9) < 2, `A4 pages, got ${box[1]}×${box[2]} pt`)
    const pages = pdf.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0
    console.log(`    ${slips.length} slips in ${sheets.length} cell(s): ${pages} A4 page(s) printed, ${expectedPages} expected at ${SLIPS_PER_PAGE} a page`)
    assert.equal(pages, expectedPages, `${SLIPS_PER_PAGE} slips a page, each cell on its own pages`)
    await secretary.context().close()
    errors.assertNone()
  },

  async 'activation slips: a member activates from the slip with a lower-case code, chooses a password and signs in with it; the code works once'(
    browser,
    url,
  ) {
    const errors = errorWatch()
    const secretary = await signInSecretary(browser, errors, url)
    const member = await addAccountlessMember(secretary, url, 'Võ Văn Kích Hoạt', '1958-09-05')
    const slip = (await printCellSlips(secretary, url, member.orgName)).find((s) => s.name === member.name)
    assert.ok(slip, `a slip for ${member.name}`)
    assert.match(slip.code, CODE)
    // the birth date as the secretary's profile page shows it
    await secretary.goto(member.profileUrl)
    const birthDate = (await secretary.locator('dl.profile dt:text-is("Ngày sinh") + dd').textContent())!.trim()
    assert.equal(birthDate, '05/09/1958')

    const page = await newPage(browser, errors, 'member')
    errors.allow(/^member: console: Failed to load resource: the server responded with a status of 401 .*\/activate\)$/)
    await page.goto(`${url}/login`)
    await page.getByRole('link', { name: 'Kích hoạt tài khoản' }).click()
    await page.waitForURL(`${url}/activate`)
    await page.getByRole('heading', { name: 'Kích hoạt tài khoản' }).waitFor()
    await assertNoHorizontalOverflow(page, VIEWPORT.width, 'the activation page at 360 px')

    // a mistyped code first: refused, and what was typed is kept
    const wrong = `${slip.code[0] === '2' ? '3' : '2'}${slip.code.slice(1)}`
    await fillActivation(page, slip.login, birthDate, wrong, 'mat-khau-cua-toi-58')
    await page.getByText('Thông tin kích hoạt không đúng.').waitFor()
    assert.equal(await page.getByLabel('Số điện thoại hoặc số thẻ đảng viên (như trên phiếu)').inputValue(), slip.login)

    // the right code, typed in lower case with a space for the dash
    await fillActivation(page, slip.login, birthDate, asTyped(slip.code), 'mat-khau-cua-toi-58')
    await page.waitForURL(`${url}/`)
    assert.equal((await page.locator('.who a').textContent())!.trim(), member.name, "signed in: the member's name in the header")
    await page.screenshot({ path: 'e2e/artifacts/activation-done-360.png', fullPage: true })

    // signed out, the chosen password signs in, with no forced password change
    await page.getByRole('button', { name: 'Đăng xuất' }).click()
    await page.waitForURL(/\/login$/)
    await submitLogin(page, url, slip.login, 'mat-khau-cua-toi-58')
    await page.waitForURL(`${url}/`)
    await page.goto(`${url}/meetings`)
    assert.equal(new URL(page.url()).pathname, '/meetings', 'no detour to the password page')
    await page.getByRole('button', { name: 'Đăng xuất' }).click()
    await page.waitForURL(/\/login$/)

    // the same slip a second time
    await page.goto(`${url}/activate`)
    await fillActivation(page, slip.login, birthDate, slip.code, 'mot-mat-khau-khac')
    await page.getByText('Tài khoản này đã được kích hoạt.').waitFor()
    // and the password chosen first still holds
    await page.goto(`${url}/login`)
    await submitLogin(page, url, slip.login, 'mat-khau-cua-toi-58')
    await page.waitForURL(`${url}/`)

    // the secretary sees the account now
    await secretary.goto(member.profileUrl)
    await secretary.getByText('Đã có tài khoản, đã đăng nhập').waitFor()
    for (const p of [page, secretary]) await p.context().close()
    errors.assertNone()
  },
}
