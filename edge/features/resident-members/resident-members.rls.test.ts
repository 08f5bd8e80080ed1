import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, memberIdOf, orgIdByPath, signInMemberOf, testApp, thisYear, type TestApp } from '../../../test/support.ts'
import { secretaryOf } from './resident-members.support.ts'
import { asUser, failure } from '../../../test/support.ts'

/*
 * Who sees and changes a residence registration, seen from both sides and from outside. The demo
 * member works in ns.tp1.g1.c1 (her working cell: the demo cell secretary, the ward secretary of
 * ns.tp1.g1) and lives in ns.tp1.g2.c1 (another ward: its secretary is the residence side). The
 * secretary of ns.tp1.g4.c1 is an outsider to both.
 */

let t: TestApp
let memberId: string
let residenceCell: string
let residence: { login: string; memberId: string }
let outsider: { login: string; memberId: string }
let registrationId: string

const count = (rows: unknown[]) => rows.length
const THIS_YEAR = thisYear()
/** A year of reminders to come: the planner is given its instant, years after anything the fixtures made. */
const YEAR = THIS_YEAR + 4

beforeAll(async () => {
  t = await testApp({ members: 200 })
  memberId = await memberIdOf(t, LOGINS.member)
  residenceCell = await orgIdByPath(t, 'ns.tp1.g2.c1')
  residence = await secretaryOf(t, 'ns.tp1.g2.c1')
  outsider = await secretaryOf(t, 'ns.tp1.g4.c1')
  registrationId = await asUser(t, LOGINS.member, async (tx) => {
    const [row] = await tx.query<{ id: string }>(`select app.resident_register($1, $2, 'Số 5 ngõ 12, khu phố 1') as id`, [memberId, residenceCell])
    return row.id
  })
})
afterAll(() => t?.close())

const registrations = (login: string) => asUser(t, login, (tx) => tx.query(`select * from public.resident_registrations where member_id = $1`, [memberId]))
const comments = (login: string) => asUser(t, login, (tx) => tx.query(`select * from public.resident_comments where member_id = $1`, [memberId]))

describe('residence registrations under row-level security', () => {
  it('the member, her working cell and the residence cell each read the registration; an outsider reads nothing', async () => {
    expect(count(await registrations(LOGINS.member))).toBe(1)
    expect(count(await registrations(LOGINS.cellSecretary))).toBe(1)
    expect(count(await registrations(LOGINS.grassroots))).toBe(1)
    expect(count(await registrations(residence.login))).toBe(1)
    expect(count(await registrations(outsider.login))).toBe(0)
    expect(count(await asUser(t, outsider.login, (tx) => tx.query(`select * from public.resident_registrations`)))).toBe(0)
  })

  it('a fellow member of her cell, who manages nothing, reads nothing of it', async () => {
    const fellow = await signInMemberOf(t, 'ns.tp1.g1.c1')
    expect(count(await registrations(fellow.login))).toBe(0)
    expect(await failure(asUser(t, fellow.login, (tx) => tx.query(`select app.resident_decide($1, true, null)`, [registrationId])))).toBe('42501')
    expect(await failure(asUser(t, fellow.login, (tx) => tx.query(`select app.resident_end($1, null)`, [registrationId])))).toBe('42501')
  })

  it("the residence cell learns the member's name and nothing else of her record", async () => {
    const seen = await asUser(t, residence.login, async (tx) => ({
      record: await tx.query(`select * from public.members where id = $1`, [memberId]),
      name: await tx.query<{ full_name: string }>(`select full_name from app.resident_member($1)`, [registrationId]),
    }))
    expect(seen.record).toHaveLength(0)
    expect(seen.name[0].full_name).toBe('Nguyễn Thị Hồng Nhung')
    const outside = await asUser(t, outsider.login, (tx) => tx.query(`select full_name from app.resident_member($1)`, [registrationId]))
    expect(outside).toHaveLength(0)
  })

  it('nobody writes the tables directly: every change goes through the checked functions', async () => {
    for (const login of [LOGINS.member, residence.login, outsider.login]) {
      expect(
        await failure(asUser(t, login, (tx) => tx.query(`update public.resident_registrations set status = 'confirmed' where id = $1`, [registrationId]))),
      ).toBe('42501')
      expect(
        await failure(
          asUser(t, login, (tx) =>
            tx.query(`insert into public.resident_registrations (member_id, org_id, status) values ($1, $2, 'confirmed')`, [memberId, residenceCell]),
          ),
        ),
      ).toBe('42501')
    }
  })

  it('an outsider cannot register, decide, end or comment on a registration he does not see', async () => {
    const other = await orgIdByPath(t, 'ns.tp1.g4.c1')
    expect(await failure(asUser(t, outsider.login, (tx) => tx.query(`select app.resident_register($1, $2, null)`, [memberId, other])))).toBe('42501')
    expect(await failure(asUser(t, outsider.login, (tx) => tx.query(`select app.resident_decide($1, true, null)`, [registrationId])))).toBe('42501')
    expect(await failure(asUser(t, outsider.login, (tx) => tx.query(`select app.resident_end($1, null)`, [registrationId])))).toBe('42501')
    expect(await failure(asUser(t, outsider.login, (tx) => tx.query(`select app.resident_exempt($1, 'army', null)`, [memberId])))).toBe('42501')
    expect(
      await failure(asUser(t, outsider.login, (tx) => tx.query(`select app.resident_write_comment($1, $2, 'exemplary', 'x')`, [registrationId, THIS_YEAR]))),
    ).toBe('42501')
    expect((await registrations(LOGINS.member))[0]).toMatchObject({ status: 'pending' })
  })

  it('the member cannot confirm her own registration, nor can her working cell', async () => {
    expect(await failure(asUser(t, LOGINS.member, (tx) => tx.query(`select app.resident_decide($1, true, null)`, [registrationId])))).toBe('42501')
    expect(await failure(asUser(t, LOGINS.cellSecretary, (tx) => tx.query(`select app.resident_decide($1, true, null)`, [registrationId])))).toBe('42501')
  })

  it('a manager of the residence cell cannot confirm his own registration there', async () => {
    // the city staff manages all of ns.tp1, the residence cell included
    const staffId = await memberIdOf(t, LOGINS.staff)
    const own = await asUser(
      t,
      LOGINS.staff,
      async (tx) => (await tx.query<{ id: string }>(`select app.resident_register($1, $2, null) as id`, [staffId, residenceCell]))[0].id,
    )
    expect(await failure(asUser(t, LOGINS.staff, (tx) => tx.query(`select app.resident_decide($1, true, null)`, [own])))).toBe('42501')
    await asUser(t, LOGINS.staff, (tx) => tx.query(`select app.resident_end($1, 'thử')`, [own]))
  })

  it('the residence cell confirms; a second open registration is refused', async () => {
    await asUser(t, residence.login, (tx) => tx.query(`select app.resident_decide($1, true, null)`, [registrationId]))
    expect((await registrations(LOGINS.cellSecretary))[0]).toMatchObject({ status: 'confirmed' })
    expect(await failure(asUser(t, LOGINS.member, (tx) => tx.query(`select app.resident_register($1, $2, null)`, [memberId, residenceCell])))).toBe('23505')
    expect(await failure(asUser(t, residence.login, (tx) => tx.query(`select app.resident_decide($1, true, null)`, [registrationId])))).toBe('23514')
  })

  it('the comment reaches the working cell (and its secretary hears of it); the outsider sees nothing', async () => {
    const year = THIS_YEAR
    await asUser(t, residence.login, (tx) =>
      tx.query(`select app.resident_write_comment($1, $2, 'exemplary', 'Gương mẫu, tích cực tham gia sinh hoạt khu dân cư.')`, [registrationId, year]),
    )
    expect(count(await comments(LOGINS.member))).toBe(1)
    expect(count(await comments(LOGINS.cellSecretary))).toBe(1)
    expect(count(await comments(residence.login))).toBe(1)
    expect(count(await comments(outsider.login))).toBe(0)
    const notices = await asUser(t, LOGINS.cellSecretary, (tx) =>
      tx.query<{ url: string }>(`select url from public.notifications where kind = 'resident.commented'`),
    )
    expect(notices.map((n) => n.url)).toContain(`/members/${memberId}`)
    // the member is not the commenter's business to notify twice: a correction sends no second notice
    await asUser(t, residence.login, (tx) => tx.query(`select app.resident_write_comment($1, $2, 'exemplary', 'Sửa lại câu chữ.')`, [registrationId, year]))
    const again = await asUser(t, LOGINS.cellSecretary, (tx) => tx.query(`select 1 from public.notifications where kind = 'resident.commented'`))
    expect(again).toHaveLength(1)
  })

  it('the yearly reminder goes to the residence cell secretary once only, and not before the day', async () => {
    const plan = (at: string) =>
      t.runtime.data.asSystem(
        'test: plan reminders',
        async (tx) => (await tx.query<{ n: number }>(`select app.plan_reminders_resident_members($1) as n`, [at]))[0].n,
      )
    expect(await plan(`${YEAR}-10-31T12:00:00+07:00`)).toBe(0)
    expect(await plan(`${YEAR}-11-01T08:00:00+07:00`)).toBeGreaterThanOrEqual(1)
    expect(await plan(`${YEAR}-11-02T08:00:00+07:00`)).toBe(0)
    // the day is a setting; a mistyped one falls back to 1 November instead of failing the pass
    const setDay = (value: string) =>
      t.runtime.data.asSystem('test: the day comments fall due', (tx) =>
        tx.query(
          `insert into app.settings (key, value) values ('resident_members.comments_due_from', $1) on conflict (key) do update set value = excluded.value`,
          [value],
        ),
      )
    await setDay('12-15')
    expect(await plan(`${YEAR + 1}-12-01T08:00:00+07:00`)).toBe(0)
    expect(await plan(`${YEAR + 1}-12-15T08:00:00+07:00`)).toBeGreaterThanOrEqual(1)
    await setDay('sai')
    expect(await plan(`${YEAR + 2}-10-31T08:00:00+07:00`)).toBe(0)
    expect(await plan(`${YEAR + 2}-11-01T08:00:00+07:00`)).toBeGreaterThanOrEqual(1)
    await t.runtime.data.asSystem('test: forget the day', (tx) => tx.query(`delete from app.settings where key = 'resident_members.comments_due_from'`))
    const notices = await asUser(t, residence.login, (tx) =>
      tx.query<{ url: string }>(`select url from public.notifications where kind = 'resident.comments_due' and title like '%${YEAR}%'`),
    )
    expect(notices).toHaveLength(1)
    expect(notices[0].url).toBe(`/residents/cells/${residenceCell}?view=due`)
  })

  it('a member who left the Party yesterday sees nothing, and stops counting as a resident', async () => {
    const yesterday = new Date(Date.now() + 7 * 3600_000 - 86_400_000).toISOString().slice(0, 10)
    await t.runtime.data.asSystem('test: the member left', (tx) => tx.query(`update public.members set left_on = $2 where id = $1`, [memberId, yesterday]))
    try {
      expect(count(await registrations(LOGINS.member))).toBe(0)
      expect(count(await comments(LOGINS.member))).toBe(0)
      const name = await asUser(t, residence.login, (tx) => tx.query<{ active: boolean }>(`select active from app.resident_member($1)`, [registrationId]))
      expect(name[0].active).toBe(false)
      expect(
        await failure(asUser(t, residence.login, (tx) => tx.query(`select app.resident_write_comment($1, $2, 'exemplary', 'x')`, [registrationId, THIS_YEAR]))),
      ).toBe('23514')
      const plan = await t.runtime.data.asSystem(
        'test: plan reminders',
        async (tx) => (await tx.query<{ n: number }>(`select app.plan_reminders_resident_members($1) as n`, [`${YEAR + 1}-11-05T08:00:00+07:00`]))[0].n,
      )
      expect(plan).toBe(0)
    } finally {
      await t.runtime.data.asSystem('test: the member is back', (tx) => tx.query(`update public.members set left_on = null where id = $1`, [memberId]))
    }
  })

  it('a member transferred to another cell yesterday: the old working cell no longer sees her registration, the new one does', async () => {
    const [from, to] = [await orgIdByPath(t, 'ns.tp1.g1.c1'), await orgIdByPath(t, 'ns.tp1.g4.c1')]
    const move = (org: string, path: string) =>
      t.runtime.data.asSystem('test: transfer', (tx) =>
        tx.query(`update public.members set org_id = $2, org_path = $3::extensions.ltree where id = $1`, [memberId, org, path]),
      )
    await move(to, 'ns.tp1.g4.c1')
    try {
      expect(count(await registrations(LOGINS.cellSecretary))).toBe(0)
      expect(count(await comments(LOGINS.cellSecretary))).toBe(0)
      expect(count(await registrations(outsider.login))).toBe(1)
      expect(count(await registrations(residence.login))).toBe(1)
    } finally {
      await move(from, 'ns.tp1.g1.c1')
    }
  })

  it('the member ends her registration when she moves; then she registers elsewhere', async () => {
    await asUser(t, LOGINS.member, (tx) => tx.query(`select app.resident_end($1, 'Chuyển nơi ở')`, [registrationId]))
    expect((await registrations(residence.login))[0]).toMatchObject({ status: 'ended' })
    const [other, own] = [await orgIdByPath(t, 'ns.tp1.g2.c1'), await orgIdByPath(t, 'ns.tp1.g1.c1')]
    expect(await failure(asUser(t, LOGINS.member, (tx) => tx.query(`select app.resident_register($1, $2, null)`, [memberId, own])))).toBe('23514')
    expect(await failure(asUser(t, LOGINS.member, (tx) => tx.query(`select app.resident_register($1, $2, null)`, [memberId, other])))).toBe('')
  })

  it('the residence cell moves to another ward: the copied keys follow in the same transaction, and so does its access', async () => {
    const [g2, g4] = [await orgIdByPath(t, 'ns.tp1.g2'), await orgIdByPath(t, 'ns.tp1.g4')]
    const move = (parent: string, code: string) =>
      // as the city's staff, the way the org tree moves a cell (the system path has no scope to move into)
      asUser(t, LOGINS.staff, async (tx) => {
        await tx.query(`update public.organizations set parent_id = $2, code = $3 where id = $1`, [residenceCell, parent, code])
        await tx.query(`update public.organizations set path = (select p.path from public.organizations p where p.id = $2) || $3::text where id = $1`, [
          residenceCell,
          parent,
          code,
        ])
      })
    await move(g4, 'c9')
    try {
      const keys = await t.runtime.data.asSystem('test: keys', (tx) =>
        tx.query<{ org_key: string }>(
          `select org_key from public.resident_registrations where org_id = $1 union select org_key from public.resident_comments where org_id = $1`,
          [residenceCell],
        ),
      )
      expect(new Set(keys.map((k) => k.org_key))).toEqual(new Set(['ns.tp1.g4.c9']))
      expect(count(await registrations(residence.login))).toBeGreaterThan(0)
      expect(count(await comments(residence.login))).toBe(1)
      expect(count(await registrations(outsider.login))).toBe(0)
    } finally {
      await move(g2, 'c1')
    }
  })
})
