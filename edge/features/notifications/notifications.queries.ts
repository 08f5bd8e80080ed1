import type { Tx } from '../../kernel/db/types.ts'

export const PAGE_SIZE = 30

export interface NotificationRow {
  id: string
  kind: string
  title: string
  url: string
  created_at: Date
  read_at: Date | null
}

/** The user's notices, newest first, and how many are unread (RLS: only one's own). */
export async function list(tx: Tx, page: number, onlyUnread = false): Promise<{ rows: NotificationRow[]; unread: number }> {
  const rows = await tx.query<NotificationRow>(
    `select id, kind, title, url, created_at, read_at from public.notifications
      where member_id = (select app.current_member_id()) ${onlyUnread ? 'and read_at is null' : ''}
      order by created_at desc, id limit ${PAGE_SIZE + 1} offset ${(page - 1) * PAGE_SIZE}`,
  )
  return { rows, unread: await unreadCount(tx) }
}

/** Marks one notice read and returns where it leads. */
export async function open(tx: Tx, id: string): Promise<string | undefined> {
  const [row] = await tx.query<{ url: string }>(`update public.notifications set read_at = coalesce(read_at, now()) where id = $1 returning url`, [id])
  return row?.url
}

export async function unreadCount(tx: Tx): Promise<number> {
  const [{ n }] = await tx.query<{ n: number }>(
    `select count(*)::int as n from public.notifications where member_id = (select app.current_member_id()) and read_at is null`,
  )
  return n
}

export async function deviceCount(tx: Tx): Promise<number> {
  const [{ n }] = await tx.query<{ n: number }>(`select count(*)::int as n from public.push_subscriptions where user_id = auth.uid()`)
  return n
}

/**
 * Stores the browser's subscription for the signed-in user, or renews it when it is already his/hers (new keys).
 * An endpoint is a capability: one registered by another user stays that user's (false), it is never taken over.
 * Under RLS the delete reaches only one's own row, and `on conflict do nothing` skips anyone else's.
 */
export async function registerDevice(tx: Tx, device: { endpoint: string; keys: { p256dh: string; auth: string } }, userAgent: string): Promise<boolean> {
  await tx.query(`delete from public.push_subscriptions where endpoint = $1`, [device.endpoint])
  const rows = await tx.query(
    `insert into public.push_subscriptions (endpoint, p256dh, auth, user_agent) values ($1, $2, $3, left($4, 300))
     on conflict (endpoint) do nothing returning id`,
    [device.endpoint, device.keys.p256dh, device.keys.auth, userAgent],
  )
  return rows.length === 1
}

export async function removeDevice(tx: Tx, endpoint: string): Promise<number> {
  return (await tx.query(`delete from public.push_subscriptions where endpoint = $1 returning id`, [endpoint])).length
}

export async function readAll(tx: Tx): Promise<number> {
  const rows = await tx.query(
    `update public.notifications set read_at = now() where member_id = (select app.current_member_id()) and read_at is null returning id`,
  )
  return rows.length
}
