import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, testApp, type TestApp } from '../../../test/support.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 100 })
})
afterAll(() => t?.close())

describe('home', () => {
  it("shows a member's cell, its committees, and a card per module that loads that module's own summary", async () => {
    const member = await t.signIn(LOGINS.member)
    const html = await (await member.get('/')).text()
    expect(html).toContain('Chi bộ khu phố 1')
    expect(html).toContain('Đảng bộ phường Minh Khai')
    expect(html).toContain('Bạn là đảng viên, không giữ chức vụ quản lý.')
    const cards = [...html.matchAll(/hx-get="([^"]+)" hx-trigger="load"/g)].map((m) => m[1])
    expect(cards).toEqual(['/notifications/latest', '/meetings/upcoming', '/tasks/summary', '/library/latest', '/study/summary'])
    // each card's address answers the member with its part of the page, not an error
    for (const url of cards) {
      const part = await member.get(url, { htmx: true })
      expect(part.status, url).toBe(200)
      expect(await part.text(), url).not.toContain('class="alert"')
    }
  })

  it("shows a secretary's roles with links", async () => {
    const secretary = await t.signIn(LOGINS.grassroots)
    const html = await (await secretary.get('/')).text()
    expect(html).toMatch(/Bí thư — <a href="\/orgs\/[0-9a-f-]+">Đảng bộ phường Minh Khai<\/a>/)
  })

  it('the administrator has no member record and says so', async () => {
    const admin = await t.signIn(LOGINS.admin)
    expect(await (await admin.get('/')).text()).toContain('Tài khoản quản trị hệ thống')
  })

  it('the menu shows each role the places it can use: an ordinary member sees no organization, member list or statistics', async () => {
    const menu = async (login: string) => {
      const html = await (await (await t.signIn(login)).get('/')).text()
      return [...(/<nav class="nav"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '').matchAll(/href="([^"]+)"/g)].map((m) => m[1])
    }
    const member = await menu(LOGINS.member)
    expect(member).toEqual(['/', '/meetings', '/library', '/study', '/exams', '/tasks', '/calendar', '/notifications', '/evaluations'])
    for (const manager of [LOGINS.cellSecretary, LOGINS.staff, LOGINS.admin]) {
      expect(await menu(manager)).toEqual(expect.arrayContaining(['/orgs', '/members', '/transfers', '/reports/registration']))
    }
  })
})
