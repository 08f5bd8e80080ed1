import type { RealtimeChannel, SupabaseClient, WebSocketLikeConstructor } from '@supabase/supabase-js'
import { NO_WEBSOCKET, runtimeWebSocket, serviceClient } from '../supabase.ts'
import type { Realtime } from './realtime.ts'

export interface SupabaseRealtimeOptions {
  /** The WebSocket class; the runtime's own by default (tests pass another). */
  transport?: WebSocketLikeConstructor
  /** How often realtime-js sends a heartbeat; one unanswered by the next one means a dead socket (default 25 s). */
  heartbeatIntervalMs?: number
  /** Wait before the n-th reconnect attempt (realtime-js default: 1, 2, 5, then 10 s). */
  reconnectAfterMs?: (tries: number) => number
  /** How long a join (or leave) may wait for its reply (default 10 s). */
  timeout?: number
  /** Channels one socket carries before another is opened (Supabase allows 100 per connection). */
  channelsPerSocket?: number
}

interface Subscriber {
  onMessage: (payload: string) => void
  onReady?: () => void
}

/** One Realtime connection (a supabase-js client) and how many channels it carries. */
interface Socket {
  client: SupabaseClient
  authorized: Promise<void>
  channels: number
}

interface Topic {
  socket: Socket
  channel: RealtimeChannel
  followers: number
  /** settles on the first answer to the join (joined, refused or timed out): streams are not held up after that */
  joined: Promise<void>
}

/**
 * Supabase Realtime as the realtime port (REALTIME=supabase), through supabase-js's Realtime
 * client: the socket, its heartbeats (an unanswered one drops a half-open socket), reconnects
 * and rejoins are realtime-js's. The database broadcasts each event on the private channel of
 * its meeting ("meeting:<id>", app.publish in the kernel migration); this process joins the
 * channels of the meetings its streams follow, authorized with the service role key (setAuth),
 * and hands each broadcast to the subscribers of its event name. When a channel is joined again
 * after a drop, what was broadcast meanwhile is gone: subscribers' onReady runs, and the hubs
 * read what they missed. Supabase allows 100 channels per connection: past `channelsPerSocket`
 * meetings, another socket is opened.
 */
export class SupabaseRealtime implements Realtime {
  private sockets: Socket[] = []
  private openSocket: () => Socket
  private channelsPerSocket: number
  private subscribers = new Map<string, Set<Subscriber>>()
  private topics = new Map<string, Topic>()
  /** channels still leaving, by topic: realtime-js hands back the leaving channel for the same topic until it is gone */
  private leaving = new Map<string, Promise<unknown>>()
  private readyRound?: ReturnType<typeof setTimeout>
  private closed = false

  constructor(url: string, key: string, options: SupabaseRealtimeOptions = {}) {
    const transport = options.transport ?? runtimeWebSocket()
    if (!transport) throw new Error(NO_WEBSOCKET)
    const { heartbeatIntervalMs, reconnectAfterMs, timeout } = options
    this.channelsPerSocket = options.channelsPerSocket ?? 90
    this.openSocket = () => {
      const client = serviceClient(url, key, { realtime: { transport, heartbeatIntervalMs, reconnectAfterMs, timeout } })
      // the key given once, kept across rejoins (not asked again at every heartbeat)
      const socket = { client, authorized: client.realtime.setAuth(key), channels: 0 }
      this.sockets.push(socket)
      return socket
    }
    this.openSocket()
  }

  async subscribe(event: string, onMessage: (payload: string) => void, onReady?: () => void) {
    let set = this.subscribers.get(event)
    if (!set) this.subscribers.set(event, (set = new Set()))
    const subscriber = { onMessage, onReady }
    set.add(subscriber)
    // events come through the channels watched; each is listened to once joined
    onReady?.()
    return async () => {
      set.delete(subscriber)
    }
  }

  async watch(topic: string): Promise<() => void> {
    let entry = this.topics.get(topic)
    while (!entry) {
      const leaving = this.leaving.get(topic)
      if (leaving) {
        await leaving
        entry = this.topics.get(topic)
      } else this.topics.set(topic, (entry = this.join(topic)))
    }
    entry.followers++
    await entry.joined
    const joined = entry
    let released = false
    return () => {
      if (released) return
      released = true
      if (--joined.followers > 0 || this.topics.get(topic) !== joined) return
      this.topics.delete(topic)
      joined.socket.channels--
      const leaving = joined.socket.client
        .removeChannel(joined.channel)
        .catch((error) => console.error(`realtime: leaving ${topic} failed:`, error))
        .finally(() => {
          if (this.leaving.get(topic) === leaving) this.leaving.delete(topic)
        })
      this.leaving.set(topic, leaving)
    }
  }

  /** Leaves every channel and closes the socket; never rejects (the runtime's close does not wait for it). */
  async close() {
    this.closed = true
    clearTimeout(this.readyRound)
    try {
      await Promise.all(
        this.sockets.map(async ({ client }) => {
          await client.removeAllChannels()
          await client.realtime.disconnect()
        }),
      )
    } catch (error) {
      console.error('realtime: closing failed:', error)
    }
  }

  private join(topic: string): Topic {
    // a socket that leaves a channel makes room on it again (an idle one disconnects by itself and reconnects when used)
    const socket = this.sockets.find((s) => s.channels < this.channelsPerSocket) ?? this.openSocket()
    socket.channels++
    const channel = socket.client.channel(topic, { config: { private: true, broadcast: { self: false, ack: false } } })
    channel.on('broadcast', { event: '*' }, (message) => this.received(message.event, message.payload))
    let answered = false
    // joined with the key as access token, once setAuth has it
    const joined = socket.authorized.then(
      () =>
        new Promise<void>((resolve) => {
          channel.subscribe((status, error) => {
            if (status === 'SUBSCRIBED') {
              if (answered) this.missed()
              answered = true
              return resolve()
            }
            if (status === 'CLOSED') return resolve()
            // CHANNEL_ERROR (the socket dropped, or the join was refused) or TIMED_OUT: realtime-js
            // joins again by itself; the streams are not held up meanwhile
            if (!this.closed) console.error(`realtime: ${topic}: ${status}`, error?.message ?? '')
            answered = true
            resolve()
          })
        }),
    )
    return { socket, channel, followers: 0, joined }
  }

  /** A channel was joined again: what was broadcast while it was not is gone; subscribers read it (once for all channels rejoining together). */
  private missed() {
    if (this.readyRound || this.closed) return
    this.readyRound = setTimeout(() => {
      this.readyRound = undefined
      for (const set of this.subscribers.values()) for (const s of set) s.onReady?.()
    }, 0)
  }

  private received(event: string, payload: unknown) {
    const set = this.subscribers.get(event)
    if (!set?.size || payload === null || typeof payload !== 'object' || payload instanceof ArrayBuffer) return
    const text = JSON.stringify(payload)
    for (const s of set) s.onMessage(text)
  }
}
