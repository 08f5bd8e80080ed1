import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, testApp, type TestApp } from '../../../test/support.ts'

/*
 * app.refresh_statistics: a feature that has just grown a table many times over asks for fresh
 * planner statistics in the same transaction (PGlite has no autovacuum; a server's comes too late).
 */
let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

const undo = new Error('roll back')

describe('planner statistics after a bulk change', () => {
  it('a table that outgrew its statistics is analyzed at once, its own uncommitted rows counted; asked again, nothing happens', async () => {
    const seen: { refreshed: boolean; planned: number }[] = []
    const tried = t.runtime.data.asSystem('test: a bulk insert of members', async (tx) => {
      const look = async () =>
        seen.push(
          ...(await tx.query<{ refreshed: boolean; planned: number }>(
            `select app.refresh_statistics('public.members') as refreshed,
                    (select reltuples::int from pg_class where oid = 'public.members'::regclass) as planned`,
          )),
        )
      await look()
      await tx.query(
        `insert into public.members (org_id, org_path, full_name)
         select o.id, o.path, 'Đảng viên ' || g from public.organizations o, generate_series(1, 3000) g where o.path = 'ns.tp1.g1.c1'`,
      )
      await look()
      await look()
      throw undo
    })
    await expect(tried).rejects.toBe(undo)
    expect(seen[0].refreshed).toBe(false)
    expect(seen[1].refreshed).toBe(true)
    expect(seen[1].planned).toBeGreaterThanOrEqual(3000)
    expect(seen[2]).toEqual({ refreshed: false, planned: seen[1].planned })
  })

  it('a user may ask only for the tables of the app, and only a grown one is analyzed', async () => {
    const claims = await claimsOf(t, LOGINS.member)
    const asked = await t.runtime.data.withUser(claims, (tx) =>
      tx.query<{ refreshed: boolean }>(
        `select app.refresh_statistics(t) as refreshed from unnest('{pg_catalog.pg_class, public.members, app.settings}'::regclass[]) t`,
      ),
    )
    expect(asked.map((r) => r.refreshed)).toEqual([false, false, false])
  })
})
