import type { Tx } from '../../kernel/db/types.ts'

export interface Credential {
  user_id: string
  password_hash: string
  must_change_password: boolean
  name: string
}

/** Sign-in runs before there is a user: these run on the system path (see auth.routes). */
export async function findCredential(tx: Tx, identifier: string): Promise<Credential | undefined> {
  const [row] = await tx.query<Credential>(
    `select c.user_id, c.password_hash, c.must_change_password,
            coalesce(m.full_name, a.display_name, 'Người dùng') as name
       from app.credentials c
       join public.accounts a on a.user_id = c.user_id
       left join public.members m on m.id = a.member_id
      where c.login_phone = $1 or c.login_card = $1
      limit 1`,
    [identifier],
  )
  return row
}

export async function recentFailures(tx: Tx, keys: string[]): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `select coalesce(max(n), 0)::int as n from (
       select count(*) as n from app.login_attempts
        where key = any($1::text[]) and not succeeded and at > now() - interval '15 minutes'
        group by key) per_key`,
    [keys],
  )
  return row.n
}

export async function recordAttempt(tx: Tx, keys: string[], succeeded: boolean, userId?: string) {
  await tx.query(`insert into app.login_attempts (key, succeeded) select unnest($1::text[]), $2`, [keys, succeeded])
  if (userId) await tx.query(`update public.accounts set last_sign_in_at = now() where user_id = $1`, [userId])
}

export async function demoLogins(tx: Tx): Promise<{ login: string; role: string; password?: string }[]> {
  const [row] = await tx.query<{ value: string }>(`select value from app.settings where key = 'demo.logins'`)
  return row ? JSON.parse(row.value) : []
}

/** Under the user's own RLS: the owner reads and replaces his/her password. */
export async function ownPasswordHash(tx: Tx): Promise<string | undefined> {
  const [row] = await tx.query<{ password_hash: string }>(`select password_hash from app.credentials where user_id = auth.uid()`)
  return row?.password_hash
}

export async function setOwnPassword(tx: Tx, hash: string): Promise<boolean> {
  const rows = await tx.query(
    `update app.credentials set password_hash = $1, must_change_password = false, password_changed_at = now()
      where user_id = auth.uid() returning user_id`,
    [hash],
  )
  return rows.length === 1
}
