import type { Tx } from '../../kernel/db/types.ts'
import type { CampaignInput } from './resolution-study.forms.ts'

export const PAGE_SIZE = 20

export interface MyRecord {
  id: string
  studied_at: Date | null
  studied_by_proxy: boolean
  reflection: string | null
  reflection_status: 'none' | 'submitted' | 'returned' | 'accepted'
  submitted_at: Date | null
  reviewed_at: Date | null
  return_reason: string | null
}

export interface Campaign {
  id: string
  org_id: string
  org_name: string
  title: string
  description: string | null
  document_id: string
  extra_document_ids: string[]
  extra_links: string[]
  exam_id: string | null
  starts_on: string
  due_on: string
  closed_at: Date | null
  can_manage: boolean
  /** the signed-in member's home cell is in the campaign's subtree */
  addressed: boolean
  /** the signed-in user manages some part of the campaign's subtree (sees completion) */
  oversees: boolean
  open: boolean
  mine: MyRecord | null
  /** titles as the reader may see them in the library and exams (null: not visible to him/her) */
  document_title: string | null
  extra_titles: (string | null)[]
  exam_title: string | null
  /** the signed-in member passed the campaign's quiz (an attempt graded as passed) */
  quiz_passed: boolean
  /** the signed-in member handed in an attempt of it */
  quiz_taken: boolean
}

const CAMPAIGN_COLUMNS = `c.id, c.org_id, o.name as org_name, c.title, c.description, c.document_id, c.extra_document_ids, c.extra_links, c.exam_id,
  to_char(c.starts_on, 'YYYY-MM-DD') as starts_on, to_char(c.due_on, 'YYYY-MM-DD') as due_on, c.closed_at,
  app.in_scope(c.org_key) as can_manage,
  coalesce((select app.home_path()) operator(extensions.<@) c.org_key::extensions.ltree, false) as addressed,
  (app.in_scope(c.org_key) or c.org_key::extensions.ltree operator(extensions.@>) any ((select app.managed_scope())::extensions.ltree[])) as oversees,
  (c.closed_at is null and c.starts_on <= app.today()) as open,
  (select to_jsonb(r) from (select r.id, r.studied_at, r.studied_by_proxy, r.reflection, r.reflection_status, r.submitted_at, r.reviewed_at, r.return_reason
                              from public.study_records r where r.campaign_id = c.id and r.member_id = (select app.current_member_id())) r) as mine,
  (select d.title from public.documents d where d.id = c.document_id) as document_title,
  array(select (select d.title from public.documents d where d.id = x.id) from unnest(c.extra_document_ids) with ordinality x (id, n) order by x.n) as extra_titles,
  (select e.title from public.exams e where e.id = c.exam_id) as exam_title,
  (c.exam_id is not null and exists (select 1 from public.exam_attempts a
                                      where a.exam_id = c.exam_id and a.member_id = (select app.current_member_id()) and a.passed)) as quiz_passed,
  (c.exam_id is not null and exists (select 1 from public.exam_attempts a
                                      where a.exam_id = c.exam_id and a.member_id = (select app.current_member_id()) and a.submitted_at is not null)) as quiz_taken`

/** One campaign as the user may see it (RLS), with his/her own record; undefined when invisible. */
/** Whether the member has a record in the campaign (so a 404 can say why he/she no longer sees it). */
export async function hasRecord(tx: Tx, campaignId: string): Promise<boolean> {
  const rows = await tx.query(`select 1 from public.study_records where campaign_id = $1 and member_id = (select app.current_member_id())`, [campaignId])
  return rows.length > 0
}

export async function campaign(tx: Tx, id: string): Promise<Campaign | undefined> {
  const [row] = await tx.query<Campaign>(
    `select ${CAMPAIGN_COLUMNS} from public.study_campaigns c join public.organizations o on o.id = c.org_id where c.id = $1`,
    [id],
  )
  return row
}

/** Campaigns the user sees (addressed to him/her, or in/over his/her managed subtree), open ones first, newest deadline first. */
export async function campaigns(tx: Tx, page: number): Promise<{ rows: Campaign[]; total: number }> {
  const rows = await tx.query<Campaign & { total: number }>(
    `select ${CAMPAIGN_COLUMNS}, count(*) over ()::int as total
       from public.study_campaigns c join public.organizations o on o.id = c.org_id
      order by (c.closed_at is null and c.due_on >= app.today()) desc, c.due_on desc, c.id
      limit $1 offset $2`,
    [PAGE_SIZE, (page - 1) * PAGE_SIZE],
  )
  return { rows, total: rows[0]?.total ?? 0 }
}

/** The home card: open campaigns addressed to the member, what is left to do first. */
export async function myOpen(tx: Tx): Promise<Campaign[]> {
  return tx.query<Campaign>(
    `select * from (
       select ${CAMPAIGN_COLUMNS} from public.study_campaigns c join public.organizations o on o.id = c.org_id
        where c.closed_at is null and c.starts_on <= app.today()
          and (select app.home_path()) operator(extensions.<@) c.org_key::extensions.ltree) x
      where x.due_on >= to_char(app.today(), 'YYYY-MM-DD')
         or x.mine is null or (x.mine ->> 'studied_at') is null or (x.mine ->> 'reflection_status') in ('none', 'returned')
         or (x.exam_id is not null and not x.quiz_passed)
      order by x.due_on, x.id
      limit 5`,
  )
}

/** For a cell's managers: handed-in reflections of the cell's members waiting to be read, per open campaign. */
export async function toReview(tx: Tx): Promise<{ campaign_id: string; title: string; waiting: number }[]> {
  return tx.query(
    `select c.id as campaign_id, c.title, count(*)::int as waiting
       from public.study_records r join public.study_campaigns c on c.id = r.campaign_id
      where r.org_id = any ((select app.scope_head_ids())::uuid[]) and r.reflection_status = 'submitted' and c.closed_at is null
      group by c.id, c.title, c.due_on
      order by c.due_on, c.id
      limit 5`,
  )
}

/** What a campaign may point to, for the form's pickers: recent published items and exams not yet closed, as the user sees them. */
export async function choices(tx: Tx): Promise<{ documents: { id: string; title: string }[]; exams: { id: string; title: string }[] }> {
  const documents = await tx.query<{ id: string; title: string }>(
    `select d.id, d.title from public.documents d where d.status = 'published' order by d.published_at desc nulls last, d.id limit 100`,
  )
  const exams = await tx.query<{ id: string; title: string }>(
    `select e.id, e.title from public.exams e where e.closes_at > app.now() order by e.opens_at desc, e.id limit 100`,
  )
  return { documents, exams }
}

/** Organizations the user may open a campaign for: those he/she manages and their children. */
export async function audiences(tx: Tx): Promise<{ id: string; name: string }[]> {
  return tx.query(
    `select o.id, o.name from public.organizations o
      where o.id = any ((select app.scope_head_ids(true))::uuid[])
      order by o.path limit 300`,
  )
}

export async function createCampaign(tx: Tx, input: CampaignInput): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.study_campaigns (org_id, title, description, document_id, extra_document_ids, extra_links, exam_id, starts_on, due_on)
     values ($1, $2, $3, $4, $5::uuid[], $6::text[], $7, $8, $9) returning id`,
    [
      input.org_id,
      input.title,
      input.description ?? null,
      input.document_id,
      input.extra_document_ids,
      input.extra_links,
      input.exam_id ?? null,
      input.starts_on,
      input.due_on,
    ],
  )
  return row.id
}

/** Changes an open campaign (never its audience: records were made for it). */
export async function updateCampaign(tx: Tx, id: string, input: CampaignInput): Promise<boolean> {
  const rows = await tx.query(
    `update public.study_campaigns
        set title = $2, description = $3, document_id = $4, extra_document_ids = $5::uuid[], extra_links = $6::text[], exam_id = $7, starts_on = $8, due_on = $9
      where id = $1 and closed_at is null returning id`,
    [
      id,
      input.title,
      input.description ?? null,
      input.document_id,
      input.extra_document_ids,
      input.extra_links,
      input.exam_id ?? null,
      input.starts_on,
      input.due_on,
    ],
  )
  return rows.length === 1
}

export async function closeCampaign(tx: Tx, id: string): Promise<boolean> {
  return (await tx.query(`update public.study_campaigns set closed_at = now() where id = $1 and closed_at is null returning id`, [id])).length === 1
}

/** Records that the member studied: the member him/herself, or by proxy the manager of his/her cell (the trigger tells which). */
export async function recordStudied(tx: Tx, campaignId: string, memberId: string | null): Promise<boolean> {
  // null: the signed-in member him/herself
  await tx.query(
    `insert into public.study_records (campaign_id, member_id) values ($1, coalesce($2, app.current_member_id())) on conflict (campaign_id, member_id) do nothing`,
    [campaignId, memberId],
  )
  const rows = await tx.query(
    `update public.study_records set studied_at = now()
      where campaign_id = $1 and member_id = coalesce($2, app.current_member_id()) and studied_at is null returning id`,
    [campaignId, memberId],
  )
  return rows.length === 1
}

/** Hands in (or again, after a return) the signed-in member's reflection. */
export async function submitReflection(tx: Tx, campaignId: string, text: string): Promise<boolean> {
  await tx.query(
    `insert into public.study_records (campaign_id, member_id) values ($1, (select app.current_member_id())) on conflict (campaign_id, member_id) do nothing`,
    [campaignId],
  )
  const rows = await tx.query(
    `update public.study_records set reflection = $2, reflection_status = 'submitted'
      where campaign_id = $1 and member_id = (select app.current_member_id()) and reflection_status <> 'accepted' returning id`,
    [campaignId, text],
  )
  return rows.length === 1
}

export interface ReviewedRecord extends MyRecord {
  campaign_id: string
  member_id: string
  full_name: string
  org_name: string
  can_review: boolean
}

/** A member's record in a campaign, as a manager reads it (RLS: his/her subtree); undefined when invisible. */
export async function memberRecord(tx: Tx, campaignId: string, recordId: string): Promise<ReviewedRecord | undefined> {
  const [row] = await tx.query<ReviewedRecord>(
    `select r.id, r.campaign_id, r.member_id, r.studied_at, r.studied_by_proxy, r.reflection, r.reflection_status, r.submitted_at, r.reviewed_at,
            r.return_reason, coalesce(app.visible_member_name(r.member_id), '') as full_name, o.name as org_name,
            (app.study_manages_cell(r.org_id) and r.member_id is distinct from (select app.current_member_id())) as can_review
       from public.study_records r join public.organizations o on o.id = r.org_id
      where r.id = $1 and r.campaign_id = $2`,
    [recordId, campaignId],
  )
  return row
}

/** Accepts or returns a handed-in reflection (the trigger lets only the cell's managers do it). */
export async function review(tx: Tx, recordId: string, decision: 'accepted' | 'returned', reason: string | null): Promise<boolean> {
  const rows = await tx.query(
    `update public.study_records set reflection_status = $2, return_reason = coalesce($3, return_reason)
      where id = $1 and reflection_status = 'submitted' returning id`,
    [recordId, decision, reason],
  )
  return rows.length === 1
}

export interface OrgCompletion {
  id: string
  name: string
  members: number
  studied: number
  proxied: number
  handed_in: number
  accepted: number
  /** null when the campaign has no quiz */
  quiz_passed: number | null
}

export interface Completion {
  org: { id: string; name: string; kind: string; path: string; is_cell: boolean }
  total: OrgCompletion
  children: OrgCompletion[]
  childCount: number
}

/**
 * The organization whose completion the user asks for: inside the campaign's subtree and inside
 * his/her managed scope, or undefined (a 404). Without one asked for: the campaign's own
 * organization when managed, else the first managed root inside the campaign's subtree.
 */
export async function completionOrg(tx: Tx, campaignId: string, orgId: string | undefined) {
  const [row] = await tx.query<{ id: string; name: string; kind: string; path: string }>(
    `select o.id, o.name, o.kind, o.path::text as path
       from public.study_campaigns c
       join public.organizations o
         on o.id = any (case when $2::uuid is not null then array[$2::uuid]
                             when app.in_scope(c.org_key) then array[c.org_id]
                             else (select app.scope_head_ids()) end)
      where c.id = $1
        and o.path operator(extensions.<@) c.org_key::extensions.ltree
        and app.in_scope(o.path::text)
      order by o.path limit 1`,
    [campaignId, orgId ?? null],
  )
  return row ? { ...row, is_cell: ['cell', 'grassroots_cell', 'party_group'].includes(row.kind) } : undefined
}

/* Records count while their member is still an active member of the same subtree, as the
   denominator counts him/her: a member who left, died or moved away is no longer counted (so a
   share never passes 100%). */
const STILL_HERE = `and m.org_key >= k.key and m.org_key < k.key || '/' and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())`

/* Counts of one subtree (key range k … k || '/'): active members from the registration rollup
   (app.study_member_counts), and the campaign's records and passed quiz attempts by their
   copied cell keys. */
const SUBTREE_COUNTS = `
  coalesce((select s.members from app.study_member_counts(array[o.id]) s), 0) as members,
  r.studied, r.proxied, r.handed_in, r.accepted,
  (select count(distinct a.member_id)::int from public.exam_attempts a
    where a.exam_id = (select c.exam_id from public.study_campaigns c where c.id = $1) and a.passed
      and a.org_key >= k.key and a.org_key < k.key || '/'
      and exists (select 1 from public.members m where m.id = a.member_id ${STILL_HERE})) as quiz_passed`
const RECORD_COUNTS = `
  left join lateral (
    select count(*) filter (where s.studied_at is not null)::int as studied,
           count(*) filter (where s.studied_by_proxy)::int as proxied,
           count(*) filter (where s.reflection_status in ('submitted', 'accepted'))::int as handed_in,
           count(*) filter (where s.reflection_status = 'accepted')::int as accepted
      from public.study_records s
     where s.campaign_id = $1 and s.org_key >= k.key and s.org_key < k.key || '/'
       and exists (select 1 from public.members m where m.id = s.member_id ${STILL_HERE})) r on true`

/** Completion of an organization and of each of its direct children (a page of them), each over its whole subtree. */
export async function completion(tx: Tx, campaignId: string, org: { id: string; path: string }, page: number): Promise<Omit<Completion, 'org'>> {
  const [total] = await tx.query<OrgCompletion>(
    `select o.id, o.name, ${SUBTREE_COUNTS}
       from public.organizations o cross join lateral (select (o.path::text) collate "C" as key) k ${RECORD_COUNTS}
      where o.id = $2`,
    [campaignId, org.id],
  )
  const children = await tx.query<OrgCompletion & { child_count: number }>(
    `select o.id, o.name, ${SUBTREE_COUNTS}, count(*) over ()::int as child_count
       from public.organizations o cross join lateral (select (o.path::text) collate "C" as key) k ${RECORD_COUNTS}
      where o.parent_id = $2 and o.valid_to is null
      order by o.path
      limit $3 offset $4`,
    [campaignId, org.id, PAGE_SIZE, (page - 1) * PAGE_SIZE],
  )
  return { total, children, childCount: children[0]?.child_count ?? 0 }
}

export interface CellMember {
  member_id: string
  full_name: string
  record_id: string | null
  studied_at: Date | null
  studied_by_proxy: boolean
  reflection_status: string
  quiz_passed: boolean
  /** handed in (or timed out) at least one attempt: "Chưa đạt" is said only of those, the others have not taken it */
  quiz_taken: boolean
}

/** The members of one cell with their study in the campaign (the secretary's list), a page at a time. */
export async function cellMembers(tx: Tx, campaignId: string, orgId: string, page: number): Promise<{ rows: CellMember[]; total: number; canProxy: boolean }> {
  const rows = await tx.query<CellMember & { total: number }>(
    `select m.id as member_id, m.full_name, r.id as record_id, r.studied_at, coalesce(r.studied_by_proxy, false) as studied_by_proxy,
            coalesce(r.reflection_status, 'none') as reflection_status,
            exists (select 1 from public.exam_attempts a
                     where a.exam_id = (select c.exam_id from public.study_campaigns c where c.id = $1) and a.member_id = m.id and a.passed) as quiz_passed,
            exists (select 1 from public.exam_attempts a
                     where a.exam_id = (select c.exam_id from public.study_campaigns c where c.id = $1) and a.member_id = m.id
                       and a.submitted_at is not null) as quiz_taken,
            count(*) over ()::int as total
       from public.members m
       left join public.study_records r on r.campaign_id = $1 and r.member_id = m.id
      where m.org_id = $2 and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
      order by m.full_name, m.id
      limit $3 offset $4`,
    [campaignId, orgId, PAGE_SIZE, (page - 1) * PAGE_SIZE],
  )
  const [can] = await tx.query<{ ok: boolean }>(`select app.study_manages_cell($1) as ok`, [orgId])
  return { rows, total: rows[0]?.total ?? 0, canProxy: can.ok }
}

/** Is this member, in this cell, visible to the user (his/her managed scope)? */
export async function memberOfCell(tx: Tx, memberId: string): Promise<{ org_id: string } | undefined> {
  const [row] = await tx.query<{ org_id: string }>(`select m.org_id from public.members m where m.id = $1`, [memberId])
  return row
}

/**
 * Which of the referenced library documents and exam the user cannot see (or that are not
 * published): a campaign must point at something its author can read, in the library's and
 * exams' own RLS.
 */
export async function unseenReferences(tx: Tx, documentIds: string[], examId: string | undefined): Promise<{ documents: string[]; exam: boolean }> {
  const [row] = await tx.query<{ documents: string[]; exam: boolean }>(
    `select array(select x.id::text from unnest($1::uuid[]) x (id)
                   where not exists (select 1 from public.documents d where d.id = x.id and d.status = 'published')) as documents,
            ($2::uuid is not null and not exists (select 1 from public.exams e where e.id = $2::uuid)) as exam`,
    [documentIds, examId ?? null],
  )
  return row
}
