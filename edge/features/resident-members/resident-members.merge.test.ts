import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, memberIdOf, orgIdByPath, testApp, thisYear, type TestApp } from '../../../test/support.ts'
import { secretaryOf } from './resident-members.support.ts'

/* A residence cell merged into another takes its residents along: the survivor's secretary goes on with them. */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 200 })
})
afterAll(() => t?.close())

describe('a residence cell is merged', () => {
  it('its confirmed and pending registrations, with their comments, move to the surviving cell; an ended one stays', async () => {
    const [closing, surviving] = [await orgIdByPath(t, 'ns.tp1.g3.c2'), await orgIdByPath(t, 'ns.tp1.g3.c1')]
    const resident = await memberIdOf(t, LOGINS.member)
    const elsewhere = await orgIdByPath(t, 'ns.tp1.g1.c2')
    const [active, ended] = await t.runtime.data.asSystem('test: residents of the closing cell', async (tx) => {
      const [a] = await tx.query<{ id: string }>(
        `insert into public.resident_registrations (member_id, org_id, status, started_on, address) values ($1, $2, 'confirmed', app.today(), 'Số 5 ngõ 3') returning id`,
        [resident, closing],
      )
      const [other] = await tx.query<{ id: string }>(`select id from public.members where org_id = $1 order by full_name limit 1`, [elsewhere])
      const [e] = await tx.query<{ id: string }>(
        `insert into public.resident_registrations (member_id, org_id, status, started_on, ended_on) values ($1, $2, 'ended', app.today() - 30, app.today()) returning id`,
        [other.id, closing],
      )
      await tx.query(
        `insert into public.resident_comments (registration_id, member_id, org_id, org_key, year, assessment, body)
         select $1, $2, $3, o.path::text, $4, 'exemplary', 'Gương mẫu ở khu dân cư.' from public.organizations o where o.id = $3`,
        [a.id, resident, closing, thisYear()],
      )
      return [a.id, e.id]
    })
    const staff = await t.signIn(LOGINS.staff)
    expect((await staff.post(`/orgs/${closing}/merge`, { into: surviving })).status).toBe(303)
    const rows = await t.runtime.data.asSystem('test: where the registrations are', (tx) =>
      tx.query<{ id: string; org_id: string; org_key: string }>(`select id, org_id, org_key from public.resident_registrations where id = any ($1)`, [
        [active, ended],
      ]),
    )
    const survivorPath = 'ns.tp1.g3.c1'
    expect(rows.find((r) => r.id === active)).toMatchObject({ org_id: surviving, org_key: survivorPath })
    expect(rows.find((r) => r.id === ended)).toMatchObject({ org_id: closing })
    const [comment] = await t.runtime.data.asSystem('test: the comment', (tx) =>
      tx.query<{ org_id: string; org_key: string }>(`select org_id, org_key from public.resident_comments where registration_id = $1`, [active]),
    )
    expect(comment).toEqual({ org_id: surviving, org_key: survivorPath })
    // the surviving cell's secretary lists the resident and can read the comment
    const secretary = await (await secretaryOf(t, survivorPath)).agent()
    expect(await (await secretary.get(`/residents/cells/${surviving}`)).text()).toContain('Nguyễn Thị Hồng Nhung')
  })
})
