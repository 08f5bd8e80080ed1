import type { Tx } from '../../kernel/db/types.ts'

/** A reminder time relative to a due date: `days` after it (negative: before), at `time` Vietnam time. */
export interface Offset {
  days: number
  time: string
}

/**
 * Task reminders that fell due in the last day, for assignees with a device (the member, or the
 * current role holders of an assigned organization): one delivery per (assignment, person,
 * reminder time), so planning twice (or in two processes) plans once.
 */
export async function planTaskReminders(tx: Tx, now: Date, offsets: Offset[]): Promise<number> {
  const rows = await tx.query(
    `insert into public.push_deliveries (key, user_id, title, body, url, due_at, next_attempt_at)
     select 'task:' || a.id || ':' || who.member_id || ':' || to_char(r.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'), acc.user_id,
            'Nhắc việc: ' || t.title,
            case when r.days = 0 then 'Hạn hoàn thành hôm nay.' else 'Hạn hoàn thành ' || to_char(t.due_on, 'DD/MM/YYYY') || '.' end,
            '/tasks/' || t.id, r.at, $1::timestamptz
       from public.tasks t
       join public.task_assignees a on a.task_id = t.id and a.status not in ('done', 'reported')
       cross join lateral (
         select a.member_id where a.member_id is not null
         union all
         select ro.member_id from public.org_roles ro
          where a.org_id is not null and ro.org_id = a.org_id and ro.valid_from <= app.today() and (ro.valid_to is null or ro.valid_to >= app.today())) who (member_id)
       join public.accounts acc on acc.member_id = who.member_id
       cross join lateral (
         select o.days, ((t.due_on + o.days) + o.at_time) at time zone 'Asia/Ho_Chi_Minh' as at
           from unnest($2::int[], $3::time[]) o(days, at_time)) r
      -- only tasks one of whose reminder times can fall in the last day: due between today - (latest offset) - 1 and today - (earliest offset)
      where t.due_on between ($1::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date - $4::int - 1 and ($1::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date - $5::int
        and r.at <= $1 and r.at > $1::timestamptz - interval '1 day'
        and exists (select 1 from public.push_subscriptions s where s.user_id = acc.user_id)
     on conflict (key) do nothing returning id`,
    [
      now.toISOString(),
      offsets.map((o) => o.days),
      offsets.map((o) => o.time),
      Math.max(...offsets.map((o) => o.days)),
      Math.min(...offsets.map((o) => o.days)),
    ],
  )
  return rows.length
}

/**
 * Features that remind of their own deadlines (an evaluation step, a transfer's acceptance, a
 * resident member's yearly comment) define `app.plan_reminders_<feature>(now)` in their migration:
 * it writes the notices that fell due, each once, and says how many. This pass calls every such
 * function it finds in the catalog, so the scheduler knows no feature's tables; the notices then
 * reach devices like any other (planNoticePushes).
 */
export async function planFeatureReminders(tx: Tx, now: Date): Promise<Record<string, number>> {
  const planners = await tx.query<{ name: string }>(
    `select p.proname as name from pg_catalog.pg_proc p
      where p.pronamespace = 'app'::regnamespace and p.proname like 'plan\\_reminders\\_%'
        and p.pronargs = 1 and p.proargtypes[0] = 'pg_catalog.timestamptz'::regtype
      order by 1`,
  )
  const planned: Record<string, number> = {}
  for (const { name } of planners) {
    // names come from the catalog, and only migrations create functions in schema app
    if (!/^plan_reminders_[a-z0-9_]+$/.test(name)) continue
    const [row] = await tx.query<{ n: number }>(`select coalesce(app.${name}($1::timestamptz), 0)::int as n`, [now.toISOString()])
    planned[name.slice('plan_reminders_'.length)] = row.n
  }
  return planned
}

/**
 * New in-app notices (materials published, a task given, reported, reviewed) go to the devices
 * too. Reads on from the newest notice seen last time (a mark taken from the data, not from a
 * clock), less a margin for transactions that committed late.
 */
export async function planNoticePushes(tx: Tx, now: Date): Promise<number> {
  const [mark] = await tx.query<{ value: string }>(`select value from app.settings where key = 'push.notices_seen'`)
  const after = mark ? mark.value : new Date(now.getTime() - 86_400_000).toISOString()
  const [seen] = await tx.query<{ newest: string | null }>(
    `select max(n.created_at)::text as newest from public.notifications n where n.created_at > $1::timestamptz - interval '5 minutes' and n.created_at <= $2`,
    [after, now.toISOString()],
  )
  const rows = await tx.query(
    `insert into public.push_deliveries (key, user_id, title, url, due_at, next_attempt_at)
     select 'notice:' || n.id, acc.user_id, n.title, n.url, n.created_at, $2::timestamptz
       from public.notifications n join public.accounts acc on acc.member_id = n.member_id
      where n.created_at > $1::timestamptz - interval '5 minutes' and n.created_at <= $2 and n.read_at is null
        and exists (select 1 from public.push_subscriptions s where s.user_id = acc.user_id)
     on conflict (key) do nothing returning id`,
    [after, now.toISOString()],
  )
  if (seen.newest)
    await tx.query(
      `insert into app.settings (key, value) values ('push.notices_seen', $1)
       on conflict (key) do update set value = greatest(app.settings.value::timestamptz, excluded.value::timestamptz)::text`,
      [seen.newest],
    )
  return rows.length
}

export interface Claimed {
  id: string
  key: string
  user_id: string
  title: string
  body: string | null
  url: string
  attempts: number
}

/** Takes up to `limit` deliveries that are due (or whose previous claim expired): no two runs take the same one. */
export async function claim(tx: Tx, runId: string, now: Date, limit: number, leaseSeconds: number): Promise<Claimed[]> {
  return tx.query<Claimed>(
    `update public.push_deliveries d
        set status = 'sending', claimed_by = $1, claimed_until = $2::timestamptz + make_interval(secs => $4), attempts = d.attempts + 1
      where d.id in (select x.id from public.push_deliveries x
                      where (x.status = 'pending' and x.next_attempt_at <= $2) or (x.status = 'sending' and x.claimed_until < $2)
                      order by x.due_at limit $3 for update skip locked)
      returning d.id, d.key, d.user_id, d.title, d.body, d.url, d.attempts`,
    [runId, now.toISOString(), limit, leaseSeconds],
  )
}

export async function devicesOf(tx: Tx, userIds: string[]) {
  return tx.query<{ id: string; user_id: string; endpoint: string; p256dh: string; auth: string }>(
    `select id, user_id, endpoint, p256dh, auth from public.push_subscriptions where user_id = any ($1::uuid[])`,
    [userIds],
  )
}

export interface Result {
  id: string
  status: 'delivered' | 'pending' | 'failed' | 'no_device'
  retryAt?: Date
  error?: string
}

/** Writes the outcomes of this run's claims (a claim taken over by another run is left to it). */
export async function record(tx: Tx, runId: string, results: Result[], goneDevices: string[], deliveredDevices: string[]) {
  if (results.length)
    await tx.query(
      `update public.push_deliveries d
          set status = r.status, next_attempt_at = coalesce(r.retry_at, d.next_attempt_at), last_error = r.error,
              delivered_at = case when r.status = 'delivered' then now() end, claimed_by = null, claimed_until = null
         from unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) r(id, status, retry_at, error)
        where d.id = r.id and d.claimed_by = $1`,
      [
        runId,
        results.map((r) => r.id),
        results.map((r) => r.status),
        results.map((r) => r.retryAt?.toISOString() ?? null),
        results.map((r) => r.error ?? null),
      ],
    )
  if (goneDevices.length) await tx.query(`delete from public.push_subscriptions where id = any ($1::uuid[])`, [goneDevices])
  if (deliveredDevices.length) await tx.query(`update public.push_subscriptions set last_success_at = now() where id = any ($1::uuid[])`, [deliveredDevices])
}
