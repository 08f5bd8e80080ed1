import { Hono } from 'hono'
import { sessionOf, type AppEnv } from '../../kernel/http/context.ts'
import { tableDownload } from '../../kernel/files/table-download.ts'
import { today } from '../../kernel/http/validation.ts'
import { listQuery } from './members.forms.ts'
import * as q from './members.queries.ts'

const HEADER = [
  'Họ và tên',
  'Ngày sinh',
  'Giới tính',
  'Dân tộc',
  'Tôn giáo',
  'Quê quán',
  'Điện thoại',
  'Số thẻ đảng viên',
  'Số CCCD',
  'Ngày vào Đảng',
  'Ngày chính thức',
  'Tình trạng',
  'Miễn sinh hoạt',
  'Trình độ học vấn',
  'Lý luận chính trị',
  'Nghề nghiệp',
  'Chức vụ',
  'Chi bộ',
  'Đảng bộ cơ sở',
  'Mã tổ chức',
]

function cell(key: string, value: unknown): unknown {
  if (value === null || value === undefined) return ''
  if (key === 'gender') return value === 'male' ? 'Nam' : 'Nữ'
  if (key === 'status') return value === 'official' ? 'Chính thức' : 'Dự bị'
  if (key === 'exempt') return value ? 'Có' : ''
  if (/_on$|_date$/.test(key)) {
    const [y, m, d] = String(value).split('-')
    return `${d}/${m}/${y}`
  }
  return value
}

/** Exports what the list shows (same filters, same RLS); every export is audited. */
export const memberExport = new Hono<AppEnv>()

memberExport.get('/:file{export\\.(csv|xlsx)}', async (c) => {
  const format = c.req.param('file').endsWith('.csv') ? 'csv' : 'xlsx'
  const { page: _page, ...filter } = listQuery.parse(c.req.query())
  const rows = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const rows = await q.exportMembers(tx, filter)
    await q.recordExport(tx, format, rows.length, filter)
    return rows
  })
  const table = rows.map((r) => q.EXPORT_COLUMNS.map((k) => cell(k, r[k])))
  return tableDownload(c, { format, name: `dang-vien-${today()}`, sheet: 'Đảng viên' }, HEADER, table)
})
