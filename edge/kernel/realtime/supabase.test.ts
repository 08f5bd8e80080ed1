import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FakeRealtime, until, ws } from '../../../test/fake-realtime.ts'
import { SupabaseRealtime } from './supabase.ts'

/**
 * The adapter is supabase-js's Realtime client; these tests drive it against a local server
 * speaking the Realtime protocol (test/fake-realtime.ts), over real WebSockets (`ws`: Node 20
 * has no global WebSocket).
 */
let server: FakeRealtime
let url: string
const open: SupabaseRealtime[] = []

beforeAll(async () => {
  server = new FakeRealtime('service-role-key')
  url = await server.start()
})
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()))
})
afterAll(() => server.stop())

function adapter(key = 'service-role-key', options: { channelsPerSocket?: number } = {}) {
  const realtime = new SupabaseRealtime(url, key, {
    ...options,
    transport: ws as never,
    heartbeatIntervalMs: 200,
    reconnectAfterMs: () => 20,
    timeout: 5_000,
  })
  open.push(realtime)
  return realtime
}

/** Subscribes to meeting_comments and records what arrives and when onReady runs (with whether the channel was joined then). */
async function follow(realtime: SupabaseRealtime, topic: string) {
  const received: { comment_id: string }[] = []
  const ready: boolean[] = []
  await realtime.subscribe(
    'meeting_comments',
    (payload) => received.push(JSON.parse(payload)),
    () => ready.push(server.joinedTo(topic).length > 0),
  )
  return { received, ready }
}

describe('Supabase Realtime adapter (supabase-js)', () => {
  it('joins the private channel with the key, delivers broadcasts by event name, and leaves', async () => {
    const realtime = adapter()
    const { received, ready } = await follow(realtime, 'meeting:m1')
    expect(ready).toHaveLength(1)
    const release = await realtime.watch('meeting:m1')
    // watch resolves once joined
    const [connection] = server.joinedTo('meeting:m1')
    expect(connection.url.searchParams.get('apikey')).toBe('service-role-key')
    const join = connection.received.find((m) => m.event === 'phx_join')!
    expect(join.topic).toBe('realtime:meeting:m1')
    expect(join.payload).toMatchObject({ access_token: 'service-role-key', config: { private: true, broadcast: { self: false } } })

    server.broadcast('meeting:m1', 'meeting_comments', { meeting_id: 'm1', comment_id: 'c1', op: 'insert' })
    server.broadcast('meeting:m1', 'meeting_votes', { meeting_id: 'm1' })
    server.broadcast('meeting:m1', 'meeting_comments', { meeting_id: 'm1', comment_id: 'c2', op: 'insert' }, 'json')
    await until(() => received.length === 2, 30_000, 'two comments')
    expect(received.map((r) => r.comment_id)).toEqual(['c1', 'c2'])

    // a second follower of the same meeting shares the channel; it is left when the last one goes
    const again = await realtime.watch('meeting:m1')
    expect(connection.received.filter((m) => m.event === 'phx_join')).toHaveLength(1)
    release()
    again()
    await until(() => connection.received.some((m) => m.event === 'phx_leave'), 30_000, 'phx_leave')
    expect(connection.received.find((m) => m.event === 'phx_leave')?.topic).toBe('realtime:meeting:m1')
    // and joined anew when followed again
    await realtime.watch('meeting:m1')
    expect(server.joinedTo('meeting:m1')).toHaveLength(1)
  })

  it('rejoins after the server drops the connection; onReady runs once joined again, and events arrive again', async () => {
    const realtime = adapter()
    const { received, ready } = await follow(realtime, 'meeting:m2')
    await realtime.watch('meeting:m2')
    await realtime.watch('meeting:m3')
    const before = server.connections.length
    for (const c of server.joinedTo('meeting:m2')) c.socket.terminate()
    await until(() => server.joinedTo('meeting:m2').length === 1 && server.joinedTo('meeting:m3').length === 1, 30_000, 'the rejoin')
    expect(server.connections.length).toBe(before + 1)
    // once for both channels rejoining, and only after they were joined: what was missed is read from then on
    await until(() => ready.length === 2, 30_000, 'onReady after the rejoin')
    expect(ready).toEqual([false, true])

    server.broadcast('meeting:m2', 'meeting_comments', { meeting_id: 'm2', comment_id: 'c3', op: 'insert' })
    await until(() => received.length === 1, 30_000, 'the comment after the rejoin')
    expect(received[0].comment_id).toBe('c3')
  })

  it('a heartbeat that gets no reply drops the half-open socket and reconnects; answered heartbeats keep it', async () => {
    const realtime = adapter()
    const { received, ready } = await follow(realtime, 'meeting:m4')
    await realtime.watch('meeting:m4')
    const [first] = server.joinedTo('meeting:m4')
    await until(() => first.received.filter((m) => m.event === 'heartbeat').length >= 3, 30_000, 'three heartbeats')
    expect(server.joinedTo('meeting:m4')).toEqual([first])

    // nothing comes back any more, not even a close: only the unanswered heartbeat tells
    first.answering = false
    // realtime-js may reconnect twice in a row after a heartbeat timeout (the old socket's close
    // schedules one more): the live connection is the newest one that answers
    const latest = () =>
      server
        .joinedTo('meeting:m4')
        .filter((c) => c.answering && c !== first)
        .at(-1)
    await until(() => (latest()?.received.filter((m) => m.event === 'heartbeat').length ?? 0) >= 3, 30_000, 'heartbeats answered on a new socket')
    const second = latest()!
    expect(second.received.find((m) => m.event === 'phx_join')?.topic).toBe('realtime:meeting:m4')
    expect(first.socket.readyState).toBeGreaterThanOrEqual(2)
    // onReady at subscribe, then after each rejoin, once joined
    expect(ready.length).toBeGreaterThanOrEqual(2)
    expect(ready.slice(1).every(Boolean)).toBe(true)

    server.broadcast('meeting:m4', 'meeting_comments', { meeting_id: 'm4', comment_id: 'c4', op: 'insert' })
    await until(() => received.length === 1, 30_000, 'the comment on the new socket')
    // the new socket answers: it stays
    const heartbeats = second.received.filter((m) => m.event === 'heartbeat').length
    await until(() => second.received.filter((m) => m.event === 'heartbeat').length >= heartbeats + 3, 30_000, 'more heartbeats on the new socket')
    expect(latest()).toBe(second)
    expect(second.socket.readyState).toBe(1)
  })

  it('past the channels one connection may carry (Supabase: 100), another socket is opened; a freed place is used again', async () => {
    const realtime = adapter('service-role-key', { channelsPerSocket: 2 })
    const { received } = await follow(realtime, 'meeting:s1')
    const before = server.connections.length
    const release1 = await realtime.watch('meeting:s1')
    await realtime.watch('meeting:s2')
    await realtime.watch('meeting:s3')
    expect(server.connections.length).toBe(before + 2)
    const [first] = server.joinedTo('meeting:s1')
    expect(server.joinedTo('meeting:s2')).toEqual([first])
    expect(server.joinedTo('meeting:s3')[0]).not.toBe(first)

    server.broadcast('meeting:s3', 'meeting_comments', { meeting_id: 's3', comment_id: 'c5', op: 'insert' })
    server.broadcast('meeting:s1', 'meeting_comments', { meeting_id: 's1', comment_id: 'c6', op: 'insert' })
    await until(() => received.length === 2, 30_000, 'a comment through each socket')
    expect(received.map((r) => r.comment_id).sort()).toEqual(['c5', 'c6'])

    release1()
    await until(() => server.joinedTo('meeting:s1').length === 0, 30_000, 'meeting:s1 left')
    await realtime.watch('meeting:s4')
    expect(server.joinedTo('meeting:s4')).toEqual([first])
    expect(server.connections.length).toBe(before + 2)
  })

  it('a refused join does not hold the stream up, and is logged', async () => {
    const realtime = adapter('not-the-key')
    const errors: unknown[][] = []
    const original = console.error
    console.error = (...args: unknown[]) => void errors.push(args)
    try {
      await realtime.watch('meeting:m5')
      expect(server.joinedTo('meeting:m5')).toHaveLength(0)
      expect(String(errors[0]?.[0])).toContain('meeting:m5: CHANNEL_ERROR')
    } finally {
      console.error = original
    }
  })

  it.skipIf(typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'undefined')(
    'without a WebSocket in the runtime (Node 20 without the flag) it refuses to start, and says what to do',
    () => {
      expect(() => new SupabaseRealtime(url, 'service-role-key')).toThrow(/NODE_OPTIONS=--experimental-websocket/)
    },
  )
})
