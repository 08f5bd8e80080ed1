import type { Tx } from '../../kernel/db/types.ts'
import type { EventInput } from './calendar.forms.ts'

export interface Item {
  kind: 'event' | 'meeting' | 'task'
  id: string
  title: string
  starts_at: Date
  ends_at: Date | null
  all_day: boolean
  place: string | null
  org_name: string
  url: string
}

/**
 * Everything on the user's calendar between two instants, under RLS: the events of his/her
 * organizations, the meetings of his/her cell (or that he/she chairs or takes notes at), and the
 * deadlines of tasks given to or by him/her.
 */
export async function items(tx: Tx, from: Date, to: Date): Promise<Item[]> {
  return tx.query<Item>(
    `select 'event' as kind, e.id, e.title, e.starts_at, e.ends_at, false as all_day, e.place, o.name as org_name, '/calendar/events/' || e.id as url
       from public.events e join public.organizations o on o.id = e.org_id
      where e.starts_at < $2 and e.ends_at >= $1
     union all
     select 'meeting', mt.id, mt.title, mt.starts_at, mt.starts_at + interval '2 hours', false, mt.place, o.name, '/meetings/' || mt.id
       from public.meetings mt join public.organizations o on o.id = mt.org_id
      where mt.status = 'scheduled'
        -- one's own cell, or where one chairs or takes notes: a province calendar of every cell's meetings helps nobody.
        -- Three index lookups, not one OR: under a province's policy the OR reads every meeting of the month.
        and mt.id in (select x.id from public.meetings x where x.org_id = (select app.home_org_id()) and x.starts_at >= $1 and x.starts_at < $2
                      union select x.id from public.meetings x where x.chair_id = (select app.current_member_id()) and x.starts_at >= $1 and x.starts_at < $2
                      union select x.id from public.meetings x where x.note_taker_id = (select app.current_member_id()) and x.starts_at >= $1 and x.starts_at < $2)
     union all
     select 'task', t.id, 'Hạn: ' || t.title, (t.due_on::timestamp at time zone 'Asia/Ho_Chi_Minh'), null, true, null, o.name, '/tasks/' || t.id
       from public.tasks t join public.organizations o on o.id = t.org_id
      where t.due_on between ($1::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date and ($2::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date
        -- given by or to the user: two index lookups, not an OR (see the meetings above)
        and t.id in (select x.id from public.tasks x where x.assigner_id = (select app.current_member_id())
                     union select a.task_id from public.task_assignees a where a.member_id = (select app.current_member_id()) and a.status <> 'done')
     order by 4, 3
     limit 2000`,
    [from.toISOString(), to.toISOString()],
  )
}

export async function event(tx: Tx, id: string) {
  const [row] = await tx.query<Item & { description: string | null; can_manage: boolean; org_id: string }>(
    `select 'event' as kind, e.id, e.title, e.starts_at, e.ends_at, false as all_day, e.place, e.description, o.name as org_name, e.org_id,
            '/calendar/events/' || e.id as url, app.in_scope(e.org_key) as can_manage
       from public.events e join public.organizations o on o.id = e.org_id where e.id = $1`,
    [id],
  )
  return row
}

/** Organizations the user may address an event to: those he/she manages and their children. */
export async function audiences(tx: Tx): Promise<{ id: string; name: string }[]> {
  return tx.query(
    `select o.id, o.name from public.organizations o
      where o.id = any ((select app.scope_head_ids(true))::uuid[])
      order by o.path limit 300`,
  )
}

export async function createEvent(tx: Tx, input: EventInput): Promise<string> {
  const id = crypto.randomUUID()
  await tx.query(`insert into public.events (id, org_id, title, starts_at, ends_at, place, description) values ($1, $2, $3, $4, $5, $6, $7)`, [
    id,
    input.org_id,
    input.title,
    input.starts_at,
    input.ends_at,
    input.place ?? null,
    input.description ?? null,
  ])
  return id
}

export async function updateEvent(tx: Tx, id: string, input: EventInput): Promise<boolean> {
  const rows = await tx.query(
    `update public.events set org_id = $2, title = $3, starts_at = $4, ends_at = $5, place = $6, description = $7 where id = $1 returning id`,
    [id, input.org_id, input.title, input.starts_at, input.ends_at, input.place ?? null, input.description ?? null],
  )
  return rows.length === 1
}

export async function deleteEvent(tx: Tx, id: string): Promise<boolean> {
  return (await tx.query(`delete from public.events where id = $1 returning id`, [id])).length === 1
}

export async function feedExists(tx: Tx): Promise<boolean> {
  return (await tx.query(`select 1 from public.calendar_feeds where user_id = auth.uid()`)).length === 1
}

/** A new secret feed address (the old one stops working). */
export async function renewFeed(tx: Tx, tokenHash: string): Promise<void> {
  await tx.query(`delete from public.calendar_feeds where user_id = auth.uid()`)
  await tx.query(`insert into public.calendar_feeds (token_hash) values ($1)`, [tokenHash])
}

export async function revokeFeed(tx: Tx): Promise<void> {
  await tx.query(`delete from public.calendar_feeds where user_id = auth.uid()`)
}

/** Whose feed this is (system path: the token is the credential, as a password is at sign-in). */
export async function feedOwner(tx: Tx, tokenHash: string): Promise<string | undefined> {
  const [row] = await tx.query<{ user_id: string }>(`select user_id from public.calendar_feeds where token_hash = $1`, [tokenHash])
  return row?.user_id
}

export interface Holiday {
  day: string
  name: string
}

/** The public holidays of a year, and whether the user keeps them (the root committee, the administrator). */
export async function holidays(tx: Tx, year: number): Promise<{ days: Holiday[]; keeps: boolean }> {
  const days = await tx.query<Holiday>(
    `select day::text, name from public.public_holidays where day >= make_date($1, 1, 1) and day < make_date($1 + 1, 1, 1) order by day`,
    [year],
  )
  const [{ keeps }] = await tx.query<{ keeps: boolean }>(`select app.keeps_holidays() as keeps`)
  return { days, keeps }
}

/** Adds a holiday (false when the day is one already); the policy lets only its keepers write. */
export async function addHoliday(tx: Tx, day: string, name: string): Promise<boolean> {
  const rows = await tx.query(`insert into public.public_holidays (day, name) values ($1, $2) on conflict (day) do nothing returning day`, [day, name])
  return rows.length === 1
}

export async function removeHoliday(tx: Tx, day: string): Promise<boolean> {
  return (await tx.query(`delete from public.public_holidays where day = $1 returning day`, [day])).length === 1
}
