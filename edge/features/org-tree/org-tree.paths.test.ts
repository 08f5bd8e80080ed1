import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, memberIdOf, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/*
 * An organization's internal path (organizations.path, "ns.tp1.g1.c1" in the demo) is how the
 * database keeps the tree, not a name anyone knows: no page, picker, export or address shows it.
 * Names repeat from ward to ward, so pages tell organizations apart by their committee and code.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 60 })
})
afterAll(() => t?.close())

const INTERNAL_PATH = /\bns(?:\.[a-z0-9_]+)+/

describe('internal organization paths stay internal', () => {
  it('the pages where people pick or read an organization show names, committees and codes, never a path', async () => {
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const member = await memberIdOf(t, LOGINS.member)
    const pages: [string, string[]][] = [
      [LOGINS.staff, ['/members/new', '/members/import', `/members/${member}`, '/members/export.csv', '/orgs', `/orgs/${cell}`, '/orgs/import']],
      [LOGINS.grassroots, ['/meetings/new', `/members/${member}/edit`, '/reports/registration.csv']],
    ]
    for (const [login, urls] of pages) {
      const agent = await t.signIn(login)
      for (const url of urls) {
        const res = await agent.get(url)
        expect(res.status, url).toBe(200)
        const body = await res.text()
        expect(INTERNAL_PATH.exec(body)?.[0], url).toBeUndefined()
      }
    }
  })

  it('the member form tells the cells of the same name apart by their committee', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const form = await (await staff.get('/members/new')).text()
    expect(form).toContain('Chi bộ khu phố 1 — Đảng bộ phường Minh Khai')
  })
})
