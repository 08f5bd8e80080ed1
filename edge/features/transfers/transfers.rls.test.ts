import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inDays, LOGINS, testApp, type TestApp } from '../../../test/support.ts'
import { fixtures } from './transfers.support.ts'

/*
 * Transfers seen from both sides and from outside, step by step: each step only in its order and
 * only by its side, through the step functions (users write no transfer table directly).
 * The sending cell is ns.tp1.g1.c1 (ward g1), the receiving one ns.tp1.g2.c1 (ward g2);
 * ns.tp1.g4.c1 is outside both.
 */
let t: TestApp
let f: ReturnType<typeof fixtures>
let sendingCell: string
let receivingCell: string
let receiving: { id: string; login: string }
let receivingWard: { id: string; login: string }
let outsider: { id: string; login: string }

beforeAll(async () => {
  t = await testApp({ members: 120 })
  f = fixtures(t)
  sendingCell = await f.orgId('ns.tp1.g1.c1')
  receivingCell = await f.orgId('ns.tp1.g2.c1')
  receiving = await f.person('ns.tp1.g2.c1', 'Bí Thư Nhận', { path: 'ns.tp1.g2.c1', role: 'secretary' })
  receivingWard = await f.person('ns.tp1.g2.c1', 'Bí Thư Phường Nhận', { path: 'ns.tp1.g2', role: 'secretary' })
  outsider = await f.person('ns.tp1.g4.c1', 'Bí Thư Ngoài', { path: 'ns.tp1.g4.c1', role: 'secretary' })
})
afterAll(() => t?.close())
afterEach(() => f.setClock(null))

const request = (
  memberId: string,
  to: string | null,
  outside: string | null = null,
  kind = 'permanent',
  dates: [string, string] | [] = [],
): [string, unknown[]] => [
  `select public.transfer_request($1, $2, $3, $4, 'Chuyển công tác', $5, $6) as id`,
  [memberId, kind, to, outside, dates[0] ?? null, dates[1] ?? null],
]
const CONFIRM = `select public.transfer_confirm($1, date_trunc('month', app.today())::date, true)`
const ISSUE = `select public.transfer_issue($1, '12-GGT/ĐU', app.today())`
const ACCEPT = `select public.transfer_accept($1)`
const seen = async (login: string, id: string) => ({
  transfers: (await f.as(login, `select id from public.transfers where id = $1`, [id])).length,
  parties: (await f.as(login, `select side from public.transfer_parties where transfer_id = $1`, [id])).length,
  events: (await f.as(login, `select id from public.transfer_events where transfer_id = $1`, [id])).length,
})

async function requested(name: string, to = receivingCell) {
  const member = await f.person('ns.tp1.g1.c1', name)
  const [{ id }] = await f.as(member.login, ...request(member.id, to))
  return { member, id: id as string }
}

describe('a permanent transfer between two wards, step by step', () => {
  it('the member asks; the sending side and the committees above see it, the receiving side and outsiders do not yet', async () => {
    const { member, id } = await requested('Chuyển Đi Một')
    for (const login of [member.login, LOGINS.cellSecretary, LOGINS.grassroots, LOGINS.staff]) expect((await seen(login, id)).transfers).toBe(1)
    expect((await seen(LOGINS.cellSecretary, id)).parties).toBe(1)
    for (const login of [receiving.login, receivingWard.login, outsider.login, LOGINS.member])
      expect(await seen(login, id)).toEqual({ transfers: 0, parties: 0, events: 0 })
  })

  it('each step is refused out of order and by the wrong side, and the state does not move', async () => {
    const { member, id } = await requested('Chuyển Đi Hai')
    // out of order: no letter before the confirmation, no acceptance before the letter
    expect(await f.outcome(LOGINS.grassroots, ISSUE, [id])).toBe('55000')
    expect(await f.outcome(receiving.login, ACCEPT, [id])).toBe('55000')
    // wrong side: the member, the receiving side and outsiders do not confirm
    for (const login of [member.login, receiving.login, outsider.login]) expect(await f.outcome(login, CONFIRM, [id])).toBe('42501')
    expect(await f.outcome(LOGINS.cellSecretary, CONFIRM, [id])).toBe('ok')
    // a cell secretary manages the cell, not the tree: only a committee above issues the letter
    for (const login of [LOGINS.cellSecretary, member.login, receiving.login, receivingWard.login, outsider.login])
      expect(await f.outcome(login, ISSUE, [id])).toBe('42501')
    expect(await f.outcome(LOGINS.grassroots, CONFIRM, [id])).toBe('55000')
    expect(await f.outcome(LOGINS.grassroots, ISSUE, [id])).toBe('ok')
    expect(await f.outcome(LOGINS.grassroots, ISSUE, [id])).toBe('55000')
    // only the receiving side accepts
    for (const login of [LOGINS.cellSecretary, LOGINS.grassroots, member.login, outsider.login]) expect(await f.outcome(login, ACCEPT, [id])).toBe('42501')
    const [row] = await f.system(`select status from public.transfers where id = $1`, [id])
    expect(row.status).toBe('issued')
  })

  it('after the letter the receiving side reads the transfer (not yet the member record); outsiders still read nothing', async () => {
    const { member, id } = await requested('Chuyển Đi Ba')
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    for (const login of [receiving.login, receivingWard.login]) {
      const s = await seen(login, id)
      expect(s.transfers).toBe(1)
      expect(s.events).toBe(3)
      expect(await f.as(login, `select id from public.members where id = $1`, [member.id])).toEqual([])
    }
    expect(await seen(outsider.login, id)).toEqual({ transfers: 0, parties: 0, events: 0 })
    const [actions] = await f.as(receiving.login, `select public.transfer_actions($1) as a`, [id])
    expect(actions.a.sort()).toEqual(['accept', 'refuse', 'return'])
    expect((await f.as(outsider.login, `select public.transfer_actions($1) as a`, [id]))[0].a).toEqual([])
  })

  it('acceptance moves the home cell in the same transaction: the old secretary loses sight of the member, the new one gains it, old roles end', async () => {
    const { member, id } = await requested('Chuyển Đi Bốn')
    await f.system(`insert into public.org_roles (org_id, member_id, role, valid_from) values ($1, $2, 'deputy_secretary', '2024-01-01')`, [
      sendingCell,
      member.id,
    ])
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    // open streams of the member re-check their access at once: the move is announced after commit
    const [{ user_id }] = await f.system(`select user_id from public.accounts where member_id = $1`, [member.id])
    const heard: string[] = []
    const stop = await t.runtime.realtime.subscribe('access_changed', (payload) => heard.push(JSON.parse(payload).user_id))
    expect(await f.outcome(receiving.login, ACCEPT, [id])).toBe('ok')
    for (let i = 0; i < 50 && !heard.includes(user_id); i++) await new Promise((r) => setTimeout(r, 20))
    await stop()
    expect(heard).toContain(user_id)
    expect((await f.as(LOGINS.cellSecretary, `select id from public.members where id = $1`, [member.id])).length).toBe(0)
    expect((await f.as(receiving.login, `select org_id from public.members where id = $1`, [member.id]))[0].org_id).toBe(receivingCell)
    expect((await f.as(member.login, `select org_id from public.members where id = $1`, [member.id]))[0].org_id).toBe(receivingCell)
    expect(await f.as(member.login, `select unnest(app.managed_scope())::text as s`)).toEqual([])
    // the accepted transfer stays readable by both sides and the member
    for (const login of [LOGINS.cellSecretary, receiving.login, member.login]) expect((await seen(login, id)).transfers).toBe(1)
    expect(await f.outcome(receiving.login, ACCEPT, [id])).toBe('55000')
  })

  it('refusals and returns belong to the side whose turn it is, and need a reason', async () => {
    const { member, id } = await requested('Chuyển Đi Năm')
    const REFUSE = `select public.transfer_refuse($1, $2)`
    const RETURN = `select public.transfer_return($1, $2)`
    expect(await f.outcome(receiving.login, REFUSE, [id, 'Không nhận'])).toBe('42501')
    expect(await f.outcome(LOGINS.cellSecretary, RETURN, [id, 'Trả lại'])).toBe('55000')
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    expect(await f.outcome(LOGINS.cellSecretary, RETURN, [id, 'Trả lại'])).toBe('42501')
    expect(await f.outcome(LOGINS.grassroots, RETURN, [id, '  '])).toBe('22023')
    expect(await f.outcome(LOGINS.grassroots, RETURN, [id, 'Thiếu xác nhận đảng phí'])).toBe('ok')
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('requested')
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    expect(await f.outcome(receiving.login, RETURN, [id, 'Sai tên chi bộ'])).toBe('ok')
    // the letter went back: the receiving side no longer reads it
    expect((await seen(receiving.login, id)).transfers).toBe(0)
    await f.as(LOGINS.grassroots, ISSUE, [id])
    expect(await f.outcome(outsider.login, REFUSE, [id, 'Không'])).toBe('42501')
    expect(await f.outcome(receiving.login, REFUSE, [id, 'Chi bộ không tiếp nhận'])).toBe('ok')
    expect(await f.outcome(receiving.login, ACCEPT, [id])).toBe('55000')
    expect((await f.as(member.login, `select status, refusal from public.transfers where id = $1`, [id]))[0]).toEqual({
      status: 'refused',
      refusal: 'Chi bộ không tiếp nhận',
    })
  })
})

describe('the tables themselves', () => {
  it('nobody writes a transfer table directly, not even the managers of both sides', async () => {
    const { id } = await requested('Ghi Trực Tiếp')
    for (const login of [LOGINS.staff, LOGINS.cellSecretary, outsider.login]) {
      expect(await f.outcome(login, `update public.transfers set status = 'accepted' where id = $1`, [id])).toBe('42501')
      expect(await f.outcome(login, `delete from public.transfer_parties where transfer_id = $1`, [id])).toBe('42501')
      expect(await f.outcome(login, `insert into public.transfer_parties (transfer_id, side, org_id) values ($1, 'receiving', $2)`, [id, receivingCell])).toBe(
        '42501',
      )
      expect(await f.outcome(login, `insert into public.transfer_events (transfer_id, step) values ($1, 'accepted')`, [id])).toBe('42501')
    }
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('requested')
  })

  it('an outsider asking for another cell’s member is refused and nothing is created', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Không Phải Của Tôi')
    expect(await f.outcome(outsider.login, ...request(member.id, await f.orgId('ns.tp1.g4.c1')))).toBe('42501')
    expect(await f.outcome(LOGINS.member, ...request(member.id, receivingCell))).toBe('42501')
    expect((await f.system(`select count(*)::int as n from public.transfers where member_id = $1`, [member.id]))[0].n).toBe(0)
  })

  it('at most one open permanent transfer per member; the destination must be another open cell', async () => {
    const { member } = await requested('Một Lần Thôi')
    expect(await f.outcome(member.login, ...request(member.id, await f.orgId('ns.tp1.g4.c1')))).toBe('55000')
    expect(await f.outcome(LOGINS.cellSecretary, ...request(member.id, sendingCell, null, 'temporary', [inDays(3), inDays(150)]))).toBe('22023')
    expect(await f.outcome(LOGINS.cellSecretary, ...request(member.id, await f.orgId('ns.tp1.g2')))).toBe('22023')
    await expect(
      f.system(
        `insert into public.transfers (kind, member_id, person_name, from_org_id, from_name, to_org_id, to_name) values ('permanent', $1, 'x', $2, 'a', $3, 'b')`,
        [member.id, sendingCell, receivingCell],
      ),
    ).rejects.toMatchObject({ code: '23505' })
  })

  it('a member in transit is not moved by an ordinary edit of the home cell', async () => {
    const { member, id } = await requested('Đang Chuyển')
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    expect(await f.outcome(LOGINS.staff, `update public.members set org_id = $2 where id = $1`, [member.id, await f.orgId('ns.tp1.g1.c2')])).toBe('55000')
  })
})

describe('access over time', () => {
  it('a member moved yesterday: the old cell’s secretary no longer sees him/her, the new one does, and the letter lapses in 30 working days', async () => {
    const { member, id } = await requested('Chuyển Hôm Qua')
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    await f.setClock(new Date(Date.now() - 86_400_000).toISOString())
    await f.as(receiving.login, ACCEPT, [id])
    await f.setClock(null)
    expect(await f.as(LOGINS.cellSecretary, `select id from public.members where id = $1`, [member.id])).toEqual([])
    expect(await f.as(LOGINS.cellSecretary, `select id from public.my_cell_roster() where id = $1`, [member.id])).toEqual([])
    expect((await f.as(receiving.login, `select id from public.members where id = $1`, [member.id])).length).toBe(1)
    expect((await f.as(member.login, `select app.home_org_id() as o`))[0].o).toBe(receivingCell)
  })

  it('a lapsed letter is not accepted; the issuer takes it back and issues a new one', async () => {
    const { id } = await requested('Quá Hạn')
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    const [{ deadline }] = await f.system(`select deadline::text from public.transfers where id = $1`, [id])
    await f.setClock(`${deadline}T20:00:00+07:00`)
    expect(await f.outcome(receiving.login, ACCEPT, [id])).toBe('ok')
    // a second member, one day past the deadline
    const late = await requested('Quá Hạn Hai')
    await f.as(LOGINS.cellSecretary, CONFIRM, [late.id])
    await f.as(LOGINS.grassroots, ISSUE, [late.id])
    const [{ d2 }] = await f.system(`select (deadline + 1)::text as d2 from public.transfers where id = $1`, [late.id])
    await f.setClock(`${d2}T08:00:00+07:00`)
    expect(await f.outcome(receiving.login, ACCEPT, [late.id])).toBe('55000')
    expect(await f.outcome(LOGINS.grassroots, `select public.transfer_return($1, 'Quá hạn, cấp giấy mới')`, [late.id])).toBe('ok')
  })

  it('the working-day deadline skips weekends', async () => {
    // fixed date: a pure function of the date it is given, a Friday; 1/1/2027 (a Friday, New Year) is skipped too
    const [{ d }] = await f.system(`select app.add_working_days('2026-11-27', 30)::text as d`)
    expect(d).toBe('2027-01-11')
  })
})

describe('temporary transfers and transfers across the deployment’s edge', () => {
  it('a temporary transfer adds a non-counting membership that ends by itself on its end date', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Tạm Thời')
    const [{ id }] = await f.as(LOGINS.cellSecretary, ...request(member.id, receivingCell, null, 'temporary', [inDays(-30), inDays(200)]))
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    const count = async () => (await f.as(receiving.login, `select app.temporary_members($1) as n`, [receivingCell]))[0].n
    const before = await count()
    await f.as(receiving.login, ACCEPT, [id])
    expect(await count()).toBe(before + 1)
    // the home cell does not change, the member is not counted at the receiving cell
    expect((await f.system(`select org_id from public.members where id = $1`, [member.id]))[0].org_id).toBe(sendingCell)
    // outsiders learn nothing, not even the count
    expect((await f.as(outsider.login, `select app.temporary_members($1) as n`, [receivingCell]))[0].n).toBe(0)
    // the meeting's counts (the minutes' totals) carry the temporary members of the cell
    const [meeting] = await f.system(
      `insert into public.meetings (org_id, kind, title, starts_at) values ($1, 'regular', 'Sinh hoạt tháng', now()) returning id`,
      [receivingCell],
    )
    const counts = async () => (await f.as(receiving.login, `select public.meeting_counts($1) as c`, [meeting.id]))[0].c
    expect((await counts()).temporary).toBe(before + 1)
    // a member who leaves during the stay is no longer counted there
    await f.system(`update public.members set left_on = app.today() where id = $1`, [member.id])
    expect(await count()).toBe(before)
    await f.system(`update public.members set left_on = null where id = $1`, [member.id])
    expect(await count()).toBe(before + 1)
    await f.setClock(`${inDays(201)}T09:00:00+07:00`) // the day after the stay
    expect(await count()).toBe(before)
    expect((await counts()).temporary).toBe(before)
  })

  it('a permanent transfer out of the deployment ends with the letter: the member no longer counted, his/her access ended', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Ra Ngoài')
    const [{ id }] = await f.as(member.login, ...request(member.id, null, 'Đảng bộ tỉnh Bắc Sơn'))
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    const [row] = await f.system(
      `select t.status, m.left_on is not null as gone from public.transfers t join public.members m on m.id = t.member_id where t.id = $1`,
      [id],
    )
    expect(row).toEqual({ status: 'accepted', gone: true })
    expect((await f.as(member.login, `select app.current_member_id() as m`))[0].m).toBeNull()
  })

  it('a member holding a role at the issuing ward is transferred out only by a wider scope, and loses every role', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Ủy Viên Ra Ngoài', { path: 'ns.tp1.g1', role: 'committee_member' })
    const [{ id }] = await f.as(member.login, ...request(member.id, null, 'Đảng bộ tỉnh Bắc Sơn'))
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    // the ward secretary is the member's peer in the ward committee: no authority to end that role
    expect(await f.outcome(LOGINS.grassroots, ISSUE, [id])).toBe('42501')
    expect(await f.outcome(LOGINS.staff, ISSUE, [id])).toBe('ok')
    const roles = await f.system(`select 1 from public.org_roles where member_id = $1 and (valid_to is null or valid_to >= app.today())`, [member.id])
    expect(roles).toEqual([])
  })

  it('a transfer into the deployment: the receiving side records the outside letter and accepts; the person becomes a member of the cell', async () => {
    const REC = `select public.transfer_record_incoming($1, 'permanent', 'Người Từ Xa', '1990-02-03', 'official', 'Đảng bộ tỉnh Bắc Sơn', '45-GGT', app.today()) as id`
    expect(await f.outcome(outsider.login, REC, [receivingCell])).toBe('42501')
    const [{ id }] = await f.as(receiving.login, REC, [receivingCell])
    expect(await seen(LOGINS.cellSecretary, id)).toEqual({ transfers: 0, parties: 0, events: 0 })
    await f.as(receiving.login, ACCEPT, [id])
    const [m] = await f.as(
      receiving.login,
      `select m.full_name, m.org_id from public.transfers t join public.members m on m.id = t.member_id where t.id = $1`,
      [id],
    )
    expect(m).toEqual({ full_name: 'Người Từ Xa', org_id: receivingCell })
  })
})

describe('reminders', () => {
  it('warns the receiving managers and the member once when the deadline is near', async () => {
    const { member, id } = await requested('Nhắc Hạn')
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    await f.as(LOGINS.grassroots, ISSUE, [id])
    const [{ at }] = await f.system(`select ((deadline - 3)::text || 'T09:00:00+07:00') as at from public.transfers where id = $1`, [id])
    const first = (await f.system(`select app.plan_reminders_transfers($1::timestamptz) as n`, [at]))[0].n
    expect(first).toBeGreaterThanOrEqual(1)
    expect((await f.system(`select app.plan_reminders_transfers($1::timestamptz) as n`, [at]))[0].n).toBe(0)
    const notices = await f.system(`select member_id from public.notifications where kind = 'transfer.deadline' and url = $1`, [`/transfers/${id}`])
    expect(notices.map((n) => n.member_id)).toEqual(expect.arrayContaining([member.id, receiving.id]))
    expect(new Set(notices.map((n) => n.member_id)).size).toBe(notices.length)
  })
})
