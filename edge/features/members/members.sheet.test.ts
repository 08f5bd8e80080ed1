import { describe, expect, it } from 'vitest'
import { excelNumberText } from '../../kernel/files/spreadsheet.ts'
import { checkSheet, organizationFinder, type PlaceableOrg } from './members.sheet.ts'

/* How a member list is read, without a database: where its organizations are, its header, its numbers. */
const org = (id: string, name: string, ...above: [string, string?][]): PlaceableOrg => ({
  id,
  name,
  parent_name: above[0]?.[0] ?? null,
  ancestors: above.map(([n, code]) => ({ name: n, code: code ?? null })),
})
const ORGS = [
  org('a1', 'Chi bộ tổ dân phố số 1', ['Đảng bộ phường Lê Chân', 'LC'], ['Đảng bộ thành phố Hải Phòng']),
  org('b1', 'Chi bộ tổ dân phố số 1', ['Đảng bộ phường Ngô Quyền'], ['Đảng bộ thành phố Hải Phòng']),
  org('c1', 'Chi bộ tổ dân phố số 1', ['Đảng bộ phường Lê Chân'], ['Đảng bộ thành phố Bắc Hà']),
  org('s1', 'Chi bộ Trường THCS Lê Lợi', ['Đảng bộ thành phố Hải Phòng']),
]
const find = organizationFinder(ORGS)

describe('placing a row in its organization', () => {
  it('a name found in several wards is refused, naming them, until its committees are given', () => {
    const alone = find({ name: 'Chi bộ tổ dân phố số 1' })
    expect('error' in alone && alone.error).toContain('có ở nhiều nơi')
    expect('error' in alone && alone.error).toContain('Đảng bộ phường Ngô Quyền › Chi bộ tổ dân phố số 1')
    expect(find({ name: 'Chi bộ tổ dân phố số 1', parent: 'Đảng bộ phường Ngô Quyền' })).toEqual({ id: 'b1' })
  })

  it('the ward named the same in two cities needs the city too, in its own column or in the cell', () => {
    expect('error' in find({ name: 'Chi bộ tổ dân phố số 1', parent: 'Đảng bộ phường Lê Chân' })).toBe(true)
    expect(find({ name: 'Chi bộ tổ dân phố số 1', parent: 'Đảng bộ phường Lê Chân', commune: 'Đảng bộ thành phố Bắc Hà' })).toEqual({ id: 'c1' })
    expect(find({ name: 'Đảng bộ thành phố Hải Phòng › Đảng bộ phường Lê Chân › Chi bộ tổ dân phố số 1' })).toEqual({ id: 'a1' })
  })

  it('a committee is known by its code, or by its name as offices shorten it', () => {
    expect(find({ name: 'Chi bộ tổ dân phố số 1', parent: 'LC' })).toEqual({ id: 'a1' })
    expect(find({ name: 'Chi bộ tổ dân phố số 1', parent: 'Phường Ngô Quyền' })).toEqual({ id: 'b1' })
    expect(find({ name: 'Chi bộ tổ dân phố số 1', parent: 'Đảng ủy phường Ngô Quyền' })).toEqual({ id: 'b1' })
  })

  it('an empty cell column with the committee column names that organization (a grassroots cell); a wrong ward says so', () => {
    expect(find({ parent: 'Chi bộ Trường THCS Lê Lợi', commune: 'Đảng bộ thành phố Hải Phòng' })).toEqual({ id: 's1' })
    const wrong = find({ name: 'Chi bộ tổ dân phố số 1', parent: 'Đảng bộ phường Cát Bi' })
    expect('error' in wrong && wrong.error).toBe('Không tìm thấy "Chi bộ tổ dân phố số 1" thuộc "Đảng bộ phường Cát Bi" trong phạm vi bạn quản lý.')
  })
})

describe('reading what offices typed', () => {
  const sheet = (rows: string[][]) => checkSheet([{ name: 'Trang 1', rows }], false)

  it('finds the header below a title block and blank rows, and numbers the rows as the office sees them', () => {
    const read = sheet([
      ['ĐẢNG BỘ PHƯỜNG LÊ CHÂN', '', ''],
      ['DANH SÁCH ĐẢNG VIÊN'],
      [],
      ['STT', 'Họ và tên', 'Ngày sinh'],
      ['1', 'Trần Thị Mai', '5/9/1962'],
      [],
      ['2', 'Lê Văn Hùng', '12.03.1958'],
    ])
    expect(read.fileErrors).toEqual([])
    expect(read.reading.headerLine).toBe(4)
    expect(read.reading.skipped.map((s) => s.line)).toEqual([1, 2])
    expect(read.rows.map((r) => [r.line, r.values.birth_date])).toEqual([
      [5, '1962-09-05'],
      [7, '1958-03-12'],
    ])
  })

  it('without a header in the first rows, says which columns are missing', () => {
    expect(sheet([['Danh sách'], ['Trần Thị Mai', '05/09/1962']]).fileErrors).toContain('Thiếu cột "Họ và tên" ở dòng tiêu đề.')
  })

  it('puts back the zeros Excel dropped from phones and citizen numbers, and says how many', () => {
    const read = sheet([
      ['Họ và tên', 'Ngày sinh', 'Số điện thoại', 'Số CCCD'],
      ['Trần Thị Mai', '05/09/1962', '912345678', '1234567890'],
      ['Lê Văn Hùng', '12/03/1958', '0912345679', '031234567890'],
    ])
    expect(read.rows.map((r) => [r.values.phone, r.values.citizen_id])).toEqual([
      ['0912345678', '001234567890'],
      ['0912345679', '031234567890'],
    ])
    expect(read.reading.columns.find((c) => c.header === 'Số điện thoại')?.notes).toEqual(['1 số thêm lại số 0 ở đầu (Excel lưu số điện thoại dạng số)'])
  })

  it('reads long numbers some writers store in scientific notation', () => {
    expect(excelNumberText('3.1234567789E+10')).toBe('31234567789')
    expect(excelNumberText('912345678.0')).toBe('912345678')
    expect(excelNumberText('Nguyễn')).toBe('Nguyễn')
  })
})
