import type { Realtime } from './realtime.ts'

/** The part of a WebSocket this adapter uses (the global WebSocket of Deno, browsers and Node ≥ 22). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: unknown) => void) | null
  onerror: ((event: unknown) => void) | null
}

interface PhoenixMessage {
  topic: string
  event: string
  payload: { status?: string; event?: string; payload?: unknown; response?: unknown }
  ref: string | null
}

const OPEN = 1

/**
 * Supabase Realtime as the realtime port (REALTIME=supabase). The database broadcasts each
 * event on the private channel of its meeting ("meeting:<id>", see the cell_meetings
 * migration); this process joins the channels of the meetings its streams follow, with the
 * service role key, and hands each broadcast to the subscribers of its event name. After a
 * reconnect it rejoins and calls onReady, so the hubs read what they missed meanwhile.
 * A heartbeat the server does not answer in time means a half-open socket (a NAT or load balancer
 * dropped it without a close): events would be lost silently, so the adapter drops it and reconnects.
 */
export class SupabaseRealtime implements Realtime {
  private socket?: SocketLike
  private ref = 0
  private subscribers = new Map<string, Set<{ onMessage: (payload: string) => void; onReady?: () => void }>>()
  private topics = new Map<string, number>()
  private replies = new Map<string, () => void>()
  private heartbeat?: ReturnType<typeof setInterval>
  private heartbeatDeadline?: ReturnType<typeof setTimeout>
  private retry = 0
  private stopped = false

  constructor(
    private url: string,
    private key: string,
    private openSocket: (url: string) => SocketLike = (url) => new WebSocket(url) as unknown as SocketLike,
    private options: { heartbeatMs: number; retryMs: number; heartbeatTimeoutMs?: number } = { heartbeatMs: 25_000, retryMs: 1_000 },
  ) {}

  async subscribe(channel: string, onMessage: (payload: string) => void, onReady?: () => void) {
    let set = this.subscribers.get(channel)
    if (!set) this.subscribers.set(channel, (set = new Set()))
    const subscriber = { onMessage, onReady }
    set.add(subscriber)
    this.connect()
    onReady?.()
    return async () => {
      set.delete(subscriber)
    }
  }

  async watch(topic: string): Promise<() => void> {
    const count = this.topics.get(topic) ?? 0
    this.topics.set(topic, count + 1)
    this.connect()
    if (count === 0) await this.join(topic)
    return () => {
      const left = (this.topics.get(topic) ?? 1) - 1
      if (left > 0) return void this.topics.set(topic, left)
      this.topics.delete(topic)
      this.push(`realtime:${topic}`, 'phx_leave', {})
    }
  }

  close() {
    this.stopped = true
    clearInterval(this.heartbeat)
    clearTimeout(this.heartbeatDeadline)
    this.socket?.close()
  }

  private connect() {
    if (this.socket || this.stopped) return
    const endpoint = `${this.url.replace(/^http/, 'ws').replace(/\/$/, '')}/realtime/v1/websocket?apikey=${encodeURIComponent(this.key)}&vsn=1.0.0`
    const socket = (this.socket = this.openSocket(endpoint))
    socket.onopen = () => void this.opened(socket)
    socket.onmessage = (event) => this.received(String(event.data))
    socket.onclose = () => this.lost(socket)
    socket.onerror = () => socket.close()
  }

  private async opened(socket: SocketLike) {
    this.retry = 0
    this.heartbeat = setInterval(() => this.beat(socket), this.options.heartbeatMs)
    const rejoining = [...this.topics.keys()]
    await Promise.all(rejoining.map((topic) => this.join(topic)))
    // anything broadcast while we were away is gone: subscribers read what they missed
    if (rejoining.length) for (const set of this.subscribers.values()) for (const s of set) s.onReady?.()
  }

  /** Sends a heartbeat; without its reply in time (one interval by default) the socket is given up. */
  private beat(socket: SocketLike) {
    if (this.heartbeatDeadline !== undefined) return
    const ref = this.push('phoenix', 'heartbeat', {})
    this.heartbeatDeadline = setTimeout(() => {
      this.replies.delete(ref)
      this.heartbeatDeadline = undefined
      this.lost(socket)
      // a half-open socket may never report its close: it is forgotten first, then closed
      try {
        socket.close()
      } catch {
        // already closing
      }
    }, this.options.heartbeatTimeoutMs ?? this.options.heartbeatMs)
    this.replies.set(ref, () => {
      clearTimeout(this.heartbeatDeadline)
      this.heartbeatDeadline = undefined
    })
  }

  private lost(socket: SocketLike) {
    if (this.socket !== socket) return
    clearInterval(this.heartbeat)
    clearTimeout(this.heartbeatDeadline)
    this.heartbeatDeadline = undefined
    this.socket = undefined
    for (const settle of this.replies.values()) settle()
    this.replies.clear()
    if (this.stopped) return
    const delay = Math.min(30_000, this.options.retryMs * 2 ** this.retry++)
    setTimeout(() => this.connect(), delay)
  }

  /** Joins a private channel; resolves on the server's reply (or when the socket drops: the rejoin after reconnect covers it). */
  private join(topic: string): Promise<void> {
    if (this.socket?.readyState !== OPEN) return Promise.resolve()
    return new Promise((resolve) => {
      const ref = this.push(`realtime:${topic}`, 'phx_join', {
        config: { broadcast: { ack: false, self: false }, presence: { key: '' }, postgres_changes: [], private: true },
        access_token: this.key,
      })
      this.replies.set(ref, resolve)
    })
  }

  private push(topic: string, event: string, payload: unknown): string {
    const ref = String(++this.ref)
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ topic, event, payload, ref, join_ref: event === 'phx_join' ? ref : undefined }))
    return ref
  }

  private received(text: string) {
    let message: PhoenixMessage
    try {
      message = JSON.parse(text)
    } catch {
      return
    }
    if (message.event === 'phx_reply' && message.ref) {
      if (message.payload.status !== 'ok' && message.topic !== 'phoenix') console.error(`realtime: ${message.topic} refused:`, message.payload.response)
      this.replies.get(message.ref)?.()
      this.replies.delete(message.ref)
      return
    }
    if (message.event !== 'broadcast' || !message.payload.event) return
    const payload = JSON.stringify(message.payload.payload)
    for (const s of this.subscribers.get(message.payload.event) ?? []) s.onMessage(payload)
  }
}
