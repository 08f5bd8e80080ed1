/**
 * The publish/subscribe port. Publishing happens in SQL (pg_notify in a trigger, so an event
 * exists only once its transaction committed); subscribing is here. Locally: Postgres
 * LISTEN/NOTIFY on PGlite or the server. A Supabase Realtime adapter implements the same shape.
 */
export interface Realtime {
  /** onReady runs when listening starts and again after every reconnect: events in between were missed. */
  subscribe(channel: string, onMessage: (payload: string) => void, onReady?: () => void): Promise<() => Promise<void>>
  /** Adapters that deliver per topic ("meeting:<id>") need to know which topics have followers; resolves once joined. */
  watch?(topic: string): Promise<() => void>
}
