import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/*
 * The registration report reads counters kept per organization by triggers
 * (supabase/migrations/20261127100350_registration_rollup.sql). Property: after any mix of
 * changes, its rows equal the direct count over members ⟕ accounts ⟕ visits (the query the
 * report ran before, kept here as the oracle), at every organization and for every period;
 * and the counters equal a rebuild from the rows.
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 300 })
})
afterAll(() => t?.close())

// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc fixture queries
type Query = (sql: string, params?: unknown[]) => Promise<any[]>
const system = <T>(reason: string, fn: (q: Query) => Promise<T>) =>
  t.runtime.data.asSystem(`test: ${reason}`, (tx) => fn((sql, params) => tx.query(sql, params)))

interface Row {
  child: string | null
  members: number
  registered: number
  active: number
  visits: number
}

/** The report's former query: one grouped pass over the subtree's members, their accounts and visits. */
const ORACLE = `
  with first as (select app.today() - (least(greatest($2::int, 1), 366) - 1) as day)
  select case when nlevel(m.org_path) > nlevel(root.path) then subpath(m.org_path, 0, nlevel(root.path) + 1)::text end as child,
         count(*)::int as members,
         count(m.registered_at)::int as registered,
         count(a.member_id) filter (where a.last_sign_in_at >= ((select day from first)::timestamp at time zone 'Asia/Ho_Chi_Minh'))::int as active,
         coalesce(sum(v.days), 0)::int as visits
    from public.organizations root
    join public.members m on m.org_path <@ root.path
    left join public.accounts a on a.member_id = m.id
    left join (select vi.user_id, count(*) as days from app.visits vi where vi.day >= (select day from first) group by vi.user_id) v
      on v.user_id = a.user_id
   where root.id = $1 and m.deceased_on is null and m.left_on is null
   group by 1`

const sorted = (rows: Row[]) => rows.map((r) => ({ ...r })).sort((a, b) => (a.child ?? '').localeCompare(b.child ?? '') || (a.child === null ? -1 : 1))

/** Every organization (open or closed) and every period: the report's rows equal the oracle's. */
async function expectReportEqualsOracle() {
  const admin = await claimsOf(t, LOGINS.admin)
  const orgs = await system('every organization', (q) => q(`select id, path::text as path from public.organizations order by path`))
  const mismatches: string[] = []
  let compared = 0
  for (const days of [1, 7, 30, 90, 365, 366]) {
    for (const org of orgs) {
      const expected = sorted(await system('the direct count', (q) => q(ORACLE, [org.id, days])))
      const actual = sorted(
        await t.runtime.data.withUser(admin, (tx) =>
          tx.query<Row>(`select child, members, registered, active, visits from app.registration_counts($1, $2)`, [org.id, days]),
        ),
      )
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        mismatches.push(`${org.path} ${days}d: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`.slice(0, 400))
      compared += expected.length
    }
  }
  expect(mismatches.slice(0, 5)).toEqual([])
  expect(compared).toBeGreaterThan(0)
}

/** The counters as the triggers left them equal a rebuild from the rows (rows left at zero aside). */
async function expectCountersEqualRebuild() {
  const read = (q: Query) =>
    Promise.all([
      q(`select org_path::text as p, members, registered from app.registration_totals where members <> 0 or registered <> 0 order by 1`),
      q(`select org_path::text as p, day::text as d, signins, visits from app.registration_activity where signins <> 0 or visits <> 0 order by 1, 2`),
      q(`select org_path::text as p, month::text as d, signins, visits from app.registration_activity_months where signins <> 0 or visits <> 0 order by 1, 2`),
    ])
  const kept = await system('read the counters', read)
  const rebuilt = await system('rebuild the counters', async (q) => {
    await q(`select app.rebuild_registration_rollup()`)
    return read(q)
  })
  expect(kept[0]).toEqual(rebuilt[0])
  expect(kept[1]).toEqual(rebuilt[1])
  expect(kept[2]).toEqual(rebuilt[2])
}

describe('the registration report reads counters that follow every change', () => {
  it('right after the seed (a bulk load with triggers off, then one rebuild)', async () => {
    await expectReportEqualsOracle()
  })

  it('after imports, sign-ins on different days, visits, moves of members and of an organization, leaving, death, relinked and deleted accounts', async () => {
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const otherCell = await orgIdByPath(t, 'ns.tp1.g2.c1')
    const ward = await orgIdByPath(t, 'ns.tp1.g2')
    await system('an import, accounts, sign-ins and visits', async (q) => {
      // an import of 40 members in two organizations, a few already registered, one already gone
      await q(
        `insert into public.members (org_id, full_name, registered_at, left_on)
         select case when g % 2 = 0 then $1::uuid else $2::uuid end, 'Đảng viên nhập ' || g,
                case when g % 3 = 0 then now() - interval '40 days' end, case when g = 7 then app.today() end
           from generate_series(1, 40) g`,
        [cell, ward],
      )
      // accounts for most of them, signed in on days spread over two years (some never)
      await q(
        `with m as (select id, row_number() over (order by full_name) as n from public.members where full_name like 'Đảng viên nhập %'),
              u as (insert into auth.users (id) select gen_random_uuid() from m returning id),
              pairs as (select m.id as member_id, u.id as user_id, m.n
                          from (select id, row_number() over () as k from u) u join m on m.n = u.k)
         insert into public.accounts (user_id, member_id, last_sign_in_at)
         select user_id, member_id, case when n % 5 <> 0 then now() - (n * 17 % 700) * interval '1 day' - (n % 24) * interval '1 hour' end
           from pairs where n <= 34`,
      )
      // visits on days before and after the period edges, and one a day ahead (a clock running fast)
      await q(
        `insert into app.visits (user_id, day)
         select a.user_id, app.today() - d
           from public.accounts a join public.members m on m.id = a.member_id,
                lateral (select unnest(array[0, 1, 6, 7, 29, 30, 31, 89, 90, 364, 365, 366, 400, -1]) as d) days
          where m.full_name like 'Đảng viên nhập %' and (hashtext(a.user_id::text || d) & 1) = 0
         on conflict do nothing`,
      )
      // and the seeded accounts sign in and visit too
      await q(
        `update public.accounts set last_sign_in_at = now() - (abs(hashtext(user_id::text)) % 400) * interval '1 day'
          where member_id in (select id from public.members where org_path <@ 'ns.tp1'::ltree) and abs(hashtext(user_id::text)) % 3 = 0`,
      )
      await q(
        `insert into app.visits (user_id, day)
         select user_id, app.today() - (abs(hashtext(user_id::text || 'v')) % 100) from public.accounts where last_sign_in_at is not null
         on conflict do nothing`,
      )
    })
    await expectReportEqualsOracle()

    await system('sign-ins move from day to day; members move, leave, die and come back', async (q) => {
      await q(`update public.accounts set last_sign_in_at = now() where last_sign_in_at < now() - interval '200 days'`)
      await q(
        `update public.accounts set last_sign_in_at = now() - interval '45 days' where last_sign_in_at > now() - interval '3 days' and abs(hashtext(user_id::text)) % 2 = 0`,
      )
      await q(`update public.members set org_id = $1 where full_name like 'Đảng viên nhập %' and full_name like '%1'`, [otherCell])
      await q(`update public.members set left_on = app.today() where full_name like 'Đảng viên nhập %' and full_name like '%2'`)
      await q(`update public.members set deceased_on = app.today() - 3 where full_name like 'Đảng viên nhập %' and full_name like '%3'`)
      await q(`update public.members set left_on = null where full_name = 'Đảng viên nhập 12'`)
      // a member leaves and moves in one statement
      await q(`update public.members set left_on = app.today(), org_id = $1 where full_name = 'Đảng viên nhập 14'`, [cell])
      // an account linked to another member takes its sign-in and visits along
      await q(
        `update public.accounts set member_id = (select m.id from public.members m where m.full_name like 'Đảng viên nhập %' and m.left_on is null
                                                   and not exists (select 1 from public.accounts x where x.member_id = m.id) order by m.full_name limit 1)
          where user_id = (select a.user_id from public.accounts a join public.members m on m.id = a.member_id
                            where m.full_name like 'Đảng viên nhập %' and m.org_id = $1 and m.left_on is null
                              and exists (select 1 from app.visits v where v.user_id = a.user_id) order by m.full_name limit 1)`,
        [cell],
      )
    })
    await expectReportEqualsOracle()

    // organizations move through the app (org-tree's move: one statement rewrites the subtree's paths):
    // a cell into a new sub-committee, then that sub-committee with its cell into another ward
    await system('a sub-committee', (q) =>
      q(`insert into public.organizations (parent_id, code, name, kind) values ($1, 'sb', 'Đảng ủy bộ phận', 'sub_committee')`, [ward]),
    )
    const staff = await t.signIn(LOGINS.staff)
    for (const [node, target] of [
      ['ns.tp1.g2.c1', 'ns.tp1.g2.sb'],
      ['ns.tp1.g2.sb', 'ns.tp1.g1'],
    ]) {
      const res = await staff.submit(`/orgs/${await orgIdByPath(t, node)}/move`, { target: await orgIdByPath(t, target) })
      expect(await res.text()).toContain('Đã chuyển tổ chức')
      await expectReportEqualsOracle()
    }
    expect(await orgIdByPath(t, 'ns.tp1.g1.sb.c1')).toBe(otherCell)

    await system('deletions: a member with an account, a user with visits', async (q) => {
      await q(`delete from public.members where full_name = 'Đảng viên nhập 16'`)
      await q(
        `delete from auth.users where id = (select a.user_id from public.accounts a join public.members m on m.id = a.member_id
                                             where m.full_name = 'Đảng viên nhập 18')`,
      )
      await q(`delete from app.visits where day = app.today() - 6`)
    })
    await expectReportEqualsOracle()
    await expectCountersEqualRebuild()
  })

  it('a sign-in and a page opened through the app count at once', async () => {
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    const admin = await claimsOf(t, LOGINS.admin)
    const today = () =>
      t.runtime.data.withUser(
        admin,
        async (tx) =>
          (await tx.query<{ a: number; v: number }>(`select sum(active)::int as a, sum(visits)::int as v from app.registration_counts($1, 1)`, [cell]))[0],
      )
    await system('nobody of the cell signed in today yet', async (q) => {
      const ofCell = `select id from public.members where org_id = $1`
      await q(`update public.accounts set last_sign_in_at = now() - interval '3 days' where member_id in (${ofCell})`, [cell])
      await q(`delete from app.visits where day >= app.today() and user_id in (select user_id from public.accounts where member_id in (${ofCell}))`, [cell])
    })
    expect(await today()).toEqual({ a: 0, v: 0 })
    const member = await t.signIn(LOGINS.member)
    expect((await member.get('/')).status).toBe(200)
    expect(await today()).toEqual({ a: 1, v: 1 })
    await expectReportEqualsOracle()
  })
})

describe('the counters are the report function’s alone', () => {
  it('a user outside the subtree gets nothing from the function; inside, the same user gets the rows', async () => {
    const cellSecretary = await claimsOf(t, LOGINS.cellSecretary)
    const [outside, inside] = [await orgIdByPath(t, 'ns.tp1'), await orgIdByPath(t, 'ns.tp1.g1.c1')]
    const rows = (org: string) => t.runtime.data.withUser(cellSecretary, (tx) => tx.query(`select * from app.registration_counts($1, 365)`, [org]))
    expect(await rows(outside)).toEqual([])
    expect((await rows(inside)).length).toBeGreaterThan(0)
  })

  it('no signed-in user reads, writes or rebuilds the counters, not even the widest staff', async () => {
    const staff = await claimsOf(t, LOGINS.staff)
    for (const table of ['app.registration_totals', 'app.registration_activity', 'app.registration_activity_months']) {
      const seen = await t.runtime.data
        .withUser(staff, async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n)
        .catch((error) => (error as { code?: string }).code)
      expect([0, '42501']).toContain(seen)
      const written = await t.runtime.data
        .withUser(staff, (tx) => tx.query(`update ${table} set visits = 0 where true`.replace('visits', table.endsWith('totals') ? 'members' : 'visits')))
        .then((r) => r.length)
        .catch((error) => (error as { code?: string }).code)
      expect([0, '42501']).toContain(written)
      const inserted = await t.runtime.data
        .withUser(staff, (tx) =>
          tx.query(
            table.endsWith('totals')
              ? `insert into ${table} (org_path) values ('ns')`
              : `insert into ${table} (org_path, ${table.endsWith('months') ? 'month' : 'day'}) values ('ns', app.today())`,
          ),
        )
        .then(() => 'inserted')
        .catch((error) => (error as { code?: string }).code)
      expect(inserted).toBe('42501')
    }
    const rebuilt = await t.runtime.data
      .withUser(staff, (tx) => tx.query(`select app.rebuild_registration_rollup()`))
      .then(() => 'rebuilt')
      .catch((error) => (error as { code?: string }).code)
    expect(rebuilt).toBe('42501')
  })
})
