import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeRealtime, until, ws } from '../../../test/fake-realtime.ts'
import { claimsOf, LOGINS, scheduleMeeting, setClock, tomorrow, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'

/** Supabase Realtime's own objects, as Supabase defines them (the parts our migration and policies touch). */
const SUPABASE_REALTIME = `
  create schema if not exists realtime;
  grant usage on schema realtime to authenticated;
  create table if not exists realtime.messages (
    id uuid not null default gen_random_uuid(), topic text not null, extension text not null, payload jsonb,
    event text, private boolean default false, updated_at timestamp not null default now(), inserted_at timestamp not null default now());
  alter table realtime.messages enable row level security;
  grant select, insert on realtime.messages to authenticated;
  create or replace function realtime.topic() returns text language sql stable as
    $$ select nullif(current_setting('realtime.topic', true), '')::text $$;
  grant execute on function realtime.topic() to authenticated;
  create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true) returns void
  language plpgsql as $$
  begin
    insert into realtime.messages (payload, event, topic, private, extension) values (payload, event, topic, private, 'broadcast');
  end $$;`

let t: TestApp
let secretary: Agent
let meetingId: string
let realtime: FakeRealtime
const SERVICE_KEY = 'local-service-role-key-for-tests'

beforeAll(async () => {
  // the app follows meetings over Supabase Realtime (supabase-js), here against a local server;
  // Node 20 has no global WebSocket: `ws` stands in for the runtime's own
  ;(globalThis as { WebSocket?: unknown }).WebSocket ??= ws
  realtime = new FakeRealtime(SERVICE_KEY)
  const url = await realtime.start()
  t = await testApp({ members: 200, env: { REALTIME: 'supabase', SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY } })
  const migration = await readFile(new URL('../../../supabase/migrations/20261127110000_cell_meetings.sql', import.meta.url), 'utf8')
  await t.runtime.data.asSystem('test: give this database Supabase Realtime, then apply the migration again as Supabase would', async (tx) => {
    await tx.exec(SUPABASE_REALTIME)
    await tx.exec(migration)
  })
  secretary = await t.signIn(LOGINS.cellSecretary)
  meetingId = await scheduleMeeting(t, secretary, { title: 'Họp qua Realtime' })
})

/** The database's clock at an instant (the vote opens only once the meeting is under way), or the real one. */
afterAll(async () => {
  await t?.close()
  await realtime?.stop()
})

/** Joins "meeting:<id>" the way Realtime authorizes a private channel: reads realtime.messages as the user, with the topic set. */
async function canJoin(login: string, topic: string): Promise<boolean> {
  await t.runtime.data.asSystem('test: a message on the topic, as Realtime writes before checking', (tx) =>
    tx.query(`insert into realtime.messages (topic, extension, event, payload) values ($1, 'broadcast', 'check', '{}')`, [topic]),
  )
  return t.runtime.data.withUser(await claimsOf(t, login), async (tx) => {
    await tx.query(`select set_config('realtime.topic', $1, true)`, [topic])
    return (await tx.query(`select 1 from realtime.messages where topic = $1 limit 1`, [topic])).length > 0
  })
}

describe('Supabase Realtime broadcast', () => {
  it('a comment and a vote are broadcast on the private channel of their meeting', async () => {
    const member = await t.signIn(LOGINS.member)
    await member.post(`/comments/meetings/${meetingId}`, { body: 'Ý kiến qua Realtime' }, { htmx: true })
    await setClock(t, `${tomorrow()}T19:45:00+07:00`)
    await secretary.post(`/votes/meetings/${meetingId}/open`, {}, { htmx: true })
    await setClock(t, null)
    const sent = await t.runtime.data.asSystem('test: read the broadcasts', (tx) =>
      tx.query<{ topic: string; event: string; private: boolean; payload: Record<string, unknown> }>(
        `select topic, event, private, payload from realtime.messages where topic = $1 order by inserted_at`,
        [`meeting:${meetingId}`],
      ),
    )
    expect(sent.map((m) => [m.event, m.private, m.payload.meeting_id])).toEqual([
      ['meeting_comments', true, meetingId],
      ['meeting_votes', true, meetingId],
    ])
    expect(sent[0].payload).toMatchObject({ op: 'insert', comment_id: expect.any(String) })
  })

  it('only those who can see the meeting may join its channel', async () => {
    const topic = `meeting:${meetingId}`
    expect(await canJoin(LOGINS.member, topic)).toBe(true)
    expect(await canJoin(LOGINS.staff, topic)).toBe(true)
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    expect(await canJoin(outsider.login, topic)).toBe(false)
    const otherMeeting = await scheduleMeeting(t, await t.signIn(LOGINS.staff), { title: 'Chi bộ khác' }, 'ns.tp1.g1.c2')
    expect(await canJoin(LOGINS.staff, `meeting:${otherMeeting}`)).toBe(true)
    expect(await canJoin(LOGINS.member, `meeting:${otherMeeting}`)).toBe(false)
    expect(await canJoin(LOGINS.member, `meeting:${crypto.randomUUID()}`)).toBe(false)
    expect(await canJoin(LOGINS.member, 'room:lobby')).toBe(false)
  })

  it('a comment reaches a live stream: realtime.send → realtime.messages → Realtime → the adapter (supabase-js) → the stream', async () => {
    // Supabase Realtime broadcasts what realtime.send writes to realtime.messages (it reads the
    // table's changes); the local server does the same by reading the table
    const relayed = new Set<string>()
    const relay = setInterval(async () => {
      const rows = await t.runtime.data.asSystem('test: Realtime reads the messages the database sent', (tx) =>
        tx.query<{ id: string; topic: string; event: string; payload: unknown }>(
          `select id, topic, event, payload from realtime.messages where extension = 'broadcast' and private order by inserted_at`,
        ),
      )
      for (const row of rows) {
        if (relayed.has(row.id)) continue
        relayed.add(row.id)
        realtime.broadcast(row.topic, row.event, row.payload)
      }
    }, 50)
    try {
      const member = await t.signIn(LOGINS.member)
      const res = await member.request(`/comments/meetings/${meetingId}/stream?after=`)
      expect(res.status).toBe(200)
      const reader = res.body!.getReader()
      let text = ''
      void (async () => {
        const decoder = new TextDecoder()
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }))
          if (done) return
          text += decoder.decode(value, { stream: true })
        }
      })()
      // the comment already there comes first: by then the stream follows the meeting (its channel joined)
      await until(() => text.includes('Ý kiến qua Realtime'), 60_000, 'the comment already there')
      expect(realtime.joinedTo(`meeting:${meetingId}`)).toHaveLength(1)
      await secretary.post(`/comments/meetings/${meetingId}`, { body: 'Ý kiến trực tiếp qua Realtime' }, { htmx: true })
      await until(() => text.includes('Ý kiến trực tiếp qua Realtime'), 60_000, 'the live comment')
      await reader.cancel()
    } finally {
      clearInterval(relay)
    }
  })
})
