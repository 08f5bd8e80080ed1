import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inDays, LOGINS, testApp, thisYear, type Agent, type TestApp } from '../../../test/support.ts'
import { fixtures } from './transfers.support.ts'

/*
 * The pages of a transfer: asking, each step by its side, the letter, the register and its
 * export, the member profile's card, and hostile input (another cell's ids in URLs and forms).
 */
let t: TestApp
let f: ReturnType<typeof fixtures>
let cellSecretary: Agent
let ward: Agent
let receiving: Agent
let outsider: Agent
let receivingCell: string
let wardId: string

beforeAll(async () => {
  t = await testApp({ members: 120 })
  f = fixtures(t)
  cellSecretary = await t.signIn(LOGINS.cellSecretary)
  ward = await t.signIn(LOGINS.grassroots)
  receivingCell = await f.orgId('ns.tp1.g2.c1')
  wardId = await f.orgId('ns.tp1.g1')
  receiving = await t.signIn((await f.person('ns.tp1.g2.c1', 'Bí Thư Nhận', { path: 'ns.tp1.g2.c1', role: 'secretary' })).login)
  outsider = await t.signIn((await f.person('ns.tp1.g4.c1', 'Bí Thư Ngoài', { path: 'ns.tp1.g4.c1', role: 'secretary' })).login)
})
afterAll(() => t?.close())

/** Last month (yyyy-mm): the fee paid up to it. */
const feeMonth = () => inDays(-31).slice(0, 7)
const idFrom = (res: Response) => /\/transfers\/([0-9a-f-]{36})/.exec(res.headers.get('Location') ?? '')![1]

async function asked(name: string, by?: Agent) {
  const member = await f.person('ns.tp1.g1.c1', name)
  const agent = by ?? (await t.signIn(member.login))
  const res = await agent.post('/transfers', { member_id: member.id, kind: 'permanent', to_org_id: receivingCell, reason: 'Chuyển nơi ở' })
  expect(res.status).toBe(303)
  return { member, id: idFrom(res) }
}

describe('a full permanent transfer through the pages', () => {
  it('the member finds the receiving cell by a search without accents and asks', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Tìm Chi Bộ')
    const agent = await t.signIn(member.login)
    const [{ ward }] = await f.system(`select p.name as ward from public.organizations o join public.organizations p on p.id = o.parent_id where o.id = $1`, [
      receivingCell,
    ])
    // "Đảng bộ phường Bạch Đằng" typed as "khu pho 1 bach dang"
    const query = `khu pho 1 ${ward
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/gi, 'd')
      .replace(/^Dang bo (phuong|xa) /, '')}`
    const page = await (await agent.get(`/transfers/new?member=${member.id}&q=${encodeURIComponent(query)}`)).text()
    expect(page).toContain(`value="${receivingCell}"`)
    const res = await agent.post('/transfers', { member_id: member.id, kind: 'permanent', to_org_id: receivingCell })
    expect(res.status).toBe(303)
    const shown = await (await agent.get(res.headers.get('Location')!)).text()
    expect(shown).toContain('Đã gửi đề nghị chuyển sinh hoạt đảng.')
    expect(shown).toContain('Chờ chi bộ xác nhận')
  })

  it('confirm, issue, print the letter, accept: the member is in the new cell and the card tells the story', async () => {
    const { member, id } = await asked('Đi Trọn Vẹn')
    expect((await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })).status).toBe(303)
    expect((await ward.post(`/transfers/${id}/issue`, { letter_number: '101', letter_date: inDays(0) })).status).toBe(303)
    const letter = await (await receiving.get(`/transfers/${id}/letter`)).text()
    expect(letter).toContain('GIẤY GIỚI THIỆU')
    expect(letter).toContain('SINH HOẠT ĐẢNG CHÍNH THỨC')
    expect(letter).toContain('Đi Trọn Vẹn')
    expect(letter).toContain(`Đã đóng đảng phí đến hết tháng ${feeMonth().slice(5)}/${feeMonth().slice(0, 4)}`)
    const page = await (await receiving.get(`/transfers/${id}`)).text()
    expect(page).toContain(`action="/transfers/${id}/accept"`)
    const res = await receiving.post(`/transfers/${id}/accept`, {})
    expect(res.status).toBe(303)
    expect(await (await receiving.get(res.headers.get('Location')!)).text()).toContain('Đã tiếp nhận sinh hoạt đảng.')
    expect((await f.system(`select org_id from public.members where id = $1`, [member.id]))[0].org_id).toBe(receivingCell)
    const card = await (await receiving.get(`/transfers/members/${member.id}`, { htmx: true })).text()
    expect(card).toContain('Đã tiếp nhận')
    expect(card).toContain('giấy số 101')
    // the receiving cell's register counts the move in, in this year and not in another
    const year = thisYear()
    expect(await (await receiving.get(`/transfers?org=${receivingCell}&tab=in&year=${year}`)).text()).toContain('Đi Trọn Vẹn')
    expect(await (await receiving.get(`/transfers?org=${receivingCell}&tab=in&year=${year - 3}`)).text()).not.toContain('Đi Trọn Vẹn')
    expect(await (await ward.get(`/transfers?org=${wardId}&tab=out`)).text()).toContain('Đi Trọn Vẹn')
    // the old cell's secretary no longer reaches the member's card
    expect(await (await cellSecretary.get(`/transfers/members/${member.id}`, { htmx: true })).text()).not.toContain('giấy số 101')
  })

  it('the letter prints its number as the committee wrote it: "25-GGT/ĐU" stays so, a bare "25" gets the usual suffix', async () => {
    for (const [typed, printed] of [
      ['25-GGT/ĐU', 'Số 25-GGT/ĐU<'],
      ['26', 'Số 26-GGT<'],
    ]) {
      const { id } = await asked(`Số Giấy ${typed.length}`)
      await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })
      expect((await ward.post(`/transfers/${id}/issue`, { letter_number: typed, letter_date: inDays(0) })).status).toBe(303)
      const letter = await (await ward.get(`/transfers/${id}/letter`)).text()
      expect(letter).toContain(printed)
    }
  })

  it('a step out of order says so and changes nothing; a form without its checks is refused', async () => {
    const { id } = await asked('Sai Thứ Tự')
    const early = await ward.post(`/transfers/${id}/issue`, { letter_number: '5', letter_date: inDays(-1) })
    expect(early.status).toBe(400)
    expect(await early.text()).toContain('Hồ sơ không ở bước này')
    const unchecked = await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: feeMonth() })
    expect(unchecked.status).toBe(400)
    expect(await unchecked.text()).toContain('không đang bị kiểm tra, xem xét kỷ luật')
    const noReason = await cellSecretary.post(`/transfers/${id}/refuse`, { reason: ' ' })
    expect(noReason.status).toBe(400)
    // a reason made only of invisible characters (zero-width, bidi controls) is no reason either
    const invisible = await cellSecretary.post(`/transfers/${id}/refuse`, { reason: '\u200b\u200d\u202e' })
    expect(invisible.status).toBe(400)
    expect(await invisible.text()).toContain('Hãy ghi lý do.')
    const tooLong = await cellSecretary.post(`/transfers/${id}/refuse`, { reason: `Thiếu hồ sơ ${'x'.repeat(1000)}` })
    expect(tooLong.status).toBe(400)
    expect(await tooLong.text()).toContain('value="Thiếu hồ sơ x')
    const badMonth = await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: `${thisYear()}-13`, nothing_pending: 'on' })
    expect(badMonth.status).toBe(400)
    expect(await badMonth.text()).toMatch(/name="nothing_pending" required="" checked=""|name="nothing_pending" checked=""/)
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('requested')
  })
})

describe('hostile input', () => {
  it('another cell’s transfer in URLs is a 404 for an outsider, for reading and for every step', async () => {
    const { id } = await asked('Bị Dòm Ngó')
    expect((await outsider.get(`/transfers/${id}`)).status).toBe(404)
    expect((await outsider.get(`/transfers/${id}/letter`)).status).toBe(404)
    expect((await outsider.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })).status).toBe(404)
    expect((await outsider.post(`/transfers/${id}/refuse`, { reason: 'Phá' })).status).toBe(404)
    expect((await outsider.post(`/transfers/${id}/accept`, {})).status).toBe(404)
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('requested')
  })

  it('asking for another cell’s member, or an incoming transfer into another cell, is refused and creates nothing', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Không Thuộc Quyền')
    expect((await outsider.get(`/transfers/new?member=${member.id}`)).status).toBe(404)
    expect((await outsider.post('/transfers', { member_id: member.id, kind: 'permanent', to_org_id: receivingCell })).status).toBe(404)
    const res = await outsider.post('/transfers/incoming', {
      to_org_id: receivingCell,
      kind: 'permanent',
      person_name: 'Người Lạ',
      person_status: 'official',
      from_outside: 'Đảng bộ X',
      letter_number: '1',
      letter_date: inDays(-1),
    })
    expect(res.status).toBe(404)
    expect((await f.system(`select count(*)::int as n from public.transfers where member_id = $1 or person_name = 'Người Lạ'`, [member.id]))[0].n).toBe(0)
  })

  it('dates and names the database would refuse are told beside their field, in Vietnamese, and nothing changes', async () => {
    const ago = (days: number) => inDays(-days)
    // a letter dated more than 30 days back: the issue form says so (not "the receiving cell must be another open cell")
    const { id } = await asked('Giấy Cũ')
    await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })
    const old = await ward.post(`/transfers/${id}/issue`, { letter_number: '77', letter_date: ago(45) })
    expect(old.status).toBe(400)
    const oldPage = await old.text()
    expect(oldPage).toContain('Ngày cấp: không được trước hôm nay quá 30 ngày.')
    expect(oldPage).not.toContain('chi bộ nhận phải là')
    // what was typed stays in the form
    expect(oldPage).toContain('value="77"')
    expect(oldPage).toContain(`value="${ago(45)}"`)
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('confirmed')
    // a temporary transfer longer than two years
    const member = await f.person('ns.tp1.g1.c1', 'Tạm Quá Lâu')
    const agent = await t.signIn(member.login)
    const long = await agent.post('/transfers', {
      member_id: member.id,
      kind: 'temporary',
      to_org_id: receivingCell,
      starts_on: inDays(5),
      ends_on: inDays(5 + 3 * 365),
    })
    expect(long.status).toBe(400)
    expect(await long.text()).toContain('Chuyển tạm thời: tối đa 2 năm.')
    // an incoming transfer: a name of invisible characters, a temporary stay over two years, a letter already lapsed
    const base = {
      to_org_id: await f.orgId('ns.tp1.g1.c1'),
      kind: 'permanent',
      person_name: 'Người Đến',
      person_status: 'official',
      from_outside: 'Đảng bộ tỉnh Bắc Sơn',
      letter_number: '12',
      letter_date: ago(1),
    }
    const invisible = await cellSecretary.post('/transfers/incoming', { ...base, person_name: '\u200b\u200b\u202e' })
    expect(invisible.status).toBe(400)
    expect(await invisible.text()).toContain('Họ và tên: bắt buộc nhập.')
    const longStay = await cellSecretary.post('/transfers/incoming', { ...base, kind: 'temporary', starts_on: inDays(5), ends_on: inDays(5 + 4 * 365) })
    expect(longStay.status).toBe(400)
    expect(await longStay.text()).toContain('Chuyển tạm thời: tối đa 2 năm.')
    const lapsed = await cellSecretary.post('/transfers/incoming', { ...base, letter_date: ago(90) })
    expect(lapsed.status).toBe(400)
    expect(await lapsed.text()).toContain('Ngày cấp: giấy giới thiệu đã quá hạn tiếp nhận (30 ngày làm việc).')
    expect((await f.system(`select count(*)::int as n from public.transfers where from_name = 'Đảng bộ tỉnh Bắc Sơn' and member_id is null`))[0].n).toBe(0)
  })

  it('a register of an organization out of scope is a 404; exports too', async () => {
    expect((await outsider.get(`/transfers?org=${wardId}`)).status).toBe(404)
    expect((await outsider.get(`/transfers/export?org=${wardId}&format=csv`)).status).toBe(404)
  })
})

describe('nobody carries out a step of his/her own transfer', () => {
  it('a cell secretary does not confirm his/her own request, a ward secretary does not issue his/her own letter; the others do', async () => {
    const own = await f.person('ns.tp1.g1.c1', 'Bí Thư Tự Chuyển', { path: 'ns.tp1.g1.c1', role: 'deputy_secretary' })
    const self = await t.signIn(own.login)
    const id = idFrom(await self.post('/transfers', { member_id: own.id, kind: 'permanent', to_org_id: receivingCell, reason: 'Chuyển nơi ở' }))
    expect(await (await self.get(`/transfers/${id}`)).text()).not.toContain(`action="/transfers/${id}/confirm"`)
    expect((await self.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })).status).toBe(404)
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('requested')
    expect((await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })).status).toBe(303)

    const wardMember = await f.memberOf(LOGINS.grassroots)
    const letter = idFrom(await ward.post('/transfers', { member_id: wardMember, kind: 'permanent', to_org_id: receivingCell, reason: 'Nghỉ hưu' }))
    expect((await cellSecretary.post(`/transfers/${letter}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })).status).toBe(303)
    expect(await (await ward.get(`/transfers/${letter}`)).text()).not.toContain(`action="/transfers/${letter}/issue"`)
    const today = inDays(0)
    expect((await ward.post(`/transfers/${letter}/issue`, { letter_number: '900', letter_date: today })).status).toBe(404)
    expect((await f.system(`select status from public.transfers where id = $1`, [letter]))[0].status).toBe('confirmed')
    const staff = await t.signIn(LOGINS.staff)
    expect((await staff.post(`/transfers/${letter}/issue`, { letter_number: '900', letter_date: today })).status).toBe(303)
    // no letter left waiting for the register's tests below
    await f.system(`update public.transfers set status = 'refused', refused_at = now(), refusal = 'test' where id = $1`, [letter])
  })
})

describe('the register', () => {
  it('counts in transit and out, lists them, and exports what it lists (audited)', async () => {
    const { id } = await asked('Trong Sổ')
    await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })
    await ward.post(`/transfers/${id}/issue`, { letter_number: '202', letter_date: inDays(0) })
    const page = await (await ward.get(`/transfers?org=${wardId}&tab=transit`)).text()
    expect(page).toContain('Trong Sổ')
    expect(page).toContain('Đang chuyển (chờ tiếp nhận)')
    const csv = await ward.get(`/transfers/export?org=${wardId}&tab=transit&format=csv`)
    expect(csv.headers.get('Content-Type')).toContain('text/csv')
    expect(await csv.text()).toContain('Trong Sổ')
    const xlsx = await ward.get(`/transfers/export?org=${wardId}&tab=all&format=xlsx`)
    expect(xlsx.headers.get('Content-Type')).toContain('spreadsheetml')
    const [{ n }] = await f.system(`select count(*)::int as n from public.audit_log where action = 'transfer.export' and org_id = $1`, [wardId])
    expect(n).toBe(2)
    // the receiving cell's register shows the letter waiting in transit too
    expect(await (await receiving.get(`/transfers?org=${receivingCell}&tab=transit`)).text()).toContain('Trong Sổ')
  })

  it('a ward secretary chooses the register of the ward or of one of its cells', async () => {
    const page = await (await ward.get('/transfers')).text()
    const cell2 = await f.orgId('ns.tp1.g1.c2')
    expect(page).toContain(`<option value="${cell2}"`)
    expect((await ward.get(`/transfers?org=${cell2}&tab=all`)).status).toBe(200)
    expect((await cellSecretary.get(`/transfers?org=${cell2}`)).status).toBe(404)
  })

  it('a member withdraws his/her own request while the cell has not confirmed it', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Rút Lại')
    const agent = await t.signIn(member.login)
    const id = idFrom(await agent.post('/transfers', { member_id: member.id, kind: 'permanent', to_outside: 'Đảng bộ tỉnh Bắc Sơn' }))
    expect(await (await agent.get(`/transfers/${id}`)).text()).toContain('Rút đề nghị')
    expect((await agent.post(`/transfers/${id}/refuse`, { reason: 'Không chuyển nữa' })).status).toBe(303)
    expect((await f.system(`select status from public.transfers where id = $1`, [id]))[0].status).toBe('refused')
  })

  it('a member without a scope finds the way to ask for his/her own transfer: home links to it, the page offers it', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Tìm Đường Chuyển')
    const agent = await t.signIn(member.login)
    expect(await (await agent.get('/')).text()).toContain('href="/transfers"')
    const page = await (await agent.get('/transfers')).text()
    expect(page).toContain(`href="/transfers/new?member=${member.id}"`)
    expect((await agent.get(`/transfers/new?member=${member.id}`)).status).toBe(200)
  })

  it('a member without a scope sees his/her own transfers', async () => {
    const member = await f.person('ns.tp1.g1.c1', 'Của Riêng Tôi')
    const agent = await t.signIn(member.login)
    await agent.post('/transfers', { member_id: member.id, kind: 'temporary', to_org_id: receivingCell, starts_on: inDays(3), ends_on: inDays(180) })
    const page = await (await agent.get('/transfers')).text()
    expect(page).toContain('Chuyển sinh hoạt đảng của tôi')
    expect(page).toContain('Tạm thời')
    // once accepted, the receiving cell lists the member among those taking part temporarily
    const [{ id }] = await f.system(`select id from public.transfers where member_id = $1`, [member.id])
    await cellSecretary.post(`/transfers/${id}/confirm`, { fee_month: feeMonth(), nothing_pending: 'on' })
    await ward.post(`/transfers/${id}/issue`, { letter_number: '303', letter_date: inDays(0) })
    await receiving.post(`/transfers/${id}/accept`, {})
    await f.setClock(`${inDays(10)}T09:00:00+07:00`) // inside the stay
    const list = await (await receiving.get(`/transfers?org=${receivingCell}&tab=temporary`)).text()
    await f.setClock(null)
    expect(list).toContain('Của Riêng Tôi')
  })
})
