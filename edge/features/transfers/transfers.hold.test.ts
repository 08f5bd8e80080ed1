import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, testApp, type TestApp } from '../../../test/support.ts'
import { fixtures } from './transfers.support.ts'

/*
 * A transfer holds when the organizations and people around it change: a cell merged after the
 * letter takes nobody in, a peer cannot issue the letter that ends a fellow's roles, and a
 * member in transit is neither moved by an edit nor by a merge, each refused with a word instead
 * of an error page.
 */
let t: TestApp
let f: ReturnType<typeof fixtures>
let sendingCell: string
let receivingCell: string

const REQUEST = `select public.transfer_request($1, 'permanent', $2, null, 'Chuyển nơi ở', null, null) as id`
const CONFIRM = `select public.transfer_confirm($1, date_trunc('month', app.today())::date, true)`
const ISSUE = `select public.transfer_issue($1, '12-GGT/ĐU', app.today())`
const ACCEPT = `select public.transfer_accept($1)`

beforeAll(async () => {
  t = await testApp({ members: 120 })
  f = fixtures(t)
  sendingCell = await f.orgId('ns.tp1.g1.c1')
  receivingCell = await f.orgId('ns.tp1.g2.c1')
})
afterAll(() => t?.close())

/** A member of the sending cell whose permanent transfer to `to` is confirmed and, with `issue`, has its letter. */
async function inTransit(name: string, to = receivingCell, issue = true) {
  const member = await f.person('ns.tp1.g1.c1', name)
  const [{ id }] = await f.as(member.login, REQUEST, [member.id, to])
  await f.as(LOGINS.cellSecretary, CONFIRM, [id])
  if (issue) expect(await f.outcome(LOGINS.grassroots, ISSUE, [id])).toBe('ok')
  return { member, id: id as string }
}

describe('a transfer and the organizations around it', () => {
  it('a letter whose receiving cell was merged after it was issued is not accepted; the member stays where he/she was', async () => {
    const target = await f.orgId('ns.tp1.g3.c2')
    const { member, id } = await inTransit('Đến Chi Bộ Đã Hợp Nhất', target)
    // the receiving ward merges that cell into another of its cells
    const wardSecretary = await f.person('ns.tp1.g3.c1', 'Bí Thư Phường Ba', { path: 'ns.tp1.g3', role: 'secretary' })
    const other = await f.orgId('ns.tp1.g3.c1')
    const agent = await t.signIn(wardSecretary.login)
    expect((await agent.post(`/orgs/${target}/merge`, { into: other })).status).toBe(303)
    expect(await f.outcome(wardSecretary.login, ACCEPT, [id])).toBe('55000')
    expect((await f.system(`select org_id from public.members where id = $1`, [member.id]))[0].org_id).toBe(sendingCell)
    // through the page: the reason, in Vietnamese
    const page = await (await agent.post(`/transfers/${id}/accept`, {})).text()
    expect(page).toContain('Chi bộ nhận đã hợp nhất hoặc giải thể sau khi cấp giấy')
  })

  it('a peer on the ward committee cannot issue the letter that would end a fellow member’s roles; a wider scope can', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Phó Bí Thư Chuyển Đi', { path: 'ns.tp1.g1', role: 'deputy_secretary' })
    const [{ id }] = await f.as(member.login, REQUEST, [member.id, receivingCell])
    await f.as(LOGINS.cellSecretary, CONFIRM, [id])
    expect(await f.outcome(LOGINS.grassroots, ISSUE, [id])).toBe('42501')
    const ward = await t.signIn(LOGINS.grassroots)
    const refused = await ward.post(`/transfers/${id}/issue`, {
      letter_number: '7',
      letter_date: new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10),
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('chỉ cấp ủy cấp trên mới cấp giấy')
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('confirmed')
    expect(await f.outcome(LOGINS.staff, ISSUE, [id])).toBe('ok')
  })
})

describe('a member in transit', () => {
  it('an edit of his/her cell is refused beside the field, not with an error page; nothing changes', async () => {
    const { member } = await inTransit('Đang Đi Đường')
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const res = await secretary.post(`/members/${member.id}`, {
      full_name: 'Đang Đi Đường',
      birth_date: '01/05/1980',
      org_id: await f.orgId('ns.tp1.g1.c1'),
      status: 'official',
    })
    expect(res.status).toBe(303) // the same cell: an ordinary edit
    const ward = await t.signIn(LOGINS.grassroots)
    const moved = await ward.post(`/members/${member.id}`, {
      full_name: 'Đang Đi Đường',
      birth_date: '01/05/1980',
      org_id: await f.orgId('ns.tp1.g1.c2'),
      status: 'official',
    })
    expect(moved.status).toBe(400)
    expect(await moved.text()).toContain('Đảng viên đang chuyển sinh hoạt (đã cấp giấy giới thiệu)')
    expect((await f.system(`select org_id from public.members where id = $1`, [member.id]))[0].org_id).toBe(sendingCell)
  })

  it('merging the cell that holds him/her is refused with the reason; the cell stays open', async () => {
    await inTransit('Đang Đi Đường Hai')
    const ward = await t.signIn(LOGINS.grassroots)
    const res = await ward.post(`/orgs/${sendingCell}/merge`, { into: await f.orgId('ns.tp1.g1.c2') })
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('có đảng viên của tổ chức này đang chuyển sinh hoạt')
    expect((await f.system(`select valid_to from public.organizations where id = $1`, [sendingCell]))[0].valid_to).toBeNull()
  })
})
