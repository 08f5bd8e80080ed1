import type { Tx } from '../../kernel/db/types.ts'
import type { RequestInput } from './transfers.forms.ts'

export const PAGE_SIZE = 30
export const EXPORT_LIMIT = 10_000

export const TABS = ['pending', 'transit', 'overdue', 'in', 'out', 'temporary', 'all'] as const
export type Tab = (typeof TABS)[number]

export interface TransferRow {
  id: string
  kind: 'permanent' | 'temporary'
  status: string
  member_id: string | null
  person_name: string
  from_name: string
  to_name: string
  letter_number: string | null
  letter_date: string | null
  deadline: string | null
  starts_on: string | null
  ends_on: string | null
  created_at: string
  accepted_at: string | null
  overdue: boolean
}

const ROW = `t.id, t.kind, t.status, t.member_id, t.person_name, t.from_name, t.to_name, t.letter_number, t.letter_date::text,
  t.deadline::text, t.starts_on::text, t.ends_on::text, t.created_at, t.accepted_at,
  (t.status = 'issued' and t.deadline < app.today()) as overdue`

/** The member's transfers (RLS: the member, and the managers of either side) and what the viewer may start. */
export async function memberCard(tx: Tx, memberId: string) {
  const [member] = await tx.query<{ id: string; full_name: string; manages: boolean; self: boolean }>(
    `select m.id, m.full_name, app.in_scope(m.org_key) as manages, m.id = app.current_member_id() as self
       from public.members m where m.id = $1 and m.deceased_on is null`,
    [memberId],
  )
  const rows = await tx.query<TransferRow>(`select ${ROW} from public.transfers t where t.member_id = $1 order by t.created_at desc limit 20`, [memberId])
  return { member, rows }
}

/** The member a transfer may be asked for: visible, active, and the viewer is the member or manages him/her. */
export async function requester(tx: Tx, memberId: string) {
  const [row] = await tx.query<{ id: string; full_name: string; org_name: string }>(
    `select m.id, m.full_name, o.name as org_name from public.members m join public.organizations o on o.id = m.org_id
      where m.id = $1 and m.deceased_on is null and m.left_on is null
        and (m.id = app.current_member_id() or app.in_scope(m.org_key))`,
    [memberId],
  )
  return row
}

/** The signed-in member's own id when he/she may ask for his/her own transfer (an active member), else undefined. */
export async function selfRequester(tx: Tx): Promise<string | undefined> {
  const [row] = await tx.query<{ id: string }>(
    `select m.id from public.members m where m.id = app.current_member_id() and m.deceased_on is null and m.left_on is null`,
  )
  return row?.id
}

export function destinations(tx: Tx, query: string) {
  return tx.query<{ id: string; name: string; parent_name: string | null }>(`select * from public.transfer_destinations($1)`, [query])
}

export async function request(tx: Tx, v: RequestInput): Promise<string> {
  const [row] = await tx.query<{ id: string }>(`select public.transfer_request($1, $2, $3, $4, $5, $6, $7) as id`, [
    v.member_id,
    v.kind,
    v.to_org_id ?? null,
    v.to_outside ?? null,
    v.reason ?? null,
    v.starts_on ?? null,
    v.ends_on ?? null,
  ])
  return row.id
}

export async function recordIncoming(
  tx: Tx,
  v: {
    to_org_id: string
    kind: string
    person_name: string
    birth_date?: string
    person_status: string
    from_outside: string
    letter_number: string
    letter_date: string
    starts_on?: string
    ends_on?: string
  },
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(`select public.transfer_record_incoming($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) as id`, [
    v.to_org_id,
    v.kind,
    v.person_name,
    v.birth_date ?? null,
    v.person_status,
    v.from_outside,
    v.letter_number,
    v.letter_date,
    v.starts_on ?? null,
    v.ends_on ?? null,
  ])
  return row.id
}

export const confirm = (tx: Tx, id: string, feeMonth: string) => tx.query(`select public.transfer_confirm($1, $2, true)`, [id, feeMonth])
export const issue = (tx: Tx, id: string, number: string, date: string) => tx.query(`select public.transfer_issue($1, $2, $3)`, [id, number, date])
export const accept = (tx: Tx, id: string) => tx.query(`select public.transfer_accept($1)`, [id])
export const refuse = (tx: Tx, id: string, reason: string) => tx.query(`select public.transfer_refuse($1, $2)`, [id, reason])
export const giveBack = (tx: Tx, id: string, reason: string) => tx.query(`select public.transfer_return($1, $2)`, [id, reason])

export interface TransferDetail extends TransferRow {
  reason: string | null
  person_birth_date: string | null
  person_gender: string | null
  person_status: string | null
  person_admitted_on: string | null
  person_official_on: string | null
  person_card_number: string | null
  person_hometown: string | null
  from_org_id: string | null
  to_org_id: string | null
  issuer_name: string | null
  fee_paid_through: string | null
  refusal: string | null
  actions: string[]
  mine: boolean
}

/** One transfer with its history and what the viewer may do now; undefined when out of sight. */
export async function detail(tx: Tx, id: string) {
  const [transfer] = await tx.query<TransferDetail>(
    `select ${ROW}, t.reason, t.person_birth_date::text, t.person_gender, t.person_status, t.person_admitted_on::text,
            t.person_official_on::text, t.person_card_number, t.person_hometown, t.from_org_id, t.to_org_id, t.issuer_name,
            t.fee_paid_through::text, t.refusal, public.transfer_actions(t.id) as actions,
            t.member_id = app.current_member_id() as mine
       from public.transfers t where t.id = $1`,
    [id],
  )
  if (!transfer) return undefined
  const events = await tx.query<{ step: string; note: string | null; actor_name: string | null; at: string }>(
    `select step, note, actor_name, at from public.transfer_events where transfer_id = $1 order by at, id`,
    [id],
  )
  return { transfer, events }
}

/** The committee whose register is shown: one the viewer manages (the asked one, or the first root of the scope). */
export async function registerOrg(tx: Tx, asked: string | undefined) {
  const [org] = await tx.query<{ id: string; name: string; key: string }>(
    `select o.id, o.name, o.path::text as key from public.organizations o
      where o.id = coalesce($1::uuid, (app.scope_head_ids())[1]) and app.in_scope(o.path::text)`,
    [asked ?? null],
  )
  return org
}

/** The organizations whose register the viewer may open: the roots of the scope and their children. */
export const registerChoices = (tx: Tx) =>
  tx.query<{ id: string; name: string }>(
    `select o.id, o.name from public.organizations o where o.id = any (app.scope_head_ids(true)) order by o.path limit 300`,
  )

/*
 * A committee's register: the transfers with a sending or receiving side in its subtree. "In" and
 * "out" are accepted transfers that cross the subtree's edge (a move between two of its own cells
 * is neither), permanent ones only; "in transit" are permanent letters issued and not yet
 * accepted, "overdue" those past their deadline; "pending" are requests not yet issued (and
 * temporary letters waiting); "temporary" are the members taking part in the subtree's cells
 * temporarily today (accepted temporary transfers between their dates).
 */
function registerSource(key: string, year: number | null): { sql: string; params: unknown[] } {
  return {
    sql: `with mine as (
            select p.transfer_id, bool_or(p.side = 'sending') as sending, bool_or(p.side = 'receiving') as receiving
              from public.transfer_parties p
             where p.org_key >= $1 and p.org_key < $1 || '/' and p.side <> 'issuing'
             group by p.transfer_id)
          select t.*, mine.sending, mine.receiving, $2::int as asked_year from mine join public.transfers t on t.id = mine.transfer_id`,
    params: [key, year],
  }
}

/** Moves in and out are counted per year when one is asked, by the Vietnam date of acceptance. */
const IN_YEAR = `(r.asked_year is null or extract(year from r.accepted_at at time zone 'Asia/Ho_Chi_Minh') = r.asked_year)`

const TAB_CONDITION: Record<Tab, string> = {
  pending: `(r.status in ('requested', 'confirmed') or (r.status = 'issued' and r.kind = 'temporary'))`,
  transit: `(r.status = 'issued' and r.kind = 'permanent')`,
  overdue: `(r.status = 'issued' and r.kind = 'permanent' and r.deadline < app.today())`,
  in: `(r.status = 'accepted' and r.kind = 'permanent' and r.receiving and not r.sending and ${IN_YEAR})`,
  out: `(r.status = 'accepted' and r.kind = 'permanent' and r.sending and not r.receiving and ${IN_YEAR})`,
  temporary: `(r.status = 'accepted' and r.kind = 'temporary' and r.receiving and app.today() between r.starts_on and r.ends_on)`,
  all: 'true',
}

export async function registerCounts(tx: Tx, key: string, year: number | null = null): Promise<Record<Tab, number>> {
  const source = registerSource(key, year)
  const [counts] = await tx.query<Record<Tab, number>>(
    `select ${TABS.map((tab) => `count(*) filter (where ${TAB_CONDITION[tab]})::int as "${tab}"`).join(', ')} from (${source.sql}) r`,
    source.params,
  )
  return counts
}

export async function registerRows(tx: Tx, key: string, tab: Tab, page: number, year: number | null = null, limit = PAGE_SIZE) {
  const source = registerSource(key, year)
  return tx.query<TransferRow>(
    `select ${ROW.replaceAll('t.', 'r.')} from (${source.sql}) r where ${TAB_CONDITION[tab]}
      order by r.created_at desc, r.id limit ${limit} offset ${(page - 1) * limit}`,
    source.params,
  )
}

/** Exports are personal data leaving the system: each is audited with its size. */
export const auditExport = (tx: Tx, orgId: string, tab: Tab, rows: number) =>
  tx.query(`select app.write_audit('transfer.export', 'transfer', null, $1, jsonb_build_object('tab', $2::text, 'rows', $3::int))`, [orgId, tab, rows])

/** The viewer's own transfers (a member without a managed scope). */
export const mine = (tx: Tx) =>
  tx.query<TransferRow>(`select ${ROW} from public.transfers t where t.member_id = app.current_member_id() order by t.created_at desc limit 50`)

/** Whether a letter of that date is past its 30 working days (the database's calendar: weekends and public holidays). */
export async function letterLapsed(tx: Tx, letterDate: string): Promise<boolean> {
  const [row] = await tx.query<{ lapsed: boolean }>(`select app.add_working_days($1::date, 30) < app.today() as lapsed`, [letterDate])
  return row.lapsed
}
