import type { Tx } from '../../kernel/db/types.ts'
import { KNOWN_NAMES, knownName } from '../../kernel/db/member-names.ts'

export interface CommentRow {
  id: string
  body: string
  author_name: string
  created_at: Date
  taken_into_resolution: boolean
  hidden: boolean
  hidden_reason: string | null
  mine: boolean
}

/** A comment as the live fan-out reads it: its place in the thread and its author's account too. */
export interface LiveComment extends CommentRow {
  seq: number
  author_user_id: string | null
}

/**
 * Authors' names, read once per statement: cell members know their cell-mates through the
 * roster (names only), managers through the member records their policy lets them read.
 */
const author = knownName('c.author_id')
const AUTHORS = `with ${KNOWN_NAMES}`
const AUTHOR_JOINS = author.joins
const AUTHOR_NAME = `coalesce(${author.name}, 'Đảng viên') as author_name`

export interface Thread {
  meeting_id: string
  title: string
  can_comment: boolean
  can_manage: boolean
  /** the minutes are approved: the thread is closed */
  closed: boolean
  comments: CommentRow[]
}

/** The meeting's comments in order, with what the viewer may do; undefined when the meeting is out of sight. */
export async function thread(tx: Tx, meetingId: string): Promise<Thread | undefined> {
  const [meeting] = await tx.query<{ meeting_id: string; title: string; can_comment: boolean; can_manage: boolean; closed: boolean }>(
    `select mt.id as meeting_id, mt.title,
            mt.org_id = (select app.home_org_id()) and mt.status = 'scheduled'
              and not exists (select 1 from public.meeting_minutes mm where mm.meeting_id = mt.id and mm.status = 'approved') as can_comment,
            exists (select 1 from public.meeting_minutes mm where mm.meeting_id = mt.id and mm.status = 'approved') as closed,
            o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage
       from public.meetings mt join public.organizations o on o.id = mt.org_id
      where mt.id = $1`,
    [meetingId],
  )
  if (!meeting) return undefined
  const comments = await tx.query<CommentRow>(
    `${AUTHORS}
     select c.id, c.body, c.created_at, c.taken_into_resolution, c.hidden, c.hidden_reason,
            c.author_id = (select app.current_member_id()) as mine, ${AUTHOR_NAME}
       from public.meeting_comments c ${AUTHOR_JOINS}
      where c.meeting_id = $1
      order by c.seq
      limit 1000`,
    [meetingId],
  )
  return { ...meeting, comments }
}

export async function recentByMe(tx: Tx): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `select count(*)::int as n from public.meeting_comments
      where author_id = (select app.current_member_id()) and created_at > now() - interval '1 minute'`,
  )
  return row.n
}

export async function post(tx: Tx, meetingId: string, body: string): Promise<void> {
  await tx.query(`insert into public.meeting_comments (meeting_id, body) values ($1, $2)`, [meetingId, body])
}

export async function setTaken(tx: Tx, meetingId: string, commentId: string, taken: boolean): Promise<boolean> {
  const rows = await tx.query(`update public.meeting_comments set taken_into_resolution = $3 where id = $2 and meeting_id = $1 returning id`, [
    meetingId,
    commentId,
    taken,
  ])
  return rows.length === 1
}

export async function hide(tx: Tx, meetingId: string, commentId: string, reason: string): Promise<boolean> {
  const rows = await tx.query(`update public.meeting_comments set hidden = true, hidden_reason = $3 where id = $2 and meeting_id = $1 returning id`, [
    meetingId,
    commentId,
    reason,
  ])
  return rows.length === 1
}

const ITEM_COLUMNS = `c.id, c.body, c.created_at, c.taken_into_resolution, c.hidden, c.hidden_reason, false as mine,
  coalesce((select m.full_name from public.members m where m.id = c.author_id), 'Đảng viên') as author_name`

/** What a (re)connecting stream missed, under the subscriber's RLS, in thread order: after a comment, or from the start (null). */
export async function after(tx: Tx, meetingId: string, afterId: string | null): Promise<CommentRow[]> {
  return tx.query<CommentRow>(
    `${AUTHORS}
     select c.id, c.body, c.created_at, c.taken_into_resolution, c.hidden, c.hidden_reason, false as mine, ${AUTHOR_NAME}
       from public.meeting_comments c ${AUTHOR_JOINS}
      where c.meeting_id = $1 and ($2::uuid is null or c.seq > public.comment_position($2))
      order by c.seq
      limit 1000`,
    [meetingId, afterId],
  )
}

/** One comment for the live fan-out. System path: read once, written to streams already authorized. */
export async function one(tx: Tx, commentId: string): Promise<LiveComment | undefined> {
  const [row] = await tx.query<LiveComment>(
    `select ${ITEM_COLUMNS}, c.seq::int as seq, (select a.user_id from public.accounts a where a.member_id = c.author_id) as author_user_id
       from public.meeting_comments c where c.id = $1`,
    [commentId],
  )
  return row
}

/** The newest place in a meeting's thread (0: none yet). System path: the fan-out's starting point. */
export async function lastPlace(tx: Tx, meetingId: string): Promise<number> {
  const [row] = await tx.query<{ seq: number }>(`select coalesce(max(seq), 0)::int as seq from public.meeting_comments where meeting_id = $1`, [meetingId])
  return row.seq
}

/** May the user follow this meeting's stream, and with the managers' buttons? Undefined when out of sight. */
export async function access(tx: Tx, meetingId: string): Promise<{ can_manage: boolean } | undefined> {
  const [row] = await tx.query<{ can_manage: boolean }>(
    `select o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage
       from public.meetings mt join public.organizations o on o.id = mt.org_id where mt.id = $1`,
    [meetingId],
  )
  return row
}

/** Still allowed to follow this meeting? (re-checked on open streams) */
export async function canFollow(tx: Tx, meetingId: string): Promise<boolean> {
  const rows = await tx.query(`select 1 from public.meetings where id = $1`, [meetingId])
  return rows.length === 1
}

/** Comments after a place in the thread, in commit order (system path: catch-up of the live fan-out). */
export async function since(tx: Tx, meetingId: string, afterSeq: number): Promise<{ id: string }[]> {
  return tx.query(`select c.id from public.meeting_comments c where c.meeting_id = $1 and c.seq > $2 order by c.seq limit 10000`, [meetingId, afterSeq])
}

/** How many comments the thread shows everyone (hidden ones left out), and how many were taken into the resolution. */
export async function counts(tx: Tx, meetingId: string): Promise<{ shown: number; taken: number }> {
  const [row] = await tx.query<{ shown: number; taken: number }>(
    `select count(*) filter (where not hidden)::int as shown, count(*) filter (where not hidden and taken_into_resolution)::int as taken
       from public.meeting_comments where meeting_id = $1`,
    [meetingId],
  )
  return row
}
