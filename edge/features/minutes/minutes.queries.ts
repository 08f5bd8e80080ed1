import type { Tx } from '../../kernel/db/types.ts'
import { KNOWN_NAMES, knownName } from '../../kernel/db/member-names.ts'

const author = knownName('c.author_id')

export interface Minutes {
  meeting_id: string
  meeting_title: string
  org_name: string
  starts_at: Date
  meeting_status: string
  /** the meeting has started (database clock): minutes are made and approved from then on */
  started: boolean
  part: string[]
  can_manage: boolean
  body: string | null
  status: 'none' | 'draft' | 'approved'
  revision: number | null
  approved_at: Date | null
  chair_name: string | null
  note_taker_name: string | null
}

/** The minutes of a meeting as the user may see them; undefined when the meeting is out of sight. */
export async function minutes(tx: Tx, meetingId: string): Promise<Minutes | undefined> {
  const [row] = await tx.query<Minutes>(
    `select mt.id as meeting_id, mt.title as meeting_title, o.name as org_name, mt.starts_at, mt.status as meeting_status, mt.starts_at <= app.now() as started,
            coalesce(app.meeting_part(mt.id), '{}') as part,
            o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage,
            mm.body, coalesce(mm.status, 'none') as status, mm.revision, mm.approved_at,
            app.visible_member_name(mt.chair_id) as chair_name,
            app.visible_member_name(mt.note_taker_id) as note_taker_name
       from public.meetings mt join public.organizations o on o.id = mt.org_id
       left join public.meeting_minutes mm on mm.meeting_id = mt.id
      where mt.id = $1`,
    [meetingId],
  )
  return row
}

export interface MeetingFacts {
  title: string
  kind: string
  starts_at: Date
  place: string | null
  agenda: string | null
  org_name: string
  chair_name: string | null
  note_taker_name: string | null
  people: { full_name: string; status: string; exempt: boolean; attendance: string | null; reason: string | null }[]
  /** the meeting's counts, as the meeting page shows them (public.meeting_counts) */
  counts: {
    members: number
    official: number
    probationary: number
    exempt: number
    present: number
    absent_excused: number
    absent_unexcused: number
    unrecorded: number
    /** members of other cells with Party activity here for a while (temporary transfers), not counted in members */
    temporary: number
  }
  comments: { author_name: string; body: string; taken: boolean }[]
  vote: { status: string; result: { for: number; against: number; abstain: number; eligible: number; passed: boolean } | null } | null
}

/**
 * Everything the draft is made of, read under the user's RLS: a note-taker knows the cell
 * through its roster, a manager through the member records.
 */
export async function facts(tx: Tx, meetingId: string, header: Pick<Minutes, 'chair_name' | 'note_taker_name'>): Promise<MeetingFacts> {
  const [meeting] = await tx.query<Omit<MeetingFacts, 'people' | 'comments' | 'vote' | 'chair_name' | 'note_taker_name'> & { org_id: string }>(
    `select mt.title, mt.kind, mt.starts_at, mt.place, mt.agenda, mt.org_id, o.name as org_name
       from public.meetings mt join public.organizations o on o.id = mt.org_id where mt.id = $1`,
    [meetingId],
  )
  const people = await tx.query<MeetingFacts['people'][number]>(
    `select p.full_name, p.status, p.exempt, p.attendance, p.reason from public.meeting_people($1) p order by p.full_name`,
    [meetingId],
  )
  const [{ counts }] = await tx.query<{ counts: MeetingFacts['counts'] }>(`select public.meeting_counts($1) as counts`, [meetingId])
  const comments = await tx.query<MeetingFacts['comments'][number]>(
    `with ${KNOWN_NAMES}
     select coalesce(${author.name}, 'Đảng viên') as author_name, c.body, c.taken_into_resolution as taken
       from public.meeting_comments c ${author.joins}
      where c.meeting_id = $1 and not c.hidden
      order by c.created_at, c.id limit 1000`,
    [meetingId],
  )
  const [vote] = await tx.query<NonNullable<MeetingFacts['vote']>>(`select status, result from public.meeting_ballots where meeting_id = $1`, [meetingId])
  return { ...meeting, ...header, people, counts, comments, vote: vote ?? null }
}

export async function start(tx: Tx, meetingId: string, body: string): Promise<boolean> {
  const rows = await tx.query(
    `insert into public.meeting_minutes (meeting_id, body) values ($1, $2) on conflict (meeting_id) do nothing returning meeting_id`,
    [meetingId, body],
  )
  return rows.length === 1
}

/** Saves the note-taker's text if nobody saved another revision meanwhile. */
export async function edit(tx: Tx, meetingId: string, body: string, revision: number): Promise<boolean> {
  const rows = await tx.query(`update public.meeting_minutes set body = $2 where meeting_id = $1 and revision = $3 and status = 'draft' returning meeting_id`, [
    meetingId,
    body,
    revision,
  ])
  return rows.length === 1
}

export async function approve(tx: Tx, meetingId: string, revision: number): Promise<boolean> {
  const rows = await tx.query(
    `update public.meeting_minutes set status = 'approved' where meeting_id = $1 and revision = $2 and status = 'draft' returning meeting_id`,
    [meetingId, revision],
  )
  return rows.length === 1
}
