import { createClient, type RealtimeClientOptions, type SupabaseClient, type WebSocketLikeConstructor } from '@supabase/supabase-js'

/** Why there is no WebSocket, and what to do (Node 20 has one only behind a flag). */
export const NO_WEBSOCKET = 'this runtime has no WebSocket for Supabase Realtime: use Deno, Node ≥ 22, or Node 20 with NODE_OPTIONS=--experimental-websocket'

/** The runtime's own WebSocket (Deno, browsers, Node ≥ 22, Node 20 with --experimental-websocket), if any. */
export function runtimeWebSocket(): WebSocketLikeConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketLikeConstructor }).WebSocket
}

/** Stands in where there is no WebSocket: supabase-js makes its Realtime client eagerly, Storage alone never opens one. */
class NoWebSocket {
  constructor() {
    throw new Error(NO_WEBSOCKET)
  }
}

/**
 * A supabase-js client for the server, with the service role key as its only credential
 * (`accessToken`: no auth client, no session kept, nothing refreshed in the background).
 */
export function serviceClient(url: string, serviceKey: string, options: { fetch?: typeof fetch; realtime?: RealtimeClientOptions } = {}): SupabaseClient {
  return createClient(url, serviceKey, {
    accessToken: async () => serviceKey,
    global: options.fetch ? { fetch: options.fetch } : {},
    realtime: { transport: runtimeWebSocket() ?? (NoWebSocket as unknown as WebSocketLikeConstructor), ...options.realtime },
  })
}
