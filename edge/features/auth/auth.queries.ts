import type { Tx } from '../../kernel/db/types.ts'

export interface Credential {
  user_id: string
  password_hash: string
  must_change_password: boolean
  name: string
  active: boolean
}

/** The account a login names (its phone or card number; a phone first), with its member's record and what else is joined. */
const byLogin = (join = '') => `
   from app.credentials c
   join public.accounts a on a.user_id = c.user_id
   left join public.members m on m.id = a.member_id
   ${join}
  where c.login_phone = $1 or c.login_card = $1
  order by c.login_phone = $1 desc
  limit 1`

/** The name to greet, and whether the account may still sign in (not of a member who left or died). */
const WHO = `coalesce(m.full_name, a.display_name, 'Người dùng') as name,
  (a.member_id is null or (m.deceased_on is null and (m.left_on is null or m.left_on > app.today()))) as active`

/** Sign-in runs before there is a user: these run on the system path (see auth.routes). */
export async function findCredential(tx: Tx, identifier: string): Promise<Credential | undefined> {
  const [row] = await tx.query<Credential>(`select c.user_id, c.password_hash, c.must_change_password, ${WHO} ${byLogin()}`, [identifier])
  return row
}

/** Failures per throttling key in the last 15 minutes. */
export async function recentFailures(tx: Tx, keys: string[]): Promise<Map<string, number>> {
  const rows = await tx.query<{ key: string; n: number }>(
    `select key, count(*)::int as n from app.login_attempts
      where key = any($1::text[]) and not succeeded and at > now() - interval '15 minutes'
      group by key`,
    [keys],
  )
  return new Map(rows.map((r) => [r.key, r.n]))
}

export async function isTrustedDevice(tx: Tx, key: string): Promise<boolean> {
  const rows = await tx.query(`select 1 from app.trusted_devices where key = $1`, [key])
  return rows.length > 0
}

/**
 * Holds the throttling keys for the rest of the transaction (in one order, so two requests never
 * wait on each other crosswise): counting and reserving an attempt is then one step, and a burst
 * of requests sent together cannot all pass one count.
 */
export async function lockKeys(tx: Tx, keys: string[]) {
  for (const key of [...keys].sort()) await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [key])
}

/** Counts an attempt as failed before the password is checked; settleAttempt marks it a success. */
export async function reserveAttempt(tx: Tx, keys: string[]): Promise<number[]> {
  const rows = await tx.query<{ id: number }>(`insert into app.login_attempts (key, succeeded) select unnest($1::text[]), false returning id`, [keys])
  return rows.map((r) => r.id)
}

export async function settleAttempt(tx: Tx, ids: number[]) {
  await tx.query(`update app.login_attempts set succeeded = true where id = any ($1::bigint[])`, [ids])
}

export async function recordSignIn(tx: Tx, userId: string, deviceKey: string) {
  await tx.query(`update public.accounts set last_sign_in_at = now() where user_id = $1`, [userId])
  await tx.query(`insert into app.trusted_devices (key) values ($1) on conflict (key) do update set last_used_at = now()`, [deviceKey])
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

export async function setOwnPassword(tx: Tx, hash: string, expectedOldHash: string): Promise<boolean> {
  // the old hash in the condition: two changes racing cannot both pass one check of the current password
  const rows = await tx.query(
    `update app.credentials set password_hash = $1, must_change_password = false, password_changed_at = now()
      where user_id = auth.uid() and password_hash = $2 returning user_id`,
    [hash, expectedOldHash],
  )
  return rows.length === 1
}

export interface PendingActivation {
  user_id: string
  name: string
  must_change_password: boolean
  active: boolean
  /** the member's birth date as recorded (iso), if any */
  birth_date: string | null
  has_password: boolean
  code_hash: string | null
  /** the code's last valid day, as a Vietnamese date */
  expires_on: string | null
  expired: boolean
}

/** The account a slip's login names, with its code (system path: there is no user yet). */
export async function findActivation(tx: Tx, identifier: string): Promise<PendingActivation | undefined> {
  const [row] = await tx.query<PendingActivation>(
    `select c.user_id, c.must_change_password, ${WHO},
            m.birth_date::text as birth_date, c.password_hash is not null as has_password, ac.code_hash,
            to_char(ac.expires_at at time zone 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY') as expires_on,
            coalesce(ac.expires_at <= now(), false) as expired
       ${byLogin('left join app.activation_codes ac on ac.user_id = c.user_id')}`,
    [identifier],
  )
  return row
}

/** Spends the code and sets the chosen password in one step; false when the code was spent or expired meanwhile. */
export async function activate(tx: Tx, userId: string, codeHash: string, passwordHash: string): Promise<boolean> {
  const [row] = await tx.query<{ ok: boolean }>(`select app.activate_account($1, $2, $3) as ok`, [userId, codeHash, passwordHash])
  return row.ok
}
