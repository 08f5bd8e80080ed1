import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inDays, LOGINS, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/*
 * "Chuẩn hóa dữ liệu": each check is tripped by one record and not by a clean one; counts add up
 * the tree; a cell secretary's report holds his/her cell only, and nobody opens another subtree's.
 */
let t: TestApp
let cellA: string
let cellB: string
let ward: string

// dates written in are birth dates and admissions long past (before 2025), valid on any day
const CLEAN = { phone: '0986000001', birth: '1970-03-04', card: '61000001', admitted: '1995-05-06', official: '1996-05-06' }
const PEOPLE: {
  name: string
  cell: 'A' | 'B'
  phone?: string | null
  birth?: string | null
  card?: string | null
  admitted?: string | null
  official?: string | null
}[] = [
  { name: 'Hồ Sơ Đầy Đủ', cell: 'A' },
  { name: 'Thiếu Điện Thoại', cell: 'A', phone: null },
  { name: 'Thiếu Ngày Sinh', cell: 'A', birth: null },
  { name: 'Thiếu Số Thẻ', cell: 'A', card: null },
  { name: 'Thiếu Ngày Vào', cell: 'A', admitted: null, official: null },
  { name: 'Thẻ Có Dấu Chấm', cell: 'A', card: '61.000.777' },
  { name: 'Thẻ Không Dấu', cell: 'B', card: '61000777' },
  { name: 'Trùng Người', cell: 'A', birth: '1961-01-01' },
  { name: 'trùng người', cell: 'B', birth: '1961-01-01' },
  { name: 'Sinh Sau Hôm Nay', cell: 'A', birth: inDays(30) },
  { name: 'Vào Đảng Sớm', cell: 'A', birth: '1990-01-01', admitted: '2005-01-01', official: '2006-01-01' },
  { name: 'Chung Máy Một', cell: 'A', phone: '0986999999' },
  { name: 'Chung Máy Hai', cell: 'A', phone: '0986999999' },
]

beforeAll(async () => {
  t = await testApp({ members: 60 })
  ward = await orgIdByPath(t, 'ns.tp1.g1')
  ;[cellA, cellB] = await t.runtime.data.asSystem('test: two new cells of the ward, and their members', async (tx) => {
    const ids: string[] = []
    for (const name of ['Chi bộ kiểm tra dữ liệu A', 'Chi bộ kiểm tra dữ liệu B']) {
      const [row] = await tx.query<{ id: string }>(`insert into public.organizations (parent_id, code, name, kind) values ($1, $2, $3, 'cell') returning id`, [
        ward,
        `kt_${ids.length}_${crypto.randomUUID().slice(0, 4)}`,
        name,
      ])
      ids.push(row.id)
    }
    let n = 0
    for (const p of PEOPLE) {
      n++
      const v = { ...CLEAN, phone: `09860001${String(n).padStart(2, '0')}`, card: `6100010${String(n).padStart(2, '0')}`, ...p }
      await tx.query(
        `insert into public.members (org_id, full_name, phone, birth_date, card_number, admitted_on, official_on, status)
         values ($1, $2, $3, $4, $5, $6, $7, case when $7::date is null then 'probationary' else 'official' end)`,
        [p.cell === 'A' ? ids[0] : ids[1], p.name, v.phone, v.birth, v.card, v.admitted, v.official],
      )
    }
    return ids
  })
})
afterAll(() => t?.close())

const problemsOf = (html: string, name: string) =>
  new RegExp(`>${name}</a></th><td data-label="Chi bộ">[^<]*</td><td data-label="Vấn đề">([^<]*)<`).exec(html)?.[1]

describe('data quality of member records', () => {
  it('each check is tripped by the record made for it and by no clean one', async () => {
    const secretary = await t.signIn(LOGINS.grassroots)
    const res = await secretary.get(`/members/quality?org=${cellA}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(problemsOf(html, 'Hồ Sơ Đầy Đủ')).toBeUndefined()
    expect(problemsOf(html, 'Thiếu Điện Thoại')).toBe('Thiếu số điện thoại')
    expect(problemsOf(html, 'Thiếu Ngày Sinh')).toBe('Thiếu ngày sinh')
    expect(problemsOf(html, 'Thiếu Số Thẻ')).toBe('Thiếu số thẻ')
    expect(problemsOf(html, 'Thiếu Ngày Vào')).toBe('Thiếu ngày vào Đảng')
    // the duplicates' other halves are in cell B: still found from cell A's page
    expect(problemsOf(html, 'Thẻ Có Dấu Chấm')).toBe('Trùng số thẻ')
    expect(problemsOf(html, 'Trùng Người')).toBe('Có thể trùng người')
    const born = inDays(30).split('-').reverse().join('/')
    expect(problemsOf(html, 'Sinh Sau Hôm Nay')).toBe(`Ngày không hợp lý: ngày sinh ${born} sau hôm nay`)
    expect(problemsOf(html, 'Vào Đảng Sớm')).toBe('Ngày không hợp lý: vào Đảng 01/01/2005 khi chưa đủ 18 tuổi (sinh 01/01/1990)')
    expect(problemsOf(html, 'Chung Máy Một')).toBe('Dùng chung số điện thoại')
    expect(problemsOf(html, 'Chung Máy Hai')).toBe('Dùng chung số điện thoại')
  })

  it('counts add up the tree: the ward’s row for each new cell, and the list of one check', async () => {
    const secretary = await t.signIn(LOGINS.grassroots)
    const html = await (await secretary.get(`/members/quality?org=${ward}`)).text()
    const row = (id: string) => new RegExp(`href="/members/quality\\?org=${id}">[^<]*</a>.*?</tr>`, 's').exec(html)?.[0] ?? ''
    const count = (r: string, label: string) => Number(new RegExp(`data-label="${label}">(?:<a [^>]*>)?(\\d+)`).exec(r)?.[1])
    expect(count(row(cellA), 'Đảng viên')).toBe(11)
    expect(count(row(cellA), 'Có vấn đề')).toBe(10)
    expect(count(row(cellB), 'Trùng số thẻ')).toBe(1)
    expect(count(row(cellB), 'Có thể trùng người')).toBe(1)
    const shared = await (await secretary.get(`/members/quality?org=${ward}&check=shared_phone`)).text()
    expect(shared).toContain('Chung Máy Một')
    expect(shared).not.toContain('Thiếu Ngày Sinh')
  })

  it('a cell secretary’s report holds his/her cell only; another subtree’s is a 404, like a missing one', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const own = await (await secretary.get('/members/quality')).text()
    expect(own).toContain('Chuẩn hóa dữ liệu: Chi bộ khu phố 1')
    expect(own).not.toContain('Thiếu Điện Thoại')
    expect((await secretary.get(`/members/quality?org=${cellA}`)).status).toBe(404)
    expect((await secretary.get(`/members/quality?org=${ward}`)).status).toBe(404)
    expect((await secretary.get('/members/quality?org=not-a-uuid')).status).toBe(404)
    const member = await t.signIn(LOGINS.member)
    expect((await member.get('/members/quality')).status).toBe(404)
  })
})
