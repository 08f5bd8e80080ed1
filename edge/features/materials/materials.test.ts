import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { zipSync, strToU8 } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, claimsOf, orgIdByPath, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
const DOCX = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8('<w:document/>') })
const PLAIN_ZIP = zipSync({ 'readme.txt': strToU8('không phải Word') })
const OLD_DOC = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])
const HTML_AS_PDF = new TextEncoder().encode('<html><script>alert(1)</script></html>')

/** "YYYY-MM-DD" and "HH:MM" in Vietnam time, `hours` from now. */
function vietnamTimeIn(hours: number) {
  const iso = new Date(Date.now() + hours * 3600_000 + 7 * 3600_000).toISOString()
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) }
}

/** A plain form post answers 303 to the materials page: read where it leads. */
const follow = async (agent: Agent, res: Response) => (res.status === 303 ? agent.get(res.headers.get('Location')!) : res)

async function upload(agent: Agent, meetingId: string, name: string, bytes: Uint8Array, title = '') {
  const form = new FormData()
  form.set('file', new File([bytes as BlobPart], name))
  form.set('title', title)
  return follow(agent, await agent.post(`/materials/meetings/${meetingId}/files`, form))
}

async function schedule(t: TestApp, secretary: Agent, title: string, hoursAhead: number) {
  const cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
  const res = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title, ...vietnamTimeIn(hoursAhead) })
  return res.headers.get('Location')!.split('?')[0].split('/').pop()!
}

const materialIds = (html: string) => [...html.matchAll(/href="\/materials\/([0-9a-f-]{36})(?:\/file)?"/g)].map((m) => m[1])

describe('meeting materials (files in the database)', () => {
  let t: TestApp
  let secretary: Agent
  let member: Agent
  let meetingId: string

  beforeAll(async () => {
    t = await testApp({ members: 200 })
    secretary = await t.signIn(LOGINS.cellSecretary)
    member = await t.signIn(LOGINS.member)
    meetingId = await schedule(t, secretary, 'Họp có tài liệu', 72)
  })
  afterAll(() => t?.close())

  it('the secretary uploads documents and writes the draft; members see nothing before publishing', async () => {
    const pdf = await (await upload(secretary, meetingId, 'Báo cáo tháng 11.pdf', PDF)).text()
    expect(pdf).toContain('Đã tải tài liệu lên.')
    expect(pdf).toContain('<strong>Báo cáo tháng 11</strong>')
    await upload(secretary, meetingId, 'Kế hoạch.docx', DOCX, 'Kế hoạch tháng 12')
    await secretary.post(`/materials/meetings/${meetingId}/resolution`, {
      kind: 'draft_resolution',
      title: 'Dự thảo nghị quyết tháng 12',
      body: 'Điều 1. Chi bộ quyết tâm…',
    })
    const own = await (await secretary.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()
    expect(materialIds(own)).toHaveLength(3)
    expect(own).toContain('Phát hành 3 tài liệu tới đảng viên')
    const seen = await (await member.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()
    expect(seen).toContain('Chưa có tài liệu được phát hành.')
    for (const id of materialIds(own)) {
      expect((await member.get(`/materials/${id}/file`)).status).toBe(404)
      expect((await member.get(`/materials/${id}`)).status).toBe(404)
    }
  })

  it('refuses what is not a PDF, DOCX or image, whatever its name, and stores nothing', async () => {
    const count = () =>
      t.runtime.data.asSystem('test: stored files', async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.stored_files`))[0].n)
    const before = await count()
    for (const [name, bytes] of [
      ['tai-lieu.pdf', HTML_AS_PDF],
      ['cu.doc', OLD_DOC],
      ['nen.docx', PLAIN_ZIP],
    ] as const) {
      const res = await upload(secretary, meetingId, name, bytes)
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('Chỉ nhận tệp PDF, Word (.docx) hoặc ảnh (PNG, JPEG, WebP).')
    }
    const big = await upload(secretary, meetingId, 'lon.pdf', new Uint8Array(10 * 1024 * 1024 + 1).fill(0x25))
    expect(await big.text()).toContain('Tệp lớn hơn 10 MB.')
    const empty = await upload(secretary, meetingId, 'rong.pdf', new Uint8Array())
    expect(await empty.text()).toContain('Tệp rỗng.')
    const none = new FormData()
    none.set('title', 'Không có tệp')
    expect(await (await secretary.post(`/materials/meetings/${meetingId}/files`, none)).text()).toContain('Hãy chọn một tệp để tải lên.')
    expect(await count()).toBe(before)
  })

  it('publishing shows them to the cell and notifies every member once; files come back byte for byte, sandboxed', async () => {
    const posted = await secretary.post(`/materials/meetings/${meetingId}/publish`, {})
    // a plain form post lands on the materials page: a reload does not 404 nor post again
    expect(posted.status).toBe(303)
    expect(posted.headers.get('Location')).toMatch(new RegExp(`^/materials/meetings/${meetingId}\\?notice=published&n=\\d+`))
    const res = await (await follow(secretary, posted)).text()
    expect(res).toContain('Đã phát hành 3 tài liệu và gửi thông báo tới đảng viên của chi bộ.')
    expect(res).not.toContain('chưa đầy 1 ngày')
    const [{ notified, members }] = await t.runtime.data.asSystem('test: notices of the cell', (tx) =>
      tx.query<{ notified: number; members: number }>(
        `select (select count(*)::int from public.notifications where url = $1 and kind = 'meeting.materials') as notified,
                (select count(*)::int from public.members m join public.meetings mt on mt.org_id = m.org_id
                  where mt.id = $2 and m.deceased_on is null and m.left_on is null) as members`,
        [`/meetings/${meetingId}`, meetingId],
      ),
    )
    expect(notified).toBe(members)
    const seen = await (await member.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()
    const [draftId, pdfId, docxId] = materialIds(seen)
    expect(seen).toContain('phát hành')
    const file = await member.get(`/materials/${pdfId}/file`)
    expect(file.headers.get('Content-Type')).toBe('application/pdf')
    expect(file.headers.get('Content-Security-Policy')).toContain('sandbox')
    expect(file.headers.get('Content-Disposition')).toContain("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2011.pdf")
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF)
    expect((await member.get(`/materials/${docxId}/file`)).headers.get('Content-Disposition')).toMatch(/^attachment;/)
    const draft = await (await member.get(`/materials/${draftId}`)).text()
    expect(draft).toContain('Điều 1. Chi bộ quyết tâm…')
    const inbox = await (await member.get('/notifications')).text()
    expect(inbox).toContain('Tài liệu sinh hoạt: Họp có tài liệu')
    expect((await secretary.post(`/materials/${pdfId}/remove`, {})).status).toBe(404)
  })

  it('warns when materials are published less than a day before the meeting', async () => {
    const soonId = await schedule(t, secretary, 'Họp gấp', 6)
    await upload(secretary, soonId, 'Gấp.pdf', PDF)
    const block = await (await secretary.get(`/materials/meetings/${soonId}`, { htmx: true })).text()
    expect(block).toContain('Buổi sinh hoạt diễn ra trong chưa đầy 1 ngày nữa')
    const published = await (await follow(secretary, await secretary.post(`/materials/meetings/${soonId}/publish`, {}))).text()
    expect(published).toContain('Tài liệu được phát hành khi còn chưa đầy 1 ngày trước buổi sinh hoạt')
  })

  it('the final resolution is published separately, after the draft', async () => {
    await secretary.post(`/materials/meetings/${meetingId}/resolution`, {
      kind: 'final_resolution',
      title: 'Nghị quyết tháng 12',
      body: 'Chi bộ thống nhất ban hành…',
    })
    expect(await (await member.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()).not.toContain('Nghị quyết tháng 12')
    const res = await (await follow(secretary, await secretary.post(`/materials/meetings/${meetingId}/publish-final`, {}))).text()
    expect(res).toContain('Đã ban hành nghị quyết')
    expect(await (await member.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()).toContain('Nghị quyết tháng 12')
    expect(await (await member.get('/notifications')).text()).toContain('Nghị quyết đã ban hành: Họp có tài liệu')
  })

  it('an unpublished material can be removed, with its file', async () => {
    await upload(secretary, meetingId, 'Nhầm.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]))
    const block = await (await secretary.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()
    const id = /href="\/materials\/([0-9a-f-]{36})\/file"><strong>Nhầm<\/strong>/.exec(block)![1]
    expect(await (await follow(secretary, await secretary.post(`/materials/${id}/remove`, {}))).text()).toContain('Đã xóa tài liệu chưa phát hành.')
    const left = await t.runtime.data.asSystem('test: the file is gone', (tx) =>
      tx.query(`select 1 from public.stored_files f where not exists (select 1 from public.meeting_materials mm where mm.storage_key = f.key)`),
    )
    expect(left).toEqual([])
  })

  it('someone from another cell sees nothing and can change nothing', async () => {
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    const block = await (await secretary.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()
    expect((await outsider.get(`/materials/meetings/${meetingId}`, { htmx: true })).status).toBe(404)
    for (const id of materialIds(block)) {
      expect((await outsider.get(`/materials/${id}/file`)).status).toBe(404)
      expect((await outsider.get(`/materials/${id}`)).status).toBe(404)
    }
    expect((await upload(outsider, meetingId, 'x.pdf', PDF)).status).toBe(404)
    const claims = await claimsOf(t, outsider.login)
    const seen = await t.runtime.data.withUser(claims, async (tx) => [
      ...(await tx.query(`select 1 from public.meeting_materials where meeting_id = $1`, [meetingId])),
      ...(await tx.query(`select 1 from public.stored_files`)),
      ...(await tx.query(`update public.meeting_materials set title = 'x' where meeting_id = $1 returning 1`, [meetingId])),
    ])
    expect(seen).toEqual([])
    await expect(
      t.runtime.data.withUser(claims, (tx) =>
        tx.query(`insert into public.meeting_materials (meeting_id, kind, title, body) values ($1, 'draft_resolution', 'x', 'x')`, [meetingId]),
      ),
    ).rejects.toMatchObject({ code: '42501' })
  })
})

describe('meeting materials (files in a folder)', () => {
  let t: TestApp
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sotay-files-'))
    t = await testApp({ members: 60, env: { STORAGE: 'folder', STORAGE_DIR: dir } })
  })
  afterAll(async () => {
    await t?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('stores the file in the folder, serves it after RLS, and removes it with its material', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const meetingId = await schedule(t, secretary, 'Họp lưu tệp', 72)
    await upload(secretary, meetingId, 'Ảnh.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))
    expect(await readdir(join(dir, 'materials'))).toHaveLength(1)
    const [id] = materialIds(await (await secretary.get(`/materials/meetings/${meetingId}`, { htmx: true })).text())
    const file = await secretary.get(`/materials/${id}/file`)
    expect(file.headers.get('Content-Type')).toBe('image/jpeg')
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))
    expect((await (await t.signIn(LOGINS.member)).get(`/materials/${id}/file`)).status).toBe(404)
    await secretary.post(`/materials/${id}/remove`, {})
    expect(await readdir(join(dir, 'materials'))).toHaveLength(0)
  })
})
