import type { Tx } from '../../kernel/db/types.ts'
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

/** Upcoming first (soonest first), then past ones (latest first), under RLS. */
export async function listMeetings(tx: Tx, page: number): Promise<{ rows: MeetingListRow[]; total: number }> {
  const rows = await tx.query<MeetingListRow>(
    `select page.id, page.title, page.kind, page.starts_at, page.place, page.status, page.org_name,
            (select count(*)::int from public.meeting_attendance a where a.meeting_id = page.id and a.status = 'present') as present,
            case when page.starts_at < now() then app.expected_attendance(page.org_id) else 0 end as expected
       from (select mt.id, mt.title, mt.kind, mt.starts_at, mt.place, mt.status, mt.org_id, o.name as org_name,
                    mt.starts_at < now() - interval '3 hours' as past,
                    case when mt.starts_at >= now() - interval '3 hours' then mt.starts_at end as upcoming_at
               from public.meetings mt join public.organizations o on o.id = mt.org_id
              order by past, upcoming_at asc, mt.starts_at desc
              limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}) page
      order by page.past, page.upcoming_at asc, page.starts_at desc`,
  )
  const [{ total }] = await tx.query<{ total: number }>(`select count(*)::int as total from public.meetings`)
  return { rows, total }
}

/** The next meetings the user will attend or oversee (for the home page). */
export async function upcoming(tx: Tx, limit = 3): Promise<MeetingRow[]> {
  return tx.query<MeetingRow>(
    `select mt.id, mt.title, mt.kind, mt.starts_at, mt.place, mt.status, o.name as org_name
       from public.meetings mt join public.organizations o on o.id = mt.org_id
      where mt.status = 'scheduled' and mt.starts_at >= now() - interval '3 hours'
      order by mt.starts_at limit ${limit}`,
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
}

export async function getMeeting(tx: Tx, id: string): Promise<MeetingDetail | undefined> {
  const [row] = await tx.query<MeetingDetail>(
    `select mt.id, mt.title, mt.kind, mt.starts_at, mt.place, mt.status, mt.org_id, mt.agenda, mt.chair_id, mt.note_taker_id,
            o.name as org_name,
            app.visible_member_name(mt.chair_id) as chair_name,
            app.visible_member_name(mt.note_taker_id) as note_taker_name,
            o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage
       from public.meetings mt join public.organizations o on o.id = mt.org_id
      where mt.id = $1`,
    [id],
  )
  return row
}

/** Cells the user may schedule for. */
export async function schedulableCells(tx: Tx): Promise<{ id: string; name: string; path: string }[]> {
  return tx.query(
    `select o.id, o.name, o.path::text as path from public.organizations o
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

const COLUMNS = ['org_id', 'kind', 'title', 'starts_at', 'place', 'chair_id', 'note_taker_id', 'agenda'] as const

export async function createMeeting(tx: Tx, input: MeetingInput): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.meetings (${COLUMNS.join(', ')}) values (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
    COLUMNS.map((c) => input[c] ?? null),
  )
  return row.id
}

export async function updateMeeting(tx: Tx, id: string, input: MeetingInput): Promise<boolean> {
  const rows = await tx.query(
    `update public.meetings set ${COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ')}
      where id = $1 and status = 'scheduled' returning id`,
    [id, ...COLUMNS.map((c) => input[c] ?? null)],
  )
  return rows.length === 1
}

export async function cancelMeeting(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx.query(`update public.meetings set status = 'cancelled' where id = $1 and status = 'scheduled' returning id`, [id])
  return rows.length === 1
}

// --- attendance ---------------------------------------------------------------------------

export interface AttendanceRow {
  member_id: string
  full_name: string
  status: string | null
  reason: string | null
  by_proxy: boolean
}

/** Everyone of the cell with his/her record for this meeting, if any (names through the roster for members). */
export async function attendance(tx: Tx, meetingId: string, orgId: string, canManage: boolean): Promise<AttendanceRow[]> {
  const people = canManage
    ? `select m.id, m.full_name from public.members m where m.org_id = $2 and m.deceased_on is null and m.left_on is null`
    : `select r.id, r.full_name from public.my_cell_roster() r`
  return tx.query<AttendanceRow>(
    `select p.id as member_id, p.full_name, a.status, a.reason, coalesce(a.by_proxy, false) as by_proxy
       from (${people}) p
       left join public.meeting_attendance a on a.meeting_id = $1 and a.member_id = p.id
      order by p.full_name`,
    canManage ? [meetingId, orgId] : [meetingId],
  )
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
