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
  const [{ unread }] = await tx.query<{ unread: number }>(
    `select count(*)::int as unread from public.notifications where member_id = (select app.current_member_id()) and read_at is null`,
  )
  return { rows, unread }
}

/** Marks one notice read and returns where it leads. */
export async function open(tx: Tx, id: string): Promise<string | undefined> {
  const [row] = await tx.query<{ url: string }>(`update public.notifications set read_at = coalesce(read_at, now()) where id = $1 returning url`, [id])
  return row?.url
}

export async function readAll(tx: Tx): Promise<number> {
  const rows = await tx.query(`update public.notifications set read_at = now() where member_id = (select app.current_member_id()) and read_at is null returning id`)
  return rows.length
}
