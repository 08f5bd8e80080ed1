import type { IncomingMessage } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

/** The parts of the `ws` package (7.x, already in node_modules for lighthouse) these tests use: no @types/ws here. */
export interface WsSocket {
  readyState: number
  send(data: string | Uint8Array): void
  close(code?: number, reason?: string): void
  terminate(): void
  on(event: 'message', listener: (data: string | Buffer | ArrayBuffer) => void): void
  on(event: 'close', listener: () => void): void
}
interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket, request: IncomingMessage) => void): void
  address(): AddressInfo
  close(callback?: () => void): void
  clients: Set<WsSocket>
}
interface WsModule {
  new (url: string, protocols?: string | string[]): unknown
  Server: new (options: { port: number; host: string }, callback?: () => void) => WsServer
}

/** The `ws` WebSocket class (a client transport for realtime-js on Node 20, which has no global WebSocket). */
export const ws = createRequire(import.meta.url)('ws') as WsModule

/** One connected client as the server sees it. */
export interface Connection {
  socket: WsSocket
  url: URL
  /** every message the client sent, decoded ([join_ref, ref, topic, event, payload] in vsn 2.0.0) */
  received: { joinRef: string | null; ref: string | null; topic: string; event: string; payload: Record<string, unknown> }[]
  /** topics joined (with "realtime:" prefix) → join_ref */
  joined: Map<string, string>
  /** false: the server stops answering (a half-open connection: nothing comes back, not even a close) */
  answering: boolean
}

/**
 * A local Supabase Realtime server, speaking the Phoenix protocol as realtime-js 2.x talks it
 * (vsn 2.0.0): text frames are JSON arrays [join_ref, ref, topic, event, payload]; a broadcast to
 * clients goes out as a binary "user broadcast" frame (kind 4), as Realtime sends them, or as
 * JSON. It answers phx_join (private channels: only with the expected access token), heartbeats
 * and phx_leave, and broadcasts to the sockets that joined a topic.
 */
export class FakeRealtime {
  connections: Connection[] = []
  private server!: WsServer

  constructor(private key: string) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => {
      this.server = new ws.Server({ port: 0, host: '127.0.0.1' }, resolve)
    })
    this.server.on('connection', (socket, request) => this.connected(socket, request))
    return `http://127.0.0.1:${this.server.address().port}`
  }

  stop(): Promise<void> {
    for (const c of this.connections) c.socket.terminate()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  /** Open connections that joined `topic` ("meeting:<id>", without the prefix). */
  joinedTo(topic: string): Connection[] {
    return this.connections.filter((c) => c.socket.readyState === 1 && c.joined.has(`realtime:${topic}`))
  }

  /** Sends a broadcast, as the database's realtime.send(payload, event, topic, true) makes Realtime do. */
  broadcast(topic: string, event: string, payload: unknown, encoding: 'binary' | 'json' = 'binary') {
    for (const c of this.joinedTo(topic)) {
      if (!c.answering) continue
      const full = `realtime:${topic}`
      if (encoding === 'json') c.socket.send(JSON.stringify([null, null, full, 'broadcast', { type: 'broadcast', event, payload }]))
      else c.socket.send(userBroadcast(full, event, payload))
    }
  }

  private connected(socket: WsSocket, request: IncomingMessage) {
    const connection: Connection = { socket, url: new URL(request.url ?? '/', 'http://x'), received: [], joined: new Map(), answering: true }
    this.connections.push(connection)
    if (connection.url.pathname !== '/realtime/v1/websocket' || connection.url.searchParams.get('vsn') !== '2.0.0') return socket.close(1002, 'unexpected url')
    socket.on('message', (data) => {
      if (typeof data !== 'string' && !(data instanceof Buffer && data[0] === 0x5b)) return // binary pushes: not used by the app
      const [joinRef, ref, topic, event, payload] = JSON.parse(String(data))
      connection.received.push({ joinRef, ref, topic, event, payload })
      if (!connection.answering) return
      const reply = (status: 'ok' | 'error', response: Record<string, unknown> = {}) =>
        socket.send(JSON.stringify([joinRef, ref, topic, 'phx_reply', { status, response }]))
      if (topic === 'phoenix' && event === 'heartbeat') return reply('ok')
      if (event === 'phx_join') {
        const config = payload.config as { private?: boolean }
        if (config?.private && payload.access_token !== this.key)
          return reply('error', { reason: 'Unauthorized: You do not have permissions to read from this Channel topic' })
        connection.joined.set(topic, joinRef)
        return reply('ok', { postgres_changes: [] })
      }
      if (event === 'phx_leave') {
        connection.joined.delete(topic)
        return reply('ok')
      }
      if (event === 'access_token') return
      reply('ok')
    })
  }
}

/** realtime-js's Serializer decodes this: kind 4, topic, event and metadata sizes, encoding (1: JSON), then the bytes. */
function userBroadcast(topic: string, event: string, payload: unknown): Uint8Array {
  const encoder = new TextEncoder()
  const [t, e, body] = [encoder.encode(topic), encoder.encode(event), encoder.encode(JSON.stringify(payload))]
  const frame = new Uint8Array(5 + t.length + e.length + body.length)
  frame.set([4, t.length, e.length, 0, 1])
  frame.set(t, 5)
  frame.set(e, 5 + t.length)
  frame.set(body, 5 + t.length + e.length)
  return frame
}

/** Waits until `check` holds, polling, at most `ms` (generous: a busy runner). */
export async function until(check: () => boolean, ms = 30_000, what = 'condition') {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
