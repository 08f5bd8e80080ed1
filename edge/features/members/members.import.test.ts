import { strToU8, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeXlsx } from '../../kernel/files/xlsx.ts'
import * as hostile from '../../kernel/files/hostile.fixtures.ts'
import { LOGINS, orgIdByPath, testApp, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let secretary: Agent
let cellId: string

beforeAll(async () => {
  t = await testApp({ members: 100 })
  secretary = await t.signIn(LOGINS.cellSecretary)
  cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
})
afterAll(() => t?.close())

function upload(content: BlobPart, name: string, orgId = cellId) {
  const form = new FormData()
  form.set('org_id', orgId)
  form.set('file', new File([content], name))
  return secretary.post('/members/import', form)
}

const count = (name: string) =>
  t.runtime.data.asSystem(
    'test: count by name',
    async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.members where full_name = $1`, [name]))[0].n,
  )

describe('CSV import', () => {
  it('previews with a per-row report, then commits only the valid rows in one go', async () => {
    const csv = [
      'Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Điện thoại,Ngày vào Đảng,Ghi chú',
      'Bùi Văn Nhập,12/05/1975,Nam,77000001,0911000001,03/02/2000,x',
      'Bùi Thị Lỗi,31/02/1980,Nữ,77000002,,,',
      '"Bùi Văn, Phẩy",01/01/1960,nam,77000003,,,',
      'Bùi Văn Nhập,12/05/1975,Nam,,,,',
    ].join('\n')
    const res = await upload(csv, 'danh-sach.csv')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('4 dòng: <strong>2 hợp lệ</strong>')
    expect(html).toMatch(/<td data-label="Dòng">3<\/td><td>Bùi Thị Lỗi<\/td><td data-label="Lỗi">Ngày sinh: ngày không hợp lệ/)
    expect(html).toMatch(/<td data-label="Dòng">5<\/td>.*Trùng với dòng 2 trong tệp/)
    expect(html).toContain('Các cột không dùng: Ghi chú.')
    expect(await count('Bùi Văn Nhập')).toBe(0)

    const commitUrl = /action="(\/members\/import\/[0-9a-f-]+\/commit)"/.exec(html)![1]
    const committed = await secretary.post(commitUrl, {})
    expect(await committed.text()).toContain('Đã nhập 2 đảng viên.')
    expect(await count('Bùi Văn Nhập')).toBe(1)
    expect(await count('Bùi Văn, Phẩy')).toBe(1)
    const again = await secretary.post(commitUrl, {})
    expect(await again.text()).toContain('đã được nhập trước đó')
    expect(await count('Bùi Văn Nhập')).toBe(1)
  })

  it('keeps no staged personal data: a commit empties the staged rows, and a staged file expires after a day', async () => {
    const staged = (id: string) =>
      t.runtime.data.asSystem(
        'test: read a staged import',
        async (tx) => (await tx.query<{ rows: unknown[] }>(`select rows from public.member_imports where id = $1`, [id]))[0],
      )
    const csv = 'Họ và tên,Ngày sinh,Giới tính,Số CCCD\nLâm Văn Tạm,01/01/1970,Nam,001070999888\n'
    const first = /import\/([0-9a-f-]+)\/commit/.exec(await (await upload(csv, 'tam.csv')).text())![1]
    expect((await staged(first)).rows).toHaveLength(1)
    await secretary.post(`/members/import/${first}/commit`, {})
    expect((await staged(first)).rows).toEqual([])
    const second = /import\/([0-9a-f-]+)\/commit/.exec(await (await upload(csv.replace('Tạm', 'Cũ').replace('999888', '999777'), 'cu.csv')).text())![1]
    await t.runtime.data.asSystem('test: a staged import from two days ago', (tx) =>
      tx.query(`update public.member_imports set created_at = now() - interval '2 days' where id = $1`, [second]),
    )
    expect((await secretary.post(`/members/import/${second}/commit`, {})).status).toBe(404)
    await upload(csv.replace('Tạm', 'Mới').replace('999888', '999666'), 'moi.csv')
    expect(await staged(second)).toBeUndefined()
  })

  it('places rows by the organization as an office names it: a unique name, or "cấp trên › tên" when the name is used in several places', async () => {
    const staff = await t.signIn(LOGINS.staff)
    const ward = await t.runtime.data.asSystem(
      'test: the demo ward',
      async (tx) => (await tx.query<{ name: string }>(`select name from public.organizations where path = 'ns.tp1.g1'`))[0].name,
    )
    const csv = [
      'Họ và tên,Ngày sinh,Giới tính,Tổ chức đảng',
      `Mạc Văn Rõ,01/02/1970,Nam,${ward} › Chi bộ khu phố 1`,
      'Mạc Thị Mơ,03/04/1972,Nữ,Chi bộ khu phố 1',
      'Mạc Văn Lạ,05/06/1974,Nam,Chi bộ không có thật',
    ].join('\n')
    const form = new FormData()
    form.set('file', new File([csv], 'theo-ten.csv'))
    const html = await (await staff.post('/members/import', form)).text()
    expect(html).toContain('3 dòng: <strong>1 hợp lệ</strong>')
    expect(html).toMatch(/Mạc Thị Mơ.*có ở nhiều nơi \(.*› Chi bộ khu phố 1.*ghi &quot;cấp trên › tên&quot;/s)
    expect(html).toMatch(/Mạc Văn Lạ.*Không tìm thấy tổ chức &quot;Chi bộ không có thật&quot;/s)
    await staff.post(/action="(\/members\/import\/[0-9a-f-]+\/commit)"/.exec(html)![1], {})
    const [placed] = await t.runtime.data.asSystem('test: where the row went', (tx) =>
      tx.query<{ path: string }>(
        `select o.path::text as path from public.members m join public.organizations o on o.id = m.org_id where m.full_name = 'Mạc Văn Rõ'`,
      ),
    )
    expect(placed.path).toBe('ns.tp1.g1.c1')
    // the committee's own code for the cell places a row too
    await t.runtime.data.asSystem('test: give the cell a code', (tx) =>
      tx.query(`update public.organizations set short_code = 'MK-KP1' where path = 'ns.tp1.g1.c1'`),
    )
    const coded = new FormData()
    coded.set('file', new File(['Họ và tên,Ngày sinh,Giới tính,Tổ chức đảng\nMạc Văn Mã,07/08/1976,Nam,mk-kp1\n'], 'theo-ma.csv'))
    expect(await (await staff.post('/members/import', coded)).text()).toContain('1 dòng: <strong>1 hợp lệ</strong>')
  })

  it('a phone shared in a family is imported and noted, in the file and against stored records; never an error', async () => {
    const csv = [
      'Họ và tên,Ngày sinh,Giới tính,Điện thoại',
      'Lưu Văn Chồng,01/02/1960,Nam,0912333444',
      'Lưu Thị Vợ,03/04/1962,Nữ,0912333444',
      `Lưu Văn Con,05/06/1990,Nam,${LOGINS.member}`,
    ].join('\n')
    const html = await (await upload(csv, 'gia-dinh.csv')).text()
    expect(html).toContain('3 dòng: <strong>3 hợp lệ</strong>')
    const notes = /<table class="stack" id="import-notes">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? ''
    expect(notes).toMatch(/Lưu Thị Vợ.*Dùng chung số điện thoại với dòng 2/s)
    expect(notes).toMatch(/Lưu Văn Con.*Dùng chung số điện thoại với hồ sơ đã có/s)
    expect(notes).not.toContain('Lưu Văn Chồng')
  })

  it('"Đã đăng ký" brings registration over from an earlier system: x from the import, a date from that date, blank not registered', async () => {
    const csv = [
      'Họ và tên,Ngày sinh,Số thẻ đảng viên,Đã đăng ký',
      'Mạc Văn Cũ,01/02/1960,77100001,x',
      'Mạc Thị Ngày,01/02/1961,77100002,15/03/2024',
      'Mạc Văn Chưa,01/02/1962,77100003,',
      'Mạc Văn Sai,01/02/1963,77100004,có lẽ',
      'Mạc Văn Sau,01/02/1964,77100005,01/01/2999',
    ].join('\n')
    const html = await (await upload(csv, 'he-thong-cu.csv')).text()
    expect(html).toContain('5 dòng: <strong>3 hợp lệ</strong>')
    expect(html.match(/Đã đăng ký: ghi “x”/g)).toHaveLength(2)
    await secretary.post(/action="(\/members\/import\/[0-9a-f-]+\/commit)"/.exec(html)![1], {})
    const rows = await t.runtime.data.asSystem('test: registration of imported rows', (tx) =>
      tx.query<{ full_name: string; day: string | null }>(
        `select full_name, to_char(registered_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as day from public.members where card_number like '771000%' order by full_name`,
      ),
    )
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
    expect(rows).toEqual([
      { full_name: 'Mạc Thị Ngày', day: '2024-03-15' },
      { full_name: 'Mạc Văn Chưa', day: null },
      { full_name: 'Mạc Văn Cũ', day: today },
    ])
  })

  it('flags rows that duplicate a stored record by card number, citizen id, or name and birth date', async () => {
    const csv = 'Họ và tên;Ngày sinh;Số thẻ\nBùi Văn Nhập;12/05/1975;\nKhác Tên;01/01/1970;77000001\n'
    const html = await (await upload(csv, 'trung.csv')).text()
    expect(html).toContain('Đã có trong hệ thống (cùng họ tên và ngày sinh)')
    expect(html).toContain('Đã có trong hệ thống (số thẻ 77000001)')
    expect(html).toContain('<strong>0 hợp lệ</strong>')
  })

  it('reports broken quoting with its line number and stores nothing', async () => {
    const res = await upload('Họ và tên,Ngày sinh\n"Đặng Văn Hỏng,01/01/1970\n', 'hong.csv')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Dòng 2: dấu ngoặc kép mở nhưng không đóng.')
  })

  it('reports missing required columns', async () => {
    const res = await upload('Tên đệm,Địa chỉ\nA,B\n', 'sai-cot.csv')
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Thiếu cột &quot;Họ và tên&quot;')
    expect(html).toContain('Thiếu cột &quot;Ngày sinh&quot;')
  })

  it('refuses a file that is not UTF-8 text', async () => {
    const res = await upload(new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x00, 0x42]), 'utf16.csv')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('CSV UTF-8')
  })

  it('places rows by the "Mã tổ chức" column, refusing organizations outside the scope', async () => {
    const csv = 'Họ và tên,Ngày sinh,Mã tổ chức\nLý Văn Đúng,01/01/1971,ns.tp1.g1.c1\nLý Văn Sai,01/01/1972,ns.tp1.g2.c1\n'
    const html = await (await upload(csv, 'ma.csv')).text()
    expect(html).toContain('Mã tổ chức &quot;ns.tp1.g2.c1&quot; không có hoặc ngoài phạm vi bạn quản lý.')
    expect(html).toContain('<strong>1 hợp lệ</strong>')
  })
})

describe('XLSX import', () => {
  it('reads the first sheet, including Excel date serials', async () => {
    const sheet = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
      <row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c><c r="B1" t="inlineStr"><is><t>Ngày sinh</t></is></c></row>
      <row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>27000</v></c></row></sheetData></worksheet>`
    const zip = zipSync({
      '[Content_Types].xml': strToU8('<Types/>'),
      'xl/workbook.xml': strToU8('<workbook><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>'),
      'xl/_rels/workbook.xml.rels': strToU8('<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'),
      'xl/worksheets/sheet1.xml': strToU8(sheet),
      'xl/sharedStrings.xml': strToU8('<sst><si><t>Tạ Thị Excel</t></si></sst>'),
    })
    const html = await (await upload(zip, 'excel.xlsx')).text()
    expect(html).toContain('1 dòng: <strong>1 hợp lệ</strong>')
    const commit = /action="(\/members\/import\/[0-9a-f-]+\/commit)"/.exec(html)![1]
    await secretary.post(commit, {})
    const birth = await t.runtime.data.asSystem(
      'test: read birth date',
      async (tx) => (await tx.query<{ birth_date: string }>(`select birth_date from public.members where full_name = 'Tạ Thị Excel'`))[0].birth_date,
    )
    expect(birth).toBe('1973-12-02')
  })

  it('round-trips our own export format', async () => {
    const bytes = writeXlsx('Đảng viên', ['Họ và tên', 'Ngày sinh', 'Giới tính'], [['Mai Văn Vòng', '05/06/1977', 'Nam']])
    const html = await (await upload(bytes as Uint8Array<ArrayBuffer>, 'vong.xlsx')).text()
    expect(html).toContain('<strong>1 hợp lệ</strong>')
  })

  it('refuses a non-spreadsheet uploaded as .xlsx, and a broken zip', async () => {
    const png = await upload(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'anh.xlsx')
    expect(png.status).toBe(400)
    expect(await png.text()).toContain('không phải là bảng tính Excel hợp lệ')
    const broken = await upload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), 'hong.xlsx')
    expect(broken.status).toBe(400)
    expect(await broken.text()).toContain('không phải là bảng tính Excel (.xlsx) hợp lệ')
  })
})

describe('hostile spreadsheets are refused with a message, not a frozen server', () => {
  const refused = async (bytes: Uint8Array, message: string) => {
    const res = await upload(bytes as Uint8Array<ArrayBuffer>, 'doc.xlsx')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain(message)
  }

  it('a cell named ZZZZZZ2 (issue 8: 104 s and 2.7 GB before)', () => refused(hostile.farColumnXlsx(), 'Tệp Excel có quá nhiều cột (tối đa 200).'))

  it('a zip whose headers claim 1 KB for a sheet of 200 MB', () =>
    refused(hostile.lyingXlsx(200_000_000, 1_000), 'Tệp Excel bị hỏng: dữ liệu nén không khớp với kích thước ghi trong tệp.'))

  it('a sheet of 10,000 columns', () => refused(hostile.wideXlsx(10_000), 'Tệp Excel có quá nhiều cột (tối đa 200).'))

  it('a CSV of 10,000 columns', async () => {
    const res = await upload(hostile.wideCsv(10_000), 'rong.csv')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Dòng 1: quá nhiều cột (tối đa 200).')
  })
})

describe('limits', () => {
  it('a 50 MB upload is refused with a clear message, before it is read', async () => {
    const res = await upload(new Uint8Array(50 * 1024 * 1024), 'lon.csv')
    expect(res.status).toBe(413)
    expect(await res.text()).toContain('vượt quá 12 MB')
  })

  it('an ordinary member cannot open the import page', async () => {
    const member = await t.signIn(LOGINS.member)
    expect((await member.get('/members/import')).status).toBe(404)
  })
})
