import { describe, expect, it } from 'vitest'
import { SupabaseRealtime, type SocketLike } from './supabase.ts'

/** The server end of one connection, speaking Phoenix's JSON protocol as Supabase Realtime does. */
class FakeServerSocket implements SocketLike {
  readyState = 0
  sent: { topic: string; event: string; payload: Record<string, unknown>; ref: string }[] = []
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: unknown) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  /** false: the connection went half-open (dropped by something in between): nothing comes back, not even a close. */
  alive = true
  constructor(public url: string) {}
  send(data: string) {
    const message = JSON.parse(data)
    this.sent.push(message)
    if (!this.alive) return
    if (message.event === 'phx_join' || message.event === 'heartbeat')
      setTimeout(() => this.deliver({ topic: message.topic, event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: message.ref }))
  }
  close() {
    this.readyState = 3
    if (this.alive) this.onclose?.({})
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  deliver(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms))

/** Waits until `check` holds (polling every few ms), at most `ms`. */
async function until(check: () => boolean, ms = 1500) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await tick(2)
  }
}

describe('Supabase Realtime adapter', () => {
  it('joins private meeting channels with the key, routes broadcasts by event, beats, rejoins after a drop, and leaves', async () => {
    const sockets: FakeServerSocket[] = []
    const realtime = new SupabaseRealtime('https://abc.supabase.co', 'service-role-key', (url) => sockets[sockets.push(new FakeServerSocket(url)) - 1], {
      heartbeatMs: 20,
      retryMs: 10,
    })
    const received: string[] = []
    let ready = 0
    await realtime.subscribe(
      'meeting_comments',
      (payload) => received.push(payload),
      () => ready++,
    )
    expect(sockets[0].url).toBe('wss://abc.supabase.co/realtime/v1/websocket?apikey=service-role-key&vsn=1.0.0')
    sockets[0].open()
    const release = await realtime.watch('meeting:m1')
    const join = sockets[0].sent.find((m) => m.event === 'phx_join')!
    expect(join.topic).toBe('realtime:meeting:m1')
    expect(join.payload).toMatchObject({ access_token: 'service-role-key', config: { private: true, broadcast: { self: false } } })

    sockets[0].deliver({
      topic: 'realtime:meeting:m1',
      event: 'broadcast',
      ref: null,
      payload: { type: 'broadcast', event: 'meeting_comments', payload: { meeting_id: 'm1', comment_id: 'c1', op: 'insert' } },
    })
    sockets[0].deliver({
      topic: 'realtime:meeting:m1',
      event: 'broadcast',
      ref: null,
      payload: { type: 'broadcast', event: 'meeting_votes', payload: { meeting_id: 'm1' } },
    })
    expect(received.map((p) => JSON.parse(p))).toEqual([{ meeting_id: 'm1', comment_id: 'c1', op: 'insert' }])
    await tick(50)
    expect(sockets[0].sent.some((m) => m.topic === 'phoenix' && m.event === 'heartbeat')).toBe(true)

    const readyBefore = ready
    sockets[0].close()
    await tick(30)
    expect(sockets).toHaveLength(2)
    sockets[1].open()
    await tick(20)
    expect(sockets[1].sent.find((m) => m.event === 'phx_join')?.topic).toBe('realtime:meeting:m1')
    expect(ready).toBe(readyBefore + 1)

    release()
    expect(sockets[1].sent.at(-1)).toMatchObject({ topic: 'realtime:meeting:m1', event: 'phx_leave' })
    realtime.close()
  })

  it('a socket that stops answering heartbeats is dropped and replaced: it rejoins, and events arrive again', async () => {
    const sockets: FakeServerSocket[] = []
    const realtime = new SupabaseRealtime('https://abc.supabase.co', 'service-role-key', (url) => sockets[sockets.push(new FakeServerSocket(url)) - 1], {
      heartbeatMs: 20,
      heartbeatTimeoutMs: 30,
      retryMs: 10,
    })
    const received: string[] = []
    let ready = 0
    await realtime.subscribe(
      'meeting_comments',
      (payload) => received.push(payload),
      () => ready++,
    )
    sockets[0].open()
    await realtime.watch('meeting:m1')
    // answered heartbeats keep the connection
    await until(() => sockets[0].sent.filter((m) => m.event === 'heartbeat').length >= 3)
    expect(sockets).toHaveLength(1)

    const readyBefore = ready
    sockets[0].alive = false
    await until(() => sockets.length === 2)
    expect(sockets[0].readyState).toBe(3)
    sockets[1].open()
    await until(() => sockets[1].sent.some((m) => m.event === 'phx_join'))
    expect(sockets[1].sent.find((m) => m.event === 'phx_join')?.topic).toBe('realtime:meeting:m1')
    await until(() => ready === readyBefore + 1)

    sockets[1].deliver({
      topic: 'realtime:meeting:m1',
      event: 'broadcast',
      ref: null,
      payload: { type: 'broadcast', event: 'meeting_comments', payload: { meeting_id: 'm1', comment_id: 'c2', op: 'insert' } },
    })
    expect(received.map((p) => JSON.parse(p).comment_id)).toEqual(['c2'])
    // the new socket answers: it stays
    await until(() => sockets[1].sent.filter((m) => m.event === 'heartbeat').length >= 3)
    expect(sockets).toHaveLength(2)
    realtime.close()
  })
})
