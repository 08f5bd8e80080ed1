import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, orgIdByPath, testApp, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let cellId: string

const valid = { full_name: 'Nguyễn Văn Thử', birth_date: '1980-02-29', gender: 'male', status: 'probationary' }

beforeAll(async () => {
  t = await testApp({ members: 300 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
})
afterAll(() => t?.close())

describe('member list', () => {
  it('finds a member by an unaccented, lower-case query', async () => {
    const res = await secretary.get('/members?q=nguyen%20thi%20hong%20nhung')
    const html = await res.text()
    expect(html).toContain('Nguyễn Thị Hồng Nhung')
    expect(html).toMatch(/>1 đảng viên/)
  })

  it('finds the same member whatever the Unicode form of the query (NFD)', async () => {
    const res = await secretary.get(`/members?q=${encodeURIComponent('Hồng Nhung'.normalize('NFD'))}`)
    expect(await res.text()).toContain('Nguyễn Thị Hồng Nhung')
  })

  it('an htmx request gets only the rows fragment', async () => {
    const res = await secretary.get('/members?q=nhung', { htmx: true })
    const html = await res.text()
    expect(html.startsWith('<section id="member-rows"')).toBe(true)
    expect(html).not.toContain('<html')
  })

  it('filters by status, gender and age band agree with the data', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const all = await staff.get('/members?status=current')
    const total = Number(/>([\d.]+) đảng viên/.exec(await all.text())![1].replace(/\./g, ''))
    const counts = await Promise.all(
      ['male', 'female'].map(async (g) => Number(/>([\d.]+) đảng viên/.exec(await (await staff.get(`/members?gender=${g}`)).text())![1].replace(/\./g, ''))),
    )
    expect(counts[0] + counts[1]).toBe(total)
    const expected = await t.runtime.data.asSystem('test: count the elderly', async (tx) => {
      const [row] = await tx.query<{ n: number }>(
        `select count(*)::int as n from public.members m join public.organizations o on o.id = m.org_id
          where o.path <@ 'ns.tp1' and m.deceased_on is null and m.left_on is null
            and m.birth_date <= current_date - interval '76 years'`,
      )
      return row.n
    })
    const elderly = await staff.get('/members?age=over75')
    expect(await elderly.text()).toContain(`>${expected.toLocaleString('vi-VN')} đảng viên`)
  })

  it('paginates 50 at a time with links to the next page', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const html = await (await staff.get('/members')).text()
    expect((html.match(/<tr>/g) ?? []).length).toBe(51)
    expect(html).toContain('page=2')
    const second = await (await staff.get('/members?page=2')).text()
    expect(second).toContain('Trang 2/')
  })

  it('malformed query parameters are ignored, not a crash', async () => {
    const res = await secretary.get('/members?page=abc&org=not-a-uuid&status=%3Cscript%3E&age=999')
    expect(res.status).toBe(200)
  })

  it('shows an empty state when nothing matches', async () => {
    const res = await secretary.get('/members?q=zzzzzz')
    expect(await res.text()).toContain('Không có đảng viên nào khớp')
  })
})

describe('create and edit', () => {
  it('creates a member with NFC-normalized text and lands on the profile', async () => {
    const res = await secretary.post('/members', { ...valid, org_id: cellId, full_name: 'Lê Văn Mới'.normalize('NFD') })
    expect(res.status).toBe(303)
    const profile = await secretary.get(res.headers.get('Location')!)
    const html = await profile.text()
    expect(html).toContain('Lê Văn Mới'.normalize('NFC'))
    expect(html).toContain('Tạo hồ sơ')
  })

  it('shows Vietnamese errors beside the fields and keeps the input', async () => {
    const res = await secretary.post('/members', {
      ...valid,
      org_id: cellId,
      full_name: 'Trần Thị Giữ Lại',
      birth_date: '31/02/1990',
      phone: '12345',
      citizen_id: 'abc',
      email: 'not-an-email',
    })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Ngày sinh: ngày không hợp lệ')
    expect(html).toContain('Số điện thoại gồm 10–11 chữ số')
    expect(html).toContain('Số CCCD gồm đúng 12 chữ số.')
    expect(html).toContain('Email không hợp lệ.')
    expect(html).toContain('value="Trần Thị Giữ Lại"')
    expect(html).toContain('value="12345"')
  })

  it('rejects overlong text and script in names without storing anything', async () => {
    const count = () =>
      t.runtime.data.asSystem('test: count members', async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.members`))[0].n)
    const before = await count()
    const long = await secretary.post('/members', { ...valid, org_id: cellId, hometown: 'x'.repeat(11_000) })
    expect(long.status).toBe(400)
    expect(await long.text()).toContain('Quê quán: tối đa 300 ký tự.')
    const script = await secretary.post('/members', { ...valid, org_id: cellId, full_name: '<script>alert(1)</script>' })
    expect(script.status).toBe(400)
    const html = await script.text()
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;')
    expect(await count()).toBe(before)
  })

  it('a duplicate card number is reported on the field', async () => {
    const card = '99887766'
    await secretary.post('/members', { ...valid, org_id: cellId, full_name: 'Phan Văn Một', card_number: card })
    const res = await secretary.post('/members', { ...valid, org_id: cellId, full_name: 'Phan Văn Hai', card_number: card })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Số thẻ đảng viên này đã có trong hệ thống.')
  })

  it('cannot create a member in a cell outside the scope', async () => {
    const other = await orgIdByPath(t, 'ns.tp1.g2.c1')
    const res = await secretary.post('/members', { ...valid, org_id: other })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Chi bộ không thuộc phạm vi bạn quản lý.')
  })

  it('edits a profile, fixing a validation error first, and the change is in the audit trail', async () => {
    const created = await secretary.post('/members', { ...valid, org_id: cellId, full_name: 'Võ Thị Sửa' })
    const url = created.headers.get('Location')!.split('?')[0]
    const bad = await secretary.post(url, { ...valid, org_id: cellId, full_name: 'Võ Thị Sửa', admitted_on: '1970-01-01' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Ngày vào Đảng phải sau ngày sinh ít nhất 16 năm.')
    const good = await secretary.post(url, { ...valid, org_id: cellId, full_name: 'Võ Thị Sửa', admitted_on: '2005-06-01', position: 'Tổ phó' })
    expect(good.status).toBe(303)
    const html = await (await secretary.get(url)).text()
    expect(html).toContain('Tổ phó')
    expect(html).toContain('Sửa hồ sơ')
    // the changed fields by the names the form gives them, not the columns'
    expect(html).toMatch(/Sửa hồ sơ.{0,60}\((Ngày vào Đảng|Chức vụ)/s)
    expect(html).not.toMatch(/\((admitted_on|position)/)
  })

  it('malformed ids answer 404', async () => {
    expect((await secretary.get('/members/not-a-uuid')).status).toBe(404)
    expect((await secretary.post('/members/123/status', { change: 'exempt', reason: 'x' })).status).toBe(404)
  })
})

describe('status changes', () => {
  it('probationary → official, exempt, deceased, each with its date, audited', async () => {
    const created = await secretary.post('/members', { ...valid, org_id: cellId, full_name: 'Đinh Văn Trạng', admitted_on: '2021-01-10' })
    const url = created.headers.get('Location')!.split('?')[0]
    const missingDate = await secretary.post(`${url}/status`, { change: 'official', date: '' })
    expect(missingDate.status).toBe(400)
    expect(await missingDate.text()).toContain('Ngày chính thức: bắt buộc nhập.')
    await secretary.post(`${url}/status`, { change: 'official', date: '2022-01-10' })
    await secretary.post(`${url}/status`, { change: 'exempt', reason: 'Ốm dài ngày' })
    const html = await (await secretary.submit(`${url}/status`, { change: 'deceased', date: '2024-01-02' })).text()
    expect(html).toContain('Chính thức')
    expect(html).toContain('Ốm dài ngày')
    expect(html).toContain('02/01/2024')
    const listed = await (await secretary.get('/members?status=deceased')).text()
    expect(listed).toContain('Đinh Văn Trạng')
  })
})

describe('accounts for members', () => {
  it('a secretary issues a temporary password; the member must change it at first sign-in', async () => {
    const created = await secretary.post('/members', { ...valid, org_id: cellId, full_name: 'Hồ Thị Cao Tuổi', phone: '0987000111' })
    const url = created.headers.get('Location')!.split('?')[0]
    const html = await (await secretary.post(`${url}/login`, {})).text()
    const password = /Mật khẩu tạm: ([a-z0-9]+)/.exec(html)![1]
    const member = t.anonymous()
    const login = await member.post('/login', { login: '0987000111', password })
    expect(login.headers.get('Location')).toBe('/account/password')
    expect((await member.get('/')).headers.get('Location')).toBe('/account/password')
    await member.loadCsrf()
    const changed = await member.post('/account/password', { current: password, password: 'mat-khau-rieng', confirm: 'mat-khau-rieng' })
    expect(changed.status).toBe(200)
    expect((await member.get('/')).status).toBe(200)
  })

  it('a member cannot issue logins', async () => {
    const member = await t.signIn(LOGINS.member)
    const other = await t.runtime.data.asSystem(
      'test: a cell-mate',
      async (tx) => (await tx.query<{ id: string }>(`select id from public.members where org_id = $1 and phone <> $2 limit 1`, [cellId, LOGINS.member]))[0].id,
    )
    expect((await member.post(`/members/${other}/login`, {})).status).toBe(404)
  })
})

describe('export', () => {
  it('exports the visible members as CSV and XLSX, and each export is audited', async () => {
    const csv = await secretary.get('/members/export.csv')
    expect(csv.headers.get('Content-Type')).toContain('text/csv')
    const raw = new Uint8Array(await csv.arrayBuffer())
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(raw)
    expect(text.startsWith('Họ và tên,')).toBe(true)
    expect(text).toContain('Nguyễn Thị Hồng Nhung')
    expect(text).not.toContain('ns.tp1.g2.')
    const xlsx = await secretary.get('/members/export.xlsx')
    const bytes = new Uint8Array(await xlsx.arrayBuffer())
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b])
    const audited = await t.runtime.data.asSystem(
      'test: read the audit log',
      async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.audit_log where action = 'member.export'`))[0].n,
    )
    expect(audited).toBeGreaterThanOrEqual(2)
  })
})
