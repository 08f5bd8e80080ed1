import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, memberIdOf, orgIdByPath, testApp, thisYear, type Agent, type TestApp } from '../../../test/support.ts'
import { secretaryOf } from './resident-members.support.ts'

/*
 * The pages, as each kind of user meets them. The demo member works in ns.tp1.g1.c1 and lives in
 * ns.tp1.g2.c1; the secretary of ns.tp1.g4.c1 is an outsider to both cells.
 */

let t: TestApp
let member: Agent
let working: Agent
let residence: Agent
let outsider: Agent
let memberId: string
let workingCell: string
let residenceCell: string
let registrationId: string

const text = async (res: Response) => res.text()

beforeAll(async () => {
  t = await testApp({ members: 200 })
  member = await t.signIn(LOGINS.member)
  working = await t.signIn(LOGINS.cellSecretary)
  residence = await (await secretaryOf(t, 'ns.tp1.g2.c1')).agent()
  outsider = await (await secretaryOf(t, 'ns.tp1.g4.c1')).agent()
  memberId = await memberIdOf(t, LOGINS.member)
  workingCell = await orgIdByPath(t, 'ns.tp1.g1.c1')
  residenceCell = await orgIdByPath(t, 'ns.tp1.g2.c1')
})
afterAll(() => t?.close())

describe('registering with the residence cell', () => {
  it('the member searches cells by name, accent-insensitive, and sees names only', async () => {
    const ward = await t.runtime.data.asSystem('test: the ward of the residence cell', async (tx) => {
      const [row] = await tx.query<{ name: string }>(`select name from public.organizations where path = 'ns.tp1.g2'`)
      return row.name.replace(/^Đảng bộ (phường|xã) /, '')
    })
    const typed = `khu pho 1 ${ward
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .toLowerCase()}`
    const page = await text(await member.get(`/residents/register?q=${encodeURIComponent(typed)}`))
    expect(page).toContain('Chi bộ khu phố 1')
    expect(page).toContain(`value="${residenceCell}"`)
    const fragment = await text(await member.get(`/residents/cells?q=${encodeURIComponent('khu phố')}`, { htmx: true }))
    expect(fragment).toContain('id="cell-choices"')
    expect(fragment).not.toContain('<html')
    expect(await text(await member.get('/residents/cells?q=zzzzzz', { htmx: true }))).toContain('Không tìm thấy chi bộ nào')
    // the cells named as typed come first, not every "khu phố 1" whose ward's name holds a 2
    const ranked = await text(await member.get(`/residents/cells?q=${encodeURIComponent('khu  phố 2')}`, { htmx: true }))
    const names = [...ranked.matchAll(/<span>([^<]+)<small/g)].map((m) => m[1].trim())
    expect(names.length).toBeGreaterThan(1)
    const whole = names.findIndex((name) => !/ khu phố 2( |$)/.test(` ${name}`))
    expect(names.slice(0, whole === -1 ? names.length : whole).length).toBeGreaterThan(0)
    expect(names.slice(whole === -1 ? names.length : whole).every((name) => !/ khu phố 2( |$)/.test(` ${name}`))).toBe(true)
  })

  it('a form without a cell is answered with the error beside the field and the address kept', async () => {
    const res = await member.post('/residents/register', { member_id: memberId, address: 'Số 5 ngõ 12', q: 'khu' })
    expect(res.status).toBe(400)
    const page = await res.text()
    expect(page).toContain('id="f-org_id-err"')
    expect(page).toContain('value="Số 5 ngõ 12"')
  })

  it("the member's own working cell is not a residence cell", async () => {
    const res = await member.post('/residents/register', { member_id: memberId, org_id: workingCell, address: '' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('đây là chi bộ nơi đảng viên đang sinh hoạt')
  })

  it('the member registers; the residence cell sees the request pending, with her name', async () => {
    const page = await text(await member.submit('/residents/register', { member_id: memberId, org_id: residenceCell, address: 'Số 5 ngõ 12' }))
    expect(page).toContain('Đã gửi đăng ký')
    expect(page).toContain('Chờ chi bộ nơi cư trú xác nhận')
    const pending = await text(await residence.get(`/residents/cells/${residenceCell}?view=pending`))
    expect(pending).toContain('Nguyễn Thị Hồng Nhung')
    expect(pending).toContain('Số 5 ngõ 12')
    // the tabs say how many each list holds (other registrations of the fixture may live here too)
    expect(pending).toMatch(/Chờ xác nhận \((\d+)\)/)
    expect(Number(/Chờ xác nhận \((\d+)\)/.exec(pending)![1])).toBeGreaterThanOrEqual(1)
    registrationId = /registrations\/([0-9a-f-]{36})\/confirm/.exec(pending)?.[1] ?? ''
    expect(registrationId).not.toBe('')
    const notices = await text(await residence.get('/notifications'))
    expect(notices).toContain('đăng ký sinh hoạt nơi cư trú')
  })

  it('a second registration while one is open is refused with a message', async () => {
    const res = await member.post('/residents/register', { member_id: memberId, org_id: residenceCell })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('chưa kết thúc')
  })
})

describe('ids of other cells are refused', () => {
  it('a cell secretary cannot register, exempt or list members of another cell', async () => {
    const stranger = await t.runtime.data.asSystem('test: a member of another cell', async (tx) => {
      const [row] = await tx.query<{ id: string }>(`select id from public.members where org_path = 'ns.tp1.g1.c2' limit 1`)
      return row.id
    })
    expect((await working.post('/residents/register', { member_id: stranger, org_id: residenceCell })).status).toBe(404)
    expect((await working.post('/residents/exempt', { member_id: stranger, exemption: 'army' })).status).toBe(404)
    expect((await working.get(`/residents/exempt?member_id=${stranger}`)).status).toBe(404)
    expect((await working.get(`/residents/working/${await orgIdByPath(t, 'ns.tp1.g1.c2')}`)).status).toBe(404)
  })

  it('an outsider cannot open the residence lists, decide, or read the comment form', async () => {
    expect((await outsider.get(`/residents/cells/${residenceCell}?view=pending`)).status).toBe(404)
    expect((await outsider.post(`/residents/registrations/${registrationId}/confirm`, {})).status).toBe(404)
    expect((await outsider.post(`/residents/registrations/${registrationId}/refuse`, { reason: 'x' })).status).toBe(404)
    expect((await outsider.post(`/residents/registrations/${registrationId}/end`, {})).status).toBe(404)
    expect((await outsider.get(`/residents/registrations/${registrationId}/comment`)).status).toBe(404)
    expect((await outsider.post(`/residents/registrations/${registrationId}/comment`, { year: '2026', assessment: 'exemplary', body: 'x' })).status).toBe(404)
  })

  it('a committee, not a cell, cannot be chosen as the residence cell', async () => {
    const other = await t.runtime.data.asSystem('test: another member of the cell', async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `select id from public.members where org_path = 'ns.tp1.g1.c1' and id <> $1 and id not in (select member_id from public.org_roles) order by full_name desc limit 1`,
        [memberId],
      )
      return row.id
    })
    const res = await working.post('/residents/register', { member_id: other, org_id: await orgIdByPath(t, 'ns.tp1.g2') })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('không phải một chi bộ đang hoạt động')
  })

  it('the member cannot confirm her own registration; the working cell cannot either', async () => {
    expect((await member.post(`/residents/registrations/${registrationId}/confirm`, {})).status).toBe(404)
    expect((await working.post(`/residents/registrations/${registrationId}/confirm`, {})).status).toBe(404)
  })
})

describe('the residence cell decides and comments', () => {
  it('a refusal without a reason is answered beside the field', async () => {
    const res = await residence.post(`/residents/registrations/${registrationId}/refuse`, { reason: '  ' }, { htmx: true })
    expect(res.status).toBe(400)
    const rows = await res.text()
    expect(rows).toContain(`id="refuse-${registrationId}-err"`)
    expect(rows).not.toContain('<html')
  })

  it('a refusal reason made only of invisible characters is no reason: answered beside the field, still pending', async () => {
    const res = await residence.post(`/residents/registrations/${registrationId}/refuse`, { reason: '\u200b\u200d\u202e' }, { htmx: true })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain(`id="refuse-${registrationId}-err"`)
    const [{ status }] = await t.runtime.data.asSystem('test: the registration', (tx) =>
      tx.query<{ status: string }>(`select status from public.resident_registrations where id = $1`, [registrationId]),
    )
    expect(status).toBe('pending')
  })

  it('confirms; the pending list is empty and the member is told', async () => {
    const rows = await text(await residence.post(`/residents/registrations/${registrationId}/confirm`, {}, { htmx: true }))
    expect(rows).toContain('Không có đăng ký nào chờ xác nhận')
    // the decision says so, and the tabs' counts follow out of band
    expect(rows).toContain('Đã xác nhận đăng ký sinh hoạt nơi cư trú.')
    expect(rows).toMatch(/<nav class="tabs" id="resident-tabs"[^>]*hx-swap-oob="true"/)
    expect(rows).toContain('Chờ xác nhận (0)')
    expect(await text(await residence.get(`/residents/cells/${residenceCell}`))).toContain('Nguyễn Thị Hồng Nhung')
    expect(await text(await member.get('/notifications'))).toContain('đã xác nhận')
  })

  it('the comment form keeps the input and shows errors beside the fields', async () => {
    const res = await residence.post(`/residents/registrations/${registrationId}/comment`, { year: String(thisYear()), body: 'Tích cực' })
    expect(res.status).toBe(400)
    const page = await res.text()
    expect(page).toContain('id="f-assessment-err"')
    expect(page).toContain('Tích cực')
  })

  it('a comment made only of invisible characters (zero-width, bidi controls) is refused beside the field; nothing is sent', async () => {
    const res = await residence.post(`/residents/registrations/${registrationId}/comment`, {
      year: String(thisYear()),
      assessment: 'exemplary',
      body: '\u200b \u200b\u2066\u202e',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Nội dung nhận xét: bắt buộc nhập.')
    const [{ n }] = await t.runtime.data.asSystem('test: the comments', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.resident_comments where registration_id = $1`, [registrationId]),
    )
    expect(n).toBe(0)
  })

  it('writes the comment; the due list empties and the working cell secretary is told', async () => {
    const year = String(thisYear())
    expect(await text(await residence.get(`/residents/cells/${residenceCell}?view=due`))).toContain('Nguyễn Thị Hồng Nhung')
    const page = await text(
      await residence.submit(`/residents/registrations/${registrationId}/comment`, {
        year,
        assessment: 'exemplary',
        body: 'Gương mẫu chấp hành quy định nơi cư trú, tích cực tham gia hoạt động khu dân cư.',
      }),
    )
    expect(page).toContain('Đã nhận xét đủ các đảng viên năm nay')
    expect(await text(await working.get('/notifications'))).toContain('Nguyễn Thị Hồng Nhung')
  })
})

describe('the card on the member profile', () => {
  const card = (agent: Agent) => agent.get(`/residents/members/${memberId}`, { htmx: true })

  it('the member, her working cell and the residence cell each see it with the comment', async () => {
    for (const agent of [member, working, residence]) {
      const res = await card(agent)
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toMatch(/^<section class="card"/)
      expect(html).toContain('Chi bộ khu phố 1')
      expect(html).toContain('Đã được xác nhận')
      expect(html).toContain('Gương mẫu')
    }
    expect(await text(await card(residence))).toContain('Viết nhận xét')
    expect(await text(await card(member))).not.toContain('Viết nhận xét')
  })

  it("the working cell's evaluation step asks for one year's comment", async () => {
    const year = thisYear()
    expect(await text(await working.get(`/residents/members/${memberId}?year=${year}`, { htmx: true }))).toContain('Gương mẫu')
    const before = await text(await working.get(`/residents/members/${memberId}?year=${year - 1}`, { htmx: true }))
    expect(before).not.toContain('Gương mẫu')
    expect(before).toContain(`cho năm ${year - 1}`)
  })

  it('an outsider gets an empty fragment (htmx removes the slot), and a 404 page without htmx', async () => {
    const res = await card(outsider)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
    expect((await outsider.get(`/residents/members/${memberId}`)).status).toBe(404)
  })

  it('a working secretary sees "not registered" for a member without a registration', async () => {
    const other = await t.runtime.data.asSystem('test: another member of the cell', async (tx) => {
      const [row] = await tx.query<{ id: string }>(`select id from public.members where org_path = 'ns.tp1.g1.c1' and id <> $1 limit 1`, [memberId])
      return row.id
    })
    const html = await text(await working.get(`/residents/members/${other}`, { htmx: true }))
    expect(html).toContain('Chưa đăng ký sinh hoạt nơi cư trú')
    expect(html).toContain(`/residents/register?member_id=${other}`)
  })
})

describe('the working cell', () => {
  it("lists its members: where each resides, confirmed, this year's comment", async () => {
    const page = await text(await working.get(`/residents/working/${workingCell}`))
    expect(page).toContain('Nguyễn Thị Hồng Nhung')
    expect(page).toContain('Đã được xác nhận')
    expect(page).toContain('Gương mẫu')
  })

  it('a secretary does not exempt himself/herself from registering (the page is not offered, the post changes nothing)', async () => {
    const own = await memberIdOf(t, LOGINS.cellSecretary)
    const list = await text(await working.get(`/residents/working/${workingCell}`))
    expect(list).toContain(`/residents/register?member_id=${own}`)
    expect(list).not.toContain(`/residents/exempt?member_id=${own}`)
    expect((await working.get(`/residents/exempt?member_id=${own}`)).status).toBe(404)
    expect((await working.post('/residents/exempt', { member_id: own, exemption: 'army', note: 'Tự miễn' })).status).toBe(404)
    const [{ n }] = await t.runtime.data.asSystem('test: the exemptions', (tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.resident_registrations where member_id = $1`, [own]),
    )
    expect(n).toBe(0)
  })

  it('records an exemption (a full-time student) for another member', async () => {
    const other = await t.runtime.data.asSystem('test: another member of the cell', async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `select id from public.members where org_path = 'ns.tp1.g1.c1' and id <> $1 and id not in (select member_id from public.org_roles) order by full_name limit 1`,
        [memberId],
      )
      return row.id
    })
    const bad = await working.post('/residents/exempt', { member_id: other, exemption: '', note: 'Đại học Bách khoa' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('value="Đại học Bách khoa"')
    const page = await text(await working.submit('/residents/exempt', { member_id: other, exemption: 'student', note: 'Đại học Bách khoa' }))
    expect(page).toContain('Đã ghi nhận trường hợp miễn đăng ký')
    expect(page).toContain('Học sinh, sinh viên học tập trung')
    // the studies end: the working cell ends the exemption from its list, and lands back on it
    const exemption = await t.runtime.data.asSystem('test: the exemption', async (tx) => {
      const [row] = await tx.query<{ id: string }>(`select id from public.resident_registrations where member_id = $1 and status = 'exempt'`, [other])
      return row.id
    })
    const back = `/residents/working/${workingCell}`
    const ended = await working.post(`/residents/registrations/${exemption}/end`, { reason: 'Tốt nghiệp', back })
    expect(ended.headers.get('Location')).toBe(`${back}?done=ended`)
    const outside = await working.post(`/residents/registrations/${exemption}/end`, { back: 'https://example.com/x' })
    expect(outside.headers.get('Location')).toBe('/residents?done=notPending')
  })

  it('a city staff member, managing hundreds of cells, filters them by name', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const all = await text(await staff.get('/residents'))
    expect(all).toContain('Chỉ hiện 20 chi bộ đầu tiên')
    const ward = await text(await staff.get(`/residents?cell=${encodeURIComponent('khu pho 2 minh khai')}`))
    expect(ward).toContain(`/residents/working/${await orgIdByPath(t, 'ns.tp1.g1.c2')}`)
    expect(ward).not.toContain(`/residents/working/${workingCell}`)
  })

  it('the landing page leads a secretary to both lists of the cell', async () => {
    const page = await text(await working.get('/residents'))
    expect(page).toContain(`/residents/working/${workingCell}`)
    expect(page).toContain(`/residents/cells/${workingCell}`)
    expect(await text(await working.get(`/residents/cells/${workingCell}`))).toContain('Chưa có đảng viên nào sinh hoạt nơi cư trú tại chi bộ')
  })
})

describe('a member who left yesterday', () => {
  it('sees no card, and no longer counts among the residents', async () => {
    const yesterday = new Date(Date.now() + 7 * 3600_000 - 86_400_000).toISOString().slice(0, 10)
    await t.runtime.data.asSystem('test: the member left', (tx) => tx.query(`update public.members set left_on = $2 where id = $1`, [memberId, yesterday]))
    try {
      // her session ends with her membership (kernel); whatever answers, it shows nothing
      const res = await member.get(`/residents/members/${memberId}`, { htmx: true })
      expect([200, 204]).toContain(res.status)
      expect(await res.text()).toBe('')
      expect(await text(await residence.get(`/residents/cells/${residenceCell}`))).not.toContain('Nguyễn Thị Hồng Nhung')
      expect((await residence.get(`/residents/registrations/${registrationId}/comment`)).status).toBe(404)
    } finally {
      await t.runtime.data.asSystem('test: the member is back', (tx) => tx.query(`update public.members set left_on = null where id = $1`, [memberId]))
    }
  })

  it('the member ends her registration when she moves; the residence cell no longer lists her', async () => {
    member = await t.signIn(LOGINS.member)
    const page = await text(await member.submit(`/residents/registrations/${registrationId}/end`, { reason: 'Chuyển nơi ở' }))
    expect(page).toContain('Đã kết thúc sinh hoạt nơi cư trú')
    expect(await text(await residence.get(`/residents/cells/${residenceCell}`))).not.toContain('Nguyễn Thị Hồng Nhung')
    expect(await text(await member.get(`/residents/members/${memberId}`, { htmx: true }))).toContain('Đã kết thúc')
  })
})

describe('the lists are paginated', () => {
  it('a residence cell with 21 residents shows them 20 to a page, the pager swapping the rows alone', async () => {
    await t.runtime.data.asSystem('test: 21 residents from other cells', (tx) =>
      tx.query(
        `insert into public.resident_registrations (member_id, org_id, status, started_on)
         select m.id, $1, 'confirmed', app.today() from public.members m
          where m.org_id <> $1 and m.left_on is null and m.deceased_on is null
            and not exists (select 1 from public.resident_registrations r where r.member_id = m.id and r.status in ('pending', 'confirmed', 'exempt'))
          order by m.id limit 21`,
        [residenceCell],
      ),
    )
    const first = await text(await residence.get(`/residents/cells/${residenceCell}`))
    expect(first).toContain('Trang 1/2')
    expect(first.match(/<li class="card">/g)).toHaveLength(20)
    const second = await text(await residence.get(`/residents/cells/${residenceCell}?view=residing&page=2`, { htmx: true }))
    expect(second).toMatch(/^<div id="resident-rows">/)
    expect(second).toContain('Trang 2/2')
    expect(second.match(/<li class="card">/g)).toHaveLength(1)
  })
})
