import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, scheduleMeeting, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'
import * as q from './comments.queries.ts'

/*
 * Replay after a reconnect reads "what came after the last comment I got". That only works if
 * the thread's order is the order in which comments became visible (committed): a comment whose
 * transaction began first but committed last must not fall before one already delivered. Two
 * real connections overlap only on the server.
 */
const server = !!process.env.DATABASE_URL
let t: TestApp
beforeAll(async () => {
  if (server) t = await testApp({ members: 100 })
})
afterAll(() => t?.close())

describe.skipIf(!server)('the thread is in commit order', () => {
  it('a long transaction’s comment is placed before one that had to wait for it, and replay after the first finds the second', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const meetingId = await scheduleMeeting(t, secretary, { title: 'Thứ tự ý kiến' })
    const slow = await claimsOf(t, LOGINS.member)
    const quick = await claimsOf(t, (await signInMemberOf(t, 'ns.tp1.g1.c1')).login)
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    let written = () => {}
    const inserted = new Promise<void>((r) => (written = r))
    const insert = (body: string) => `insert into public.meeting_comments (meeting_id, body) values ('${meetingId}', '${body}') returning id`
    const slowTx = t.runtime.data.withUser(slow, async (tx) => {
      const [row] = await tx.query<{ id: string }>(insert('Ý kiến viết lâu'))
      written()
      await held
      return row.id
    })
    await inserted
    const quickTx = t.runtime.data.withUser(quick, async (tx) => (await tx.query<{ id: string }>(insert('Ý kiến viết nhanh')))[0].id)
    // the quick one waits for its place: it cannot commit ahead of the slow one
    for (let i = 0; i < 500; i++) {
      const [row] = await t.runtime.data.asSystem('test: look for a waiting statement', (tx) =>
        tx.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`),
      )
      if (row.n > 0) break
      if (i === 499) throw new Error('the second comment never waited for the first')
      await new Promise((r) => setTimeout(r, 20))
    }
    release()
    const [slowId, quickId] = await Promise.all([slowTx, quickTx])
    const member = await claimsOf(t, LOGINS.member)
    const all = await t.runtime.data.withUser(member, (tx) => q.after(tx, meetingId, null))
    expect(all.map((c) => c.id)).toEqual([slowId, quickId])
    const afterSlow = await t.runtime.data.withUser(member, (tx) => q.after(tx, meetingId, slowId))
    expect(afterSlow.map((c) => c.id)).toEqual([quickId])
  })
})
