import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, LOGINS, memberIdOf, scheduleMeeting, setClock, signInMemberOf, tomorrow, testApp, type TestApp } from '../../../test/support.ts'

/*
 * A vote and the close of the ballot at the same moment, on two real connections: the vote is
 * either counted in the recorded result or refused, never stored and left out. The embedded
 * engine has one connection (transactions cannot overlap there), so this runs on the server.
 */
const server = !!process.env.DATABASE_URL
let t: TestApp

beforeAll(async () => {
  if (server) t = await testApp({ members: 100 })
})
afterAll(() => t?.close())

/** A gate a transaction waits at, holding its locks, until the test opens it. */
function gate() {
  let open = () => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

/** Waits (bounded) until some statement on the ballots or votes waits for a lock: the other transaction is really blocked. */
async function untilBlocked() {
  for (let i = 0; i < 500; i++) {
    const [row] = await t.runtime.data.asSystem('test: look for a statement waiting on a lock', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`),
    )
    if (row.n > 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('no transaction ever waited for the other: nothing orders a vote and the close')
}

async function openBallotWithVoter(title: string) {
  const secretary = await t.signIn(LOGINS.cellSecretary)
  await setClock(t, null) // the real clock while scheduling
  const meetingId = await scheduleMeeting(t, secretary, { title })
  // the meeting (tomorrow 19:30) is under way
  await setClock(t, `${tomorrow()}T19:45:00+07:00`)
  const voter = await signInMemberOf(t, 'ns.tp1.g1.c1')
  const voterId = await memberIdOf(t, voter.login)
  await t.runtime.data.asSystem('test: an official member', (tx) => tx.query(`update public.members set status = 'official' where id = $1`, [voterId]))
  await voter.post(`/meetings/${meetingId}/check-in`, {}, { htmx: true })
  await secretary.post(`/votes/meetings/${meetingId}/open`, {}, { htmx: true })
  return { meetingId, voter: await claimsOf(t, voter.login), secretary: await claimsOf(t, LOGINS.cellSecretary) }
}

const close = (meetingId: string) => (tx: { query: <T>(sql: string, params?: unknown[]) => Promise<T[]> }) =>
  tx.query<{ result: { for: number } }>(`update public.meeting_ballots set status = 'closed' where meeting_id = $1 returning result`, [meetingId])

describe.skipIf(!server)('a vote racing the close of the ballot', () => {
  it('a vote not yet committed when the secretary closes is waited for and counted', async () => {
    const { meetingId, voter, secretary } = await openBallotWithVoter('Biểu quyết đua với kết thúc')
    const hold = gate()
    const cast = gate()
    const voting = t.runtime.data.withUser(voter, async (tx) => {
      await tx.query(`insert into public.meeting_votes (meeting_id, choice) values ($1, 'for')`, [meetingId])
      cast.open()
      await hold.opened
    })
    await cast.opened
    const closing = t.runtime.data.withUser(secretary, close(meetingId))
    await untilBlocked()
    hold.open()
    await voting
    const [closed] = await closing
    expect(closed.result.for).toBe(1)
  })

  it('a vote arriving while the close is being committed is refused, and the result equals the stored votes', async () => {
    const { meetingId, voter, secretary } = await openBallotWithVoter('Biểu quyết sau khi kết thúc')
    const hold = gate()
    const closedRow = gate()
    const closing = t.runtime.data.withUser(secretary, async (tx) => {
      const rows = await close(meetingId)(tx)
      closedRow.open()
      await hold.opened
      return rows
    })
    await closedRow.opened
    const voting = t.runtime.data.withUser(voter, (tx) => tx.query(`insert into public.meeting_votes (meeting_id, choice) values ($1, 'for')`, [meetingId]))
    const outcome = voting.then(
      () => 'stored',
      (error) => (error as { code?: string }).code,
    )
    await untilBlocked()
    hold.open()
    const [closed] = await closing
    expect(await outcome).toBe('42501')
    const [stored] = await t.runtime.data.asSystem('test: count the stored votes', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.meeting_votes where meeting_id = $1 and choice = 'for'`, [meetingId]),
    )
    expect(closed.result.for).toBe(stored.n)
  })
})
