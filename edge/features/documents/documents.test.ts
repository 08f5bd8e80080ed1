import { deflateSync, strToU8 } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, claimsOf, memberIdOf, orgIdByPath, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'
import { craftZip, entry, lyingDocx, zerosDeflated } from '../../kernel/files/hostile.fixtures.ts'
import { docxText, pdfText } from './documents.extract.ts'

let t: TestApp
let ward: Agent
let member: Agent
let wardId: string

const docx = (paragraphs: string[]) =>
  craftZip([
    entry('[Content_Types].xml', '<?xml version="1.0"?><Types/>'),
    entry(
      'word/document.xml',
      `<?xml version="1.0"?><w:document><w:body>${paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${p}</w:t></w:r></w:p>`).join('')}</w:body></w:document>`,
    ),
  ])

/** A small PDF: one plain content stream and one deflated, holding a UTF-16 string (Vietnamese). */
function pdf(lines: string[]): Uint8Array {
  const utf16 = (s: string) => `<FEFF${[...s].map((ch) => ch.charCodeAt(0).toString(16).padStart(4, '0')).join('')}>`
  const plain = `BT /F1 12 Tf 72 712 Td (${lines[0]}) Tj ET`
  const deflated = deflateSync(strToU8(`BT /F1 12 Tf 72 690 Td ${lines.slice(1).map(utf16).join(' Tj T* ')} Tj ET`))
  const head = strToU8(
    `%PDF-1.4\n1 0 obj\n<< /Length ${plain.length} >>\nstream\n${plain}\nendstream\nendobj\n2 0 obj\n<< /Length ${deflated.length} /Filter /FlateDecode >>\nstream\n`,
  )
  const tail = strToU8('\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n')
  const out = new Uint8Array(head.length + deflated.length + tail.length)
  out.set(head)
  out.set(deflated, head.length)
  out.set(tail, head.length + deflated.length)
  return out
}

const file = (bytes: Uint8Array | string, name: string, type = 'application/octet-stream') => new File([bytes as BlobPart], name, { type })

/** Posts the new-item form as `agent` (multipart), returns the new item's id (or the response when refused). */
async function publishForm(agent: Agent, fields: Record<string, string | string[]>, upload?: File) {
  const form = new FormData()
  for (const [k, v] of Object.entries({ org_id: wardId, kind: 'document', category: 'party', audience: 'subtree', ...fields })) {
    for (const one of Array.isArray(v) ? v : [v]) form.append(k, one)
  }
  if (upload) form.append('file', upload)
  return agent.post('/library', form)
}

async function created(agent: Agent, fields: Record<string, string | string[]>, upload?: File, publish = true): Promise<string> {
  const res = await publishForm(agent, fields, upload)
  expect(res.status, await res.clone().text()).toBe(303)
  const id = res.headers.get('Location')!.split('?')[0].split('/').pop()!
  if (publish) expect((await agent.post(`/library/${id}/publish`, {})).status).toBe(303)
  return id
}

let resolutionId: string

beforeAll(async () => {
  t = await testApp({ members: 200 })
  ward = await t.signIn(LOGINS.grassroots)
  member = await t.signIn(LOGINS.member)
  wardId = await orgIdByPath(t, 'ns.tp1.g1')
  resolutionId = await created(
    ward,
    { title: 'Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ', doc_number: '57-NQ/TW', issued_on: '2024-12-22', issuer: 'Bộ Chính trị' },
    file(docx(['Bộ Chính trị ban hành Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.']), 'nq57.docx'),
  )
})
afterAll(() => t?.close())

describe('the library', () => {
  it('a member finds a resolution without accents, by its number, and by words of its text', async () => {
    for (const words of ['nghi quyet 57', 'NGHỊ QUYẾT 57', '57-nq', 'NQ/TW', 'quyết số 57', 'chuyen doi so quoc gia', 'ien doi']) {
      const html = await (await member.get(`/library?q=${encodeURIComponent(words)}`)).text()
      expect(html, words).toContain(`href="/library/${resolutionId}"`)
    }
    const none = await (await member.get(`/library?q=${encodeURIComponent('nghi quyet 99')}`)).text()
    expect(none).not.toContain(`href="/library/${resolutionId}"`)
    expect(none).toContain('Không tìm thấy mục nào phù hợp.')
    // the htmx request gets the list alone
    const fragment = await (await member.get('/library?q=nghi+quyet+57', { htmx: true })).text()
    expect(fragment.startsWith('<div id="library-list">')).toBe(true)
  })

  it('filters by category and by year; newest first; pages of 20', async () => {
    expect(await (await member.get('/library?category=party&year=2024')).text()).toContain(resolutionId)
    expect(await (await member.get('/library?category=state')).text()).not.toContain(resolutionId)
    expect(await (await member.get('/library?year=2023')).text()).not.toContain(resolutionId)
    // a search and the filters together
    expect(await (await member.get('/library?q=nghi+quyet+57&category=party&year=2024&kind=document')).text()).toContain(resolutionId)
    expect(await (await member.get('/library?q=nghi+quyet+57&category=state')).text()).not.toContain(resolutionId)
    expect(await (await member.get('/library?q=nghi+quyet+57&kind=news')).text()).not.toContain(resolutionId)
    for (let i = 0; i < 21; i++) await created(ward, { kind: 'news', category: 'news', title: `Tin số ${String(i).padStart(2, '0')}`, body: 'Nội dung tin.' })
    const first = await (await member.get('/library')).text()
    expect(first.indexOf('Tin số 20')).toBeLessThan(first.indexOf('Tin số 19'))
    expect(first).not.toContain(resolutionId)
    expect(first).toContain('rel="next"')
    expect(await (await member.get('/library?page=2')).text()).toContain(resolutionId)
  })

  it('the document page is text first, with data-speak, a download link, and no script or player of its own', async () => {
    const html = await (await member.get(`/library/${resolutionId}`)).text()
    const speak = html.indexOf('data-speak')
    expect(speak).toBeGreaterThan(0)
    expect(html.indexOf('chuyển đổi số quốc gia')).toBeGreaterThan(speak)
    expect(html).toMatch(/href="\/library\/[0-9a-f-]+\/files\/[0-9a-f-]+" download="nq57.docx"/)
    expect(html).not.toContain('<iframe')
    const link = /href="(\/library\/[0-9a-f-]+\/files\/[0-9a-f-]+)"/.exec(html)![1]
    const res = await member.get(link)
    expect(res.headers.get('Content-Type')).toContain('wordprocessingml')
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    expect((await outsider.get(link)).status).toBe(404)
    expect((await outsider.get(`/library/${resolutionId}`)).status).toBe(404)
  })

  it('a long text is read in parts of a light page each', async () => {
    const paragraphs = Array.from({ length: 60 }, (_, n) => `Đoạn ${n + 1}. ${'Nội dung nghị quyết được quán triệt tới từng đảng viên. '.repeat(9)}`)
    const id = await created(ward, { kind: 'news', category: 'news', title: 'Văn bản dài', body: paragraphs.join('\n') })
    const first = await (await member.get(`/library/${id}`)).text()
    expect(first).toContain('Đoạn 1.')
    expect(first).not.toContain('Đoạn 60.')
    expect(first).toMatch(/Phần 1\/\d/)
    const last = /Phần 1\/(\d+)/.exec(first)![1]
    const end = await (await member.get(`/library/${id}?part=${last}`)).text()
    expect(end).toContain('Đoạn 60.')
    expect(end).not.toContain('Đoạn 1.')
    expect((await member.get(`/library/${id}?part=999`)).status).toBe(200)
  })

  it('a news photo fits the phone: no inline style (the CSP refuses it, and a 1600 px photo widened the page), a class the stylesheet bounds', async () => {
    // the smallest real PNG (1×1), checked by content on upload
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (ch) =>
      ch.charCodeAt(0),
    )
    const id = await created(
      ward,
      { kind: 'news', category: 'news', title: 'Tin có ảnh hội nghị', body: 'Hội nghị học tập.' },
      file(png, 'anh.png', 'image/png'),
    )
    const html = await (await member.get(`/library/${id}`)).text()
    const img = /<img[^>]*src="\/library\/[^"]+\/files\/[^"]+"[^>]*>/.exec(html)?.[0]
    expect(img).toBeTruthy()
    expect(img).not.toContain('style=')
    expect(img).toContain('class="news-image"')
    const { readFile } = await import('node:fs/promises')
    const css = await readFile(new URL('../../../static/css/app.css', import.meta.url), 'utf8')
    expect(css).toMatch(/\.news-image\{[^}]*max-width:100%[^}]*\}/)
  })

  it('a video is a link with its title, never an embedded player', async () => {
    const id = await created(ward, {
      kind: 'video',
      category: 'study',
      title: 'Phim tư liệu Điện Biên Phủ',
      video_url: 'https://www.youtube.com/watch?v=abc123',
    })
    const html = await (await member.get(`/library/${id}`)).text()
    expect(html).toContain('href="https://www.youtube.com/watch?v=abc123"')
    expect(html).toContain('Xem video: Phim tư liệu Điện Biên Phủ')
    expect(html).not.toMatch(/<iframe|<video|<embed|<object/)
    const bad = await publishForm(ward, { kind: 'video', category: 'study', title: 'x', video_url: 'javascript:alert(1)' })
    expect(bad.status).toBe(400)
  })

  it('hostile uploads are refused: a fake PDF, a zip bomb DOCX, a PDF stream that inflates without end', async () => {
    const fake = await publishForm(ward, { title: 'Giả PDF' }, file('<html><script>alert(1)</script></html>', 'nghi-quyet.pdf', 'application/pdf'))
    expect(fake.status).toBe(400)
    expect(await fake.text()).toContain('Chỉ nhận tệp PDF, Word')
    const bombFile = file(lyingDocx(), 'bom.docx')
    const started = Date.now()
    const bomb = await publishForm(ward, { title: 'Bom zip' }, bombFile)
    expect(bomb.status).toBe(400)
    expect(await bomb.text()).toContain('Tệp Word bị hỏng hoặc quá lớn khi giải nén')
    // refused as soon as the output passes its claim (1,000 bytes), not after 200 MB
    expect(Date.now() - started).toBeLessThan(1500)
    // an image is no document, a document no news picture
    const image = await publishForm(ward, { title: 'Ảnh' }, file(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'a.png'))
    expect(image.status).toBe(400)
    // a PDF whose one stream inflates to 200 MB: extraction stops at its bounds, quickly
    const head = strToU8('%PDF-1.4\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n')
    const zeros = zerosDeflated(200_000_000, 'BT (x) Tj ET ')
    const bytes = new Uint8Array(head.length + zeros.length + 10)
    bytes.set(head)
    bytes.set(zeros, head.length)
    bytes.set(strToU8('\nendstream'), head.length + zeros.length)
    const before = Date.now()
    pdfText(bytes)
    expect(Date.now() - before).toBeLessThan(2500)
    expect(() => docxText(lyingDocx())).toThrow()
  })

  it('text comes out of a PDF (plain and deflated streams, UTF-16 strings) and of a DOCX', () => {
    const text = pdfText(pdf(['Huong dan so 12', 'Hướng dẫn thực hiện Nghị quyết', 'Đảng bộ phường']))
    expect(text).toContain('Huong dan so 12')
    expect(text).toContain('Hướng dẫn thực hiện Nghị quyết')
    expect(docxText(docx(['Dòng một &amp; hai', 'Dòng ba']))).toBe('Dòng một & hai\nDòng ba')
  })

  it('bookmarks are private: a member keeps his/her list, another member does not see it', async () => {
    const res = await member.post(`/library/${resolutionId}/bookmark`, { on: '1' }, { htmx: true })
    expect(await res.text()).toContain('Đã đánh dấu')
    expect(await (await member.get('/library/bookmarks')).text()).toContain(resolutionId)
    const neighbour = await signInMemberOf(t, 'ns.tp1.g1.c2')
    expect(await (await neighbour.get('/library/bookmarks')).text()).not.toContain(resolutionId)
    expect(await (await neighbour.get('/library/bookmarks')).text()).toContain('Bạn chưa đánh dấu mục nào')
    await member.post(`/library/${resolutionId}/bookmark`, { on: '0' })
    expect(await (await member.get('/library/bookmarks')).text()).not.toContain(resolutionId)
  })

  it('read receipts: the ward sees the share of its members who opened an item, per organization', async () => {
    const id = await created(ward, { kind: 'news', category: 'news', title: 'Thông báo lịch tiếp dân', body: 'Nội dung.' })
    await member.get(`/library/${id}`)
    await member.get(`/library/${id}`)
    const [row] = await t.runtime.data.asSystem('test: the receipt', (tx) =>
      tx.query<{ n: number; same: boolean }>(
        `select count(*)::int as n, bool_and(first_read_at <= last_read_at) as same from public.document_reads where document_id = $1`,
        [id],
      ),
    )
    expect(row.n).toBe(1)
    const counts = await t.runtime.data.asSystem('test: members per cell', (tx) =>
      tx.query<{ path: string; n: number }>(
        `select o.path::text as path, count(*)::int as n from public.members m join public.organizations o on o.id = m.org_id
          where o.path <@ 'ns.tp1.g1' and m.deceased_on is null and m.left_on is null group by 1`,
      ),
    )
    const c1 = counts.find((c) => c.path === 'ns.tp1.g1.c1')!.n
    const html = await (await ward.get(`/library/${id}/readers`)).text()
    const cell1 = await orgIdByPath(t, 'ns.tp1.g1.c1')
    expect(html).toMatch(
      new RegExp(
        `${cell1}[^<]*"?>?[^<]*</a></td><td class="num"[^>]*>1</td><td class="num"[^>]*>${c1}</td>|>[^<]*</td><td class="num"[^>]*>1</td><td class="num"[^>]*>${c1}</td>`,
      ),
    )
    // at 200 % zoom (180 px) a four-column table overflowed: it stacks on a phone, each figure with its label
    expect(html).toContain('<table class="stack">')
    expect(html).toContain('data-label="Đã đọc"')
    expect(html).toContain(`${Math.round(1000 / c1) / 10}`.replace('.', ','))
    expect((await member.get(`/library/${id}/readers`)).status).toBe(404)
  })

  it('marking an item important sends its audience a notice, once; a member cannot publish or manage', async () => {
    const id = await created(ward, { kind: 'news', category: 'news', title: 'Thông báo khẩn', body: 'Nội dung khẩn.' })
    await ward.post(`/library/${id}/important`, {})
    await ward.post(`/library/${id}/withdraw`, {})
    await ward.post(`/library/${id}/publish`, {})
    const me = await memberIdOf(t, LOGINS.member)
    const notices = await t.runtime.data.asSystem('test: notices', (tx) =>
      tx.query<{ member_id: string }>(`select member_id from public.notifications where url = $1`, [`/library/${id}`]),
    )
    expect(notices.filter((n) => n.member_id === me)).toHaveLength(1)
    const outsiderId = await t.runtime.data.asSystem('test', async (tx) =>
      tx.query<{ id: string }>(`select m.id from public.members m join public.organizations o on o.id = m.org_id where o.path = 'ns.tp1.g2.c1'`),
    )
    expect(notices.some((n) => outsiderId.some((o) => o.id === n.member_id))).toBe(false)
    expect((await member.get('/library/new')).status).toBe(404)
    expect((await publishForm(member, { title: 'Không được' })).status).toBe(404)
    expect((await member.post(`/library/${id}/withdraw`, {})).status).toBe(404)
  })

  it('drafts are seen by their managers only; withdrawn items leave the members’ list', async () => {
    const draft = await created(ward, { kind: 'news', category: 'news', title: 'Bản nháp bí mật', body: 'x' }, undefined, false)
    expect((await member.get(`/library/${draft}`)).status).toBe(404)
    expect(await (await ward.get('/library?q=ban+nhap+bi+mat')).text()).toContain(draft)
    expect(await (await member.get('/library?q=ban+nhap+bi+mat')).text()).not.toContain(draft)
    const gone = await created(ward, { kind: 'news', category: 'news', title: 'Sẽ thu hồi', body: 'x' })
    expect(await (await member.get('/library?q=se+thu+hoi')).text()).toContain(gone)
    await ward.post(`/library/${gone}/withdraw`, {})
    expect(await (await member.get('/library?q=se+thu+hoi')).text()).not.toContain(gone)
    expect((await member.get(`/library/${gone}`)).status).toBe(404)
  })

  it('GET /library/latest is a card of the newest items published to the user, with an empty state', async () => {
    const html = await (await member.get('/library/latest', { htmx: true })).text()
    expect(html.startsWith('<section class="card"')).toBe(true)
    expect(html).toContain('Thông báo khẩn')
    expect((html.match(/<li>/g) ?? []).length).toBeLessThanOrEqual(5)
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    const claims = await claimsOf(t, outsider.login)
    expect(claims.sub).toBeTruthy()
    const empty = await (await outsider.get('/library/latest')).text()
    expect(empty).toContain('Chưa có tài liệu, tin tức nào được phát hành tới bạn.')
  })

  it('a published item’s audience is fixed; a chosen organization outside the ward is refused', async () => {
    const other = await orgIdByPath(t, 'ns.tp1.g2')
    const res = await publishForm(ward, { title: 'Ra ngoài phạm vi', audience: 'orgs', audience_ids: [other] })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Chỉ phát hành cho tổ chức thuộc phạm vi bạn quản lý.')
  })
})
