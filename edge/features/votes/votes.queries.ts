import type { Tx } from '../../kernel/db/types.ts'

export type Choice = 'for' | 'against' | 'abstain'

export interface Tally {
  for: number
  against: number
  abstain: number
  eligible: number
  passed: boolean
}

/** The vote as everyone sees it: not opened, open with the running tally, or closed with its recorded result. */
export interface VoteState {
  status: 'none' | 'open' | 'closed'
  tally: Tally
}

export interface Ballot extends VoteState {
  meeting_id: string
  meeting_open: boolean
  /** the meeting has started (database clock): the vote opens from then on */
  started: boolean
  can_manage: boolean
  in_cell: boolean
  can_vote: boolean
  my_choice: Choice | null
  member_id: string | null
}

const STATE = `coalesce(b.status, 'none') as status,
  case when b.status = 'closed' then b.result else app.ballot_tally(mt.id) end as tally`

/** The meeting's vote for the signed-in user; undefined when the meeting is out of sight. */
export async function ballot(tx: Tx, meetingId: string): Promise<Ballot | undefined> {
  const [row] = await tx.query<Ballot>(
    `select mt.id as meeting_id, mt.status = 'scheduled' as meeting_open, mt.starts_at <= app.now() as started, ${STATE},
            o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage,
            mt.org_id = (select app.home_org_id()) as in_cell, (select app.current_member_id()) as member_id,
            (select app.current_member_id()) in (select app.meeting_voters(mt.id)) as can_vote,
            (select v.choice from public.meeting_votes v where v.meeting_id = mt.id and v.member_id = (select app.current_member_id())) as my_choice
       from public.meetings mt join public.organizations o on o.id = mt.org_id
       left join public.meeting_ballots b on b.meeting_id = mt.id
      where mt.id = $1`,
    [meetingId],
  )
  return row
}

/** Opens the vote (once); false when the user may not or it already exists. */
export async function open(tx: Tx, meetingId: string): Promise<boolean> {
  const rows = await tx.query(`insert into public.meeting_ballots (meeting_id) values ($1) on conflict (meeting_id) do nothing returning meeting_id`, [
    meetingId,
  ])
  return rows.length === 1
}

/** Closes the vote; the database records the result. */
export async function close(tx: Tx, meetingId: string): Promise<boolean> {
  const rows = await tx.query(`update public.meeting_ballots set status = 'closed' where meeting_id = $1 and status = 'open' returning meeting_id`, [meetingId])
  return rows.length === 1
}

export async function cast(tx: Tx, meetingId: string, choice: Choice): Promise<void> {
  await tx.query(
    `insert into public.meeting_votes (meeting_id, choice) values ($1, $2)
     on conflict (meeting_id, member_id) do update set choice = excluded.choice`,
    [meetingId, choice],
  )
}

/** The shared state and who may vote, for the live fan-out. System path: read once per change, sent to streams already authorized. */
export async function liveState(tx: Tx, meetingId: string): Promise<(VoteState & { voters: string[] }) | undefined> {
  const [row] = await tx.query<VoteState & { voters: string[] }>(
    `select ${STATE}, array(select app.meeting_voters(mt.id))::text[] as voters
       from public.meetings mt left join public.meeting_ballots b on b.meeting_id = mt.id
      where mt.id = $1`,
    [meetingId],
  )
  return row
}

/** Still allowed to follow this meeting? (re-checked on open streams) */
export async function canFollow(tx: Tx, meetingId: string): Promise<boolean> {
  return (await tx.query(`select 1 from public.meetings where id = $1`, [meetingId])).length === 1
}
