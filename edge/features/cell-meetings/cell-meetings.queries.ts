import type { Tx } from '../../kernel/db/types.ts'
import { inIndexOrder, narrowScopeOrgIds } from '../../kernel/db/scope.ts'
import type { MeetingInput } from './cell-meetings.forms.ts'

export const PAGE_SIZE = 20

export interface MeetingRow {
  id: string
  title: string
  kind: string
  starts_at: Date
  place: string | null
  status: string
  org_name: string
}

/** A list row: for past meetings, how many came of how many the cell expected. */
export interface MeetingListRow extends MeetingRow {
  present: number
  expected: number
}

/** Counts beyond this are shown as "more than". */
export const COUNT_LIMIT = 10_000
/** A meeting stays "upcoming" until three hours after it starts. */
const CUTOFF = `now() - interval '3 hours'`

/**
 * The user's meetings: a narrow scope (a cell, a ward; see kernel/db/scope.ts) spelled out as
 * organization ids, with his/her own cell, so the (org_id, starts_at) index serves them; a wide
 * one (a city, a province) walks the starts_at index in order and lets the policy filter.
 */
async function inScope<T>(tx: Tx, read: (filter: string, params: unknown[], narrow: boolean) => Promise<T>): Promise<T> {
  const ids = await narrowScopeOrgIds(tx)
  const [{ home }] = await tx.query<{ home: string | null }>(`select app.home_org_id() as home`)
  if (ids) return read(`mt.org_id = any ($1::uuid[])`, [home ? [...ids, home] : ids], true)
  return inIndexOrder(tx, () => read('true', [], false))
}

const ROW = `mt.id, mt.title, mt.kind, mt.starts_at, mt.place, mt.status, mt.org_id, o.name as org_name`

/**
 * Upcoming first (soonest first), then past ones (latest first), under RLS; a page at a time at
 * any scope. A narrow scope gets an exact total; a wide one only knows whether a next page
 * exists (counting a province's meetings under RLS costs more than the page itself).
 */
export async function listMeetings(tx: Tx, page: number): Promise<{ rows: MeetingListRow[]; total: number; capped: boolean }> {
  return inScope(tx, async (filter, params, narrow) => {
    // ordered, so a wide scope walks the time index from now on (unordered, it scans the past first)
    const count = async (when: string, cap: number) =>
      (
        await tx.query<{ n: number }>(
          `select count(*)::int as n from (select 1 from public.meetings mt where ${filter} and ${when} order by mt.starts_at limit ${cap}) capped`,
          params,
        )
      )[0].n
    const offset = (page - 1) * PAGE_SIZE
    const wanted = PAGE_SIZE + 1
    // exact whenever the past part of this page depends on it
    const upcoming = await count(`mt.starts_at >= ${CUTOFF}`, offset + wanted)
    const rows: (MeetingRow & { org_id: string })[] = []
    if (offset < upcoming)
      rows.push(
        ...(await tx.query<MeetingRow & { org_id: string }>(
          `select ${ROW} from public.meetings mt join public.organizations o on o.id = mt.org_id
          where ${filter} and mt.starts_at >= ${CUTOFF} order by mt.starts_at asc limit ${wanted} offset ${offset}`,
          params,
        )),
      )
    if (rows.length < wanted)
      rows.push(
        ...(await tx.query<MeetingRow & { org_id: string }>(
          `select ${ROW} from public.meetings mt join public.organizations o on o.id = mt.org_id
          where ${filter} and mt.starts_at < ${CUTOFF} order by mt.starts_at desc
          limit ${wanted - rows.length} offset ${Math.max(0, offset - upcoming)}`,
          params,
        )),
      )
    const more = rows.length > PAGE_SIZE
    const shown = await withAttendance(tx, rows.slice(0, PAGE_SIZE))
    if (!narrow) return { rows: shown, total: offset + shown.length + (more ? 1 : 0), capped: more }
    const total = await count('true', COUNT_LIMIT + 1)
    return { rows: shown, total: Math.min(total, COUNT_LIMIT), capped: total > COUNT_LIMIT }
  })
}

/** For past meetings of a page: how many came, of how many the cell expected then (frozen at the first check-in), or now. */
async function withAttendance(tx: Tx, rows: (MeetingRow & { org_id: string })[]): Promise<MeetingListRow[]> {
  if (!rows.length) return []
  const stats = await tx.query<{ id: string; present: number; expected: number }>(
    // the expected count once per organization, not once per meeting: a cell's page is one cell
    `with page as (select mt.id, mt.org_id, mt.starts_at, mt.expected_count from public.meetings mt where mt.id = any ($1::uuid[])),
          expected_now as materialized (select d.org_id, app.expected_attendance(d.org_id) as n
                             from (select distinct org_id from page where expected_count is null and starts_at < now()) d)
     select p.id,
            (select count(*)::int from public.meeting_attendance a where a.meeting_id = p.id and a.status = 'present') as present,
            case when p.starts_at < now() then coalesce(p.expected_count, e.n) else 0 end as expected
       from page p left join expected_now e on e.org_id = p.org_id`,
    [rows.map((r) => r.id)],
  )
  const byId = new Map(stats.map((s) => [s.id, s]))
  return rows.map(({ org_id: _, ...r }) => ({ ...r, present: byId.get(r.id)?.present ?? 0, expected: byId.get(r.id)?.expected ?? 0 }))
}

/** The next meetings the user will attend or oversee (for the home page). */
export async function upcoming(tx: Tx, limit = 3): Promise<MeetingRow[]> {
  return inScope(tx, (filter, params) =>
    tx.query<MeetingRow>(
      `select ${ROW} from public.meetings mt join public.organizations o on o.id = mt.org_id
        where ${filter} and mt.status = 'scheduled' and mt.starts_at >= ${CUTOFF}
        order by mt.starts_at limit ${limit}`,
      params,
    ),
  )
}

export interface MeetingDetail extends MeetingRow {
  org_id: string
  agenda: string | null
  chair_id: string | null
  note_taker_id: string | null
  chair_name: string | null
  note_taker_name: string | null
  can_manage: boolean
  recorded_late: boolean
  /** why it was cancelled (the members were told) */
  cancel_reason: string | null
  /** the database's clock (app.now), which decides the time rules */
  now: Date
  check_in_opens: Date
  day_end: Date
  /** approved minutes froze the attendance, the chair, the note-taker and the time */
  minutes_approved: boolean
}

export async function getMeeting(tx: Tx, id: string): Promise<MeetingDetail | undefined> {
  const [row] = await tx.query<MeetingDetail>(
    `select mt.id, mt.title, mt.kind, mt.starts_at, mt.place, mt.status, mt.org_id, mt.agenda, mt.chair_id, mt.note_taker_id,
            o.name as org_name,
            app.visible_member_name(mt.chair_id) as chair_name,
            app.visible_member_name(mt.note_taker_id) as note_taker_name,
            o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage,
            mt.recorded_late, mt.cancel_reason, app.now() as now,
            app.check_in_opens(mt.starts_at) as check_in_opens, app.meeting_day_end(mt.starts_at) as day_end,
            exists (select 1 from public.meeting_minutes mm where mm.meeting_id = mt.id and mm.status = 'approved') as minutes_approved
       from public.meetings mt join public.organizations o on o.id = mt.org_id
      where mt.id = $1`,
    [id],
  )
  return row
}

/** Whether the user may schedule for any cell (without listing a province's thousands of cells). */
export async function canSchedule(tx: Tx): Promise<boolean> {
  const rows = await tx.query(
    `select 1 from public.organizations o
      where o.path <@ any ((select app.managed_scope())::ltree[]) and o.valid_to is null and o.kind in ('cell', 'grassroots_cell') limit 1`,
  )
  return rows.length === 1
}

/** Cells the user may schedule for. */
export async function schedulableCells(tx: Tx): Promise<{ id: string; name: string; parent_name: string | null; short_code: string | null }[]> {
  return tx.query(
    `select o.id, o.name, o.short_code, (select p.name from public.organizations p where p.id = o.parent_id) as parent_name from public.organizations o
      where o.path <@ any ((select app.managed_scope())::ltree[]) and o.valid_to is null
        and o.kind in ('cell', 'grassroots_cell')
      order by o.path limit 2000`,
  )
}

/** The cell's current members, to pick the chair and the note-taker. */
export async function cellPeople(tx: Tx, orgId: string): Promise<{ id: string; full_name: string }[]> {
  return tx.query(
    `select m.id, m.full_name from public.members m
      where m.org_id = $1 and m.deceased_on is null and m.left_on is null
      order by m.full_name limit 1000`,
    [orgId],
  )
}

const COLUMNS = ['org_id', 'kind', 'title', 'starts_at', 'place', 'chair_id', 'note_taker_id', 'agenda', 'recorded_late'] as const

export async function createMeeting(tx: Tx, input: MeetingInput): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.meetings (${COLUMNS.join(', ')}) values (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
    COLUMNS.map((c) => input[c] ?? null),
  )
  return row.id
}

/** Another regular meeting of the same cell in the same month (Vietnam time), not cancelled: a second one is allowed but said. */
export async function otherRegularInMonth(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx.query(
    `select 1 from public.meetings mt join public.meetings other
         on other.org_id = mt.org_id and other.id <> mt.id and other.kind = 'regular' and other.status <> 'cancelled'
        and date_trunc('month', other.starts_at at time zone 'Asia/Ho_Chi_Minh') = date_trunc('month', mt.starts_at at time zone 'Asia/Ho_Chi_Minh')
      where mt.id = $1 and mt.kind = 'regular' limit 1`,
    [id],
  )
  return rows.length > 0
}

export async function updateMeeting(tx: Tx, id: string, input: MeetingInput): Promise<boolean> {
  const rows = await tx.query(
    `update public.meetings set ${COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ')}
      where id = $1 and status = 'scheduled' returning id`,
    [id, ...COLUMNS.map((c) => input[c] ?? null)],
  )
  return rows.length === 1
}

export async function cancelMeeting(tx: Tx, id: string, reason: string): Promise<boolean> {
  const rows = await tx.query(`update public.meetings set status = 'cancelled', cancel_reason = $2 where id = $1 and status = 'scheduled' returning id`, [
    id,
    reason,
  ])
  return rows.length === 1
}

// --- attendance ---------------------------------------------------------------------------

export interface AttendanceRow {
  member_id: string
  full_name: string
  status: string | null
  reason: string | null
  by_proxy: boolean
  exempt: boolean
}

export interface AttendanceCounts {
  members: number
  official: number
  probationary: number
  exempt: number
  expected: number
  present: number
  absent_excused: number
  absent_unexcused: number
  unrecorded: number
}

/** Everyone of the cell with his/her record for this meeting, and the counts (one definition, shared with the minutes). */
export async function attendance(tx: Tx, meetingId: string): Promise<{ rows: AttendanceRow[]; counts: AttendanceCounts }> {
  const rows = await tx.query<AttendanceRow>(
    `select p.member_id, p.full_name, p.attendance as status, p.reason, p.by_proxy, p.exempt
       from public.meeting_people($1) p order by p.full_name`,
    [meetingId],
  )
  const [{ counts }] = await tx.query<{ counts: AttendanceCounts }>(`select public.meeting_counts($1) as counts`, [meetingId])
  return { rows, counts }
}

export async function checkIn(tx: Tx, meetingId: string): Promise<void> {
  await tx.query(
    `insert into public.meeting_attendance (meeting_id, member_id, status)
     values ($1, (select app.current_member_id()), 'present')
     on conflict (meeting_id, member_id) do nothing`,
    [meetingId],
  )
}

export async function recordAttendance(
  tx: Tx,
  meetingId: string,
  entry: { member_id: string; status: string; reason?: string; by_proxy: boolean },
): Promise<void> {
  await tx.query(
    `insert into public.meeting_attendance (meeting_id, member_id, status, reason, by_proxy)
     values ($1, $2, $3, $4, $5)
     on conflict (meeting_id, member_id) do update
       set status = excluded.status, reason = excluded.reason, by_proxy = excluded.by_proxy`,
    [meetingId, entry.member_id, entry.status, entry.reason ?? null, entry.by_proxy],
  )
}
