import type { Tx } from '../../kernel/db/types.ts'

/*
 * Every read runs under the user's RLS (the three readers of a registration); every write goes
 * through one of the migration's security definer functions, which check the actor themselves.
 */

export const PAGE_SIZE = 20

export type Status = 'pending' | 'confirmed' | 'refused' | 'ended' | 'exempt'

export interface Registration {
  id: string
  member_id: string
  org_id: string | null
  cell_name: string | null
  status: Status
  address: string | null
  exemption: string | null
  exemption_note: string | null
  refusal_reason: string | null
  end_reason: string | null
  created_on: string
  started_on: string | null
  ended_on: string | null
  /** the caller manages the residence cell (confirms, refuses, comments) */
  residence_side: boolean
  /** the caller is the member or manages his/her working cell (registers, ends) */
  working_side: boolean
}

export interface Comment {
  id: string
  year: number
  assessment: 'exemplary' | 'not_exemplary'
  body: string
  written_on: string
  cell_name: string | null
}

const REGISTRATION = `r.id, r.member_id, r.org_id, app.resident_cell_name(r.org_id) as cell_name, r.status, r.address, r.exemption,
  r.exemption_note, r.refusal_reason, r.end_reason, (r.created_at at time zone 'Asia/Ho_Chi_Minh')::date::text as created_on,
  r.started_on::text as started_on, r.ended_on::text as ended_on,
  app.in_scope(r.org_key) as residence_side, app.resident_working_side(r.member_id, true) as working_side`

export async function registration(tx: Tx, id: string): Promise<Registration | undefined> {
  const [row] = await tx.query<Registration>(`select ${REGISTRATION} from public.resident_registrations r where r.id = $1`, [id])
  return row
}

/**
 * What the card on a member's profile shows the caller: the latest registration and comment he/she
 * may see (the comment of `year` only, when the evaluation step of that year asks).
 */
export async function card(tx: Tx, memberId: string, year?: number) {
  const [member] = await tx.query<{ full_name: string; working_side: boolean }>(
    `select m.full_name, app.resident_working_side(m.id, true) as working_side from public.members m where m.id = $1`,
    [memberId],
  )
  const [latest] = await tx.query<Registration>(
    `select ${REGISTRATION} from public.resident_registrations r where r.member_id = $1
      order by (r.status in ('pending', 'confirmed', 'exempt')) desc, r.created_at desc limit 1`,
    [memberId],
  )
  const [comment] = await tx.query<Comment>(
    `select c.id, c.year, c.assessment, c.body, (c.updated_at at time zone 'Asia/Ho_Chi_Minh')::date::text as written_on,
            app.resident_cell_name(c.org_id) as cell_name
       from public.resident_comments c where c.member_id = $1 and ($2::int is null or c.year = $2) order by c.year desc, c.updated_at desc limit 1`,
    [memberId, year ?? null],
  )
  // the residence side reads no member record: it knows the name only through its registration
  const name =
    member?.full_name ??
    (latest ? (await tx.query<{ full_name: string }>(`select full_name from app.resident_member($1)`, [latest.id]))[0]?.full_name : undefined)
  if (!member && !latest && !comment) return undefined
  return { memberId, name: name ?? '', workingSide: !!member?.working_side, registration: latest, comment, year }
}

/** The signed-in member's own registrations, newest first. */
export async function mine(tx: Tx) {
  return tx.query<Registration>(
    `select ${REGISTRATION} from public.resident_registrations r where r.member_id = (select app.current_member_id())
      order by r.created_at desc limit 20`,
  )
}

export async function me(tx: Tx) {
  const [row] = await tx.query<{ id: string | null }>(`select app.current_member_id() as id`)
  return row?.id ?? null
}

/** A member the caller may register or exempt (himself/herself, or one of his/her cell's members). */
export async function registrant(tx: Tx, memberId: string, selfAllowed: boolean) {
  const [row] = await tx.query<{ id: string; full_name: string; org_id: string }>(
    `select m.id, m.full_name, m.org_id from public.members m where m.id = $1 and app.resident_working_side(m.id, $2)`,
    [memberId, selfAllowed],
  )
  return row
}

/** The searchable list of open cells (names only). */
export async function cells(tx: Tx, query: string) {
  return tx.query<{ id: string; name: string; parent_name: string | null }>(`select id, name, parent_name from app.resident_cells($1, 20)`, [query])
}

export async function cellName(tx: Tx, orgId: string) {
  const [row] = await tx.query<{ name: string | null }>(`select app.resident_cell_name($1) as name`, [orgId])
  return row?.name ?? undefined
}

/** The cells whose residents the caller manages: readable under the organizations policy and in his/her scope. */
export async function managedCell(tx: Tx, orgId: string) {
  const [row] = await tx.query<{ id: string; name: string; manages: boolean }>(
    `select o.id, app.resident_cell_name(o.id) as name, app.in_scope(o.path::text) as manages from public.organizations o
      where o.id = $1 and o.kind in ('cell', 'grassroots_cell')`,
    [orgId],
  )
  return row?.manages ? row : undefined
}

/**
 * The cells of the caller's managed scope in tree order (21 at most: more means "filter by name"),
 * and the residence cells in scope with open registrations (where there is work to do).
 */
export async function placesOfManager(tx: Tx, filter = '') {
  // the scope's key range walks organizations_key_idx; app.in_scope makes it exact for several roots
  const own = await tx.query<{ id: string; name: string; parent_name: string | null }>(
    `select o.id, o.name, p.name as parent_name
       from public.organizations o left join public.organizations p on p.id = o.parent_id
      where (o.path::text) collate "C" >= (select (app.scope_bounds())[1]) and (o.path::text) collate "C" < (select (app.scope_bounds())[2])
        and o.kind in ('cell', 'grassroots_cell') and o.valid_to is null and app.in_scope(o.path::text)
        and ($1 = '' or app.resident_words_match(o.name || ' ' || coalesce(p.name, ''), $1))
      order by (o.path::text) collate "C" limit 21`,
    [filter],
  )
  const residences = await tx.query<{ id: string; name: string; pending: number; residing: number }>(
    `select r.org_id as id, app.resident_cell_name(r.org_id) as name,
            count(*) filter (where r.status = 'pending')::int as pending, count(*) filter (where r.status = 'confirmed')::int as residing
       from public.resident_registrations r
      where r.status in ('pending', 'confirmed') and r.org_key >= (select (app.scope_bounds())[1]) and r.org_key < (select (app.scope_bounds())[2])
        and app.in_scope(r.org_key)
      group by r.org_id order by 2 limit 50`,
  )
  return { own, residences }
}

export type HereView = 'residing' | 'pending' | 'due'

export interface Resident {
  id: string
  full_name: string
  status: Status
  address: string | null
  created_on: string
  started_on: string | null
  comment_year: number | null
  assessment: string | null
  total: number
}

/** Members residing in (or asking to reside in) a cell, as its managers see them: names only. */
export async function residents(tx: Tx, orgId: string, view: HereView, year: number, page: number) {
  const rows = await tx.query<Resident>(
    `select r.id, x.full_name, r.status, r.address, (r.created_at at time zone 'Asia/Ho_Chi_Minh')::date::text as created_on,
            r.started_on::text as started_on, c.year as comment_year, c.assessment, count(*) over ()::int as total
       from public.resident_registrations r
       cross join lateral app.resident_member(r.id) x
       left join public.resident_comments c on c.registration_id = r.id and c.year = $3
      where r.org_id = $1 and x.active
        and r.status = case when $2 = 'pending' then 'pending' else 'confirmed' end
        and ($2 <> 'due' or c.id is null)
      order by x.full_name, r.id
      limit ${PAGE_SIZE} offset $4`,
    [orgId, view, year, (page - 1) * PAGE_SIZE],
  )
  return { rows, total: rows[0]?.total ?? 0 }
}

export type HereCounts = Record<HereView, number>

/** How many registrations each of a residence cell's lists holds, for its tabs. */
export async function residentCounts(tx: Tx, orgId: string, year: number): Promise<HereCounts> {
  const [row] = await tx.query<HereCounts>(
    `select count(*) filter (where r.status = 'confirmed')::int as residing,
            count(*) filter (where r.status = 'pending')::int as pending,
            count(*) filter (where r.status = 'confirmed' and c.id is null)::int as due
       from public.resident_registrations r
       cross join lateral app.resident_member(r.id) x
       left join public.resident_comments c on c.registration_id = r.id and c.year = $2
      where r.org_id = $1 and x.active and r.status in ('pending', 'confirmed')`,
    [orgId, year],
  )
  return row
}

export interface WorkingMember {
  id: string
  full_name: string
  registration_id: string | null
  status: Status | null
  cell_name: string | null
  exemption: string | null
  comment_year: number | null
  assessment: string | null
  self: boolean
}

/** A working cell's members with where they reside, whether confirmed, and this year's comment. */
export async function workingMembers(tx: Tx, orgId: string, year: number, page: number) {
  const [count] = await tx.query<{ total: number }>(
    `select count(*)::int as total from public.members m
      where m.org_id = $1 and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())`,
    [orgId],
  )
  const rows = await tx.query<WorkingMember>(
    `select m.id, m.full_name, r.id as registration_id, r.status, app.resident_cell_name(r.org_id) as cell_name, r.exemption,
            c.year as comment_year, c.assessment, m.id = app.current_member_id() as self
       from public.members m
       left join lateral (select x.* from public.resident_registrations x where x.member_id = m.id
                           order by (x.status in ('pending', 'confirmed', 'exempt')) desc, x.created_at desc limit 1) r on true
       left join public.resident_comments c on c.registration_id = r.id and c.year = $2
      where m.org_id = $1 and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
      order by m.full_name, m.id
      limit ${PAGE_SIZE} offset $3`,
    [orgId, year, (page - 1) * PAGE_SIZE],
  )
  return { rows, total: count?.total ?? 0 }
}

export async function thisYear(tx: Tx): Promise<number> {
  const [row] = await tx.query<{ year: number }>(`select extract(year from app.today())::int as year`)
  return row.year
}

export async function register(tx: Tx, memberId: string, orgId: string, address: string | undefined) {
  const [row] = await tx.query<{ id: string }>(`select app.resident_register($1, $2, $3) as id`, [memberId, orgId, address ?? null])
  return row.id
}

export async function exempt(tx: Tx, memberId: string, exemption: string, note: string | undefined) {
  const [row] = await tx.query<{ id: string }>(`select app.resident_exempt($1, $2, $3) as id`, [memberId, exemption, note ?? null])
  return row.id
}

export async function decide(tx: Tx, id: string, confirm: boolean, reason: string | undefined) {
  await tx.query(`select app.resident_decide($1, $2, $3)`, [id, confirm, reason ?? null])
}

export async function end(tx: Tx, id: string, reason: string | undefined) {
  await tx.query(`select app.resident_end($1, $2)`, [id, reason ?? null])
}

export async function writeComment(tx: Tx, id: string, input: { year: number; assessment: string; body: string }) {
  const [row] = await tx.query<{ id: string }>(`select app.resident_write_comment($1, $2, $3, $4) as id`, [id, input.year, input.assessment, input.body])
  return row.id
}

export async function commentOf(tx: Tx, registrationId: string, year: number) {
  const [row] = await tx.query<Comment>(
    `select c.id, c.year, c.assessment, c.body, (c.updated_at at time zone 'Asia/Ho_Chi_Minh')::date::text as written_on, null as cell_name
       from public.resident_comments c where c.registration_id = $1 and c.year = $2`,
    [registrationId, year],
  )
  return row
}

export async function residentName(tx: Tx, registrationId: string) {
  const [row] = await tx.query<{ full_name: string; active: boolean }>(`select full_name, active from app.resident_member($1)`, [registrationId])
  return row
}
