import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, memberIdOf, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'

let t: TestApp
let mine: string[]

beforeAll(async () => {
  t = await testApp({ members: 60 })
  const memberId = await memberIdOf(t, LOGINS.member)
  mine = await t.runtime.data.asSystem('test: notices written as a feature trigger would', async (tx) =>
    (
      await tx.query<{ id: string }>(
        `insert into public.notifications (member_id, kind, title, url, created_at)
       select $1, 'test', 'Thông báo số ' || n, '/meetings', now() - n * interval '1 minute' from generate_series(1, 35) n returning id`,
        [memberId],
      )
    ).map((r) => r.id),
  )
})
afterAll(() => t?.close())

describe('notifications', () => {
  it('lists one’s own notices, newest first, 30 a page, with the unread count', async () => {
    const member = await t.signIn(LOGINS.member)
    const first = await (await member.get('/notifications')).text()
    expect(first).toContain('Chưa đọc: <strong>35</strong>')
    expect(first.indexOf('Thông báo số 1<')).toBeLessThan(first.indexOf('Thông báo số 2<'))
    expect(first).not.toContain('Thông báo số 31<')
    expect(first).toContain('href="/notifications?page=2"')
    expect(await (await member.get('/notifications?page=2')).text()).toContain('Thông báo số 35<')
    const latest = await (await member.get('/notifications/latest', { htmx: true })).text()
    expect([...latest.matchAll(/<li class="unread">/g)]).toHaveLength(5)
  })

  it('opening one marks it read and leads to its page; “read all” clears the rest', async () => {
    const member = await t.signIn(LOGINS.member)
    const res = await member.get(`/notifications/${mine[0]}/open`)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/meetings')
    expect(await (await member.get('/notifications')).text()).toContain('Chưa đọc: <strong>34</strong>')
    await member.post('/notifications/read-all', {})
    expect(await (await member.get('/notifications')).text()).toContain('Chưa đọc: <strong>0</strong>')
  })

  it('nobody else reads, opens or marks them', async () => {
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    expect(await (await other.get('/notifications')).text()).toContain('Chưa có thông báo nào.')
    expect((await other.get(`/notifications/${mine[1]}/open`)).status).toBe(404)
    const secretary = await claimsOf(t, LOGINS.cellSecretary)
    const seen = await t.runtime.data.withUser(secretary, async (tx) => [
      ...(await tx.query(`select 1 from public.notifications where id = any ($1::uuid[])`, [mine])),
      ...(await tx.query(`update public.notifications set read_at = null where id = any ($1::uuid[]) returning 1`, [mine])),
    ])
    expect(seen).toEqual([])
    await expect(
      t.runtime.data.withUser(secretary, (tx) =>
        tx.query(`insert into public.notifications (member_id, kind, title, url) values ($1, 'x', 'x', '/meetings')`, [mine[0]]),
      ),
    ).rejects.toMatchObject({ code: '42501' })
  })
})
