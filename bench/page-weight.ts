import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { today } from '../edge/kernel/http/validation.ts'
import { setClock } from '../test/support.ts'
import { report, type Result } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * Bytes on the wire (gzip, as the app sends them) of the first visit to the login page and to
 * the home page after login (HTML + CSS + JS + icon + manifest), and of typical htmx swaps.
 */
const runtime = await boot({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }, { memory: true })
await seedDemo(runtime.data, { members: 1000, password: 'bench-password-1' })
const app = createApp(runtime)
let cookie = ''

async function wire(path: string, init: RequestInit = {}): Promise<{ bytes: number; body: string; res: Response }> {
  const headers = new Headers(init.headers)
  headers.set('Accept-Encoding', 'gzip')
  headers.set('Origin', 'http://localhost')
  if (cookie) headers.set('Cookie', cookie)
  const res = await app.request(`http://localhost${path}`, { ...init, headers })
  const raw = new Uint8Array(await res.arrayBuffer())
  const encoded = res.headers.get('Content-Encoding') === 'gzip'
  const body = encoded
    ? new TextDecoder().decode(await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer())
    : new TextDecoder().decode(raw)
  // headers count too: a rough 300 bytes per response after HTTP/2 header compression
  return { bytes: raw.length + 300, body, res }
}

/** The page plus every asset it references (each fetched once, as a browser with an empty cache would). */
async function firstVisit(path: string): Promise<{ total: number; parts: string[] }> {
  const page = await wire(path)
  const assets = [...page.body.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1])
  let total = page.bytes
  const parts = [`html ${page.bytes}`]
  for (const asset of new Set(assets)) {
    const a = await wire(asset)
    total += a.bytes
    parts.push(`${asset.split('/').pop()!.split('?')[0]} ${a.bytes}`)
  }
  // blocks the page loads by URL as soon as it opens (hx-trigger="load…")
  for (const [, fragment] of page.body.matchAll(/hx-get="([^"]+)"[^>]*hx-trigger="load/g)) {
    const f = await wire(fragment, { headers: { 'HX-Request': 'true' } })
    total += f.bytes
    parts.push(`${fragment} ${f.bytes}`)
  }
  return { total, parts }
}

const results: Result[] = []
const login = await firstVisit('/login')
results.push({
  name: 'login-page-weight',
  value: login.total,
  unit: 'B',
  budget: BUDGET.firstVisitBytes,
  ok: login.total <= BUDGET.firstVisitBytes,
  note: login.parts.join(', '),
})

const signIn = await wire('/login', {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'login=0901000003&password=bench-password-1',
})
cookie = signIn.res.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ')
const home = await firstVisit('/')
results.push({
  name: 'home-page-weight',
  value: home.total,
  unit: 'B',
  budget: BUDGET.firstVisitBytes,
  ok: home.total <= BUDGET.firstVisitBytes,
  note: home.parts.join(', '),
})

// the service worker, fetched from the second signed-in page on (static/js/offline.js), not on the first visit;
// its precache of the shell is answered by the HTTP cache
const worker = await wire('/sw.js')
results.push({
  name: 'service-worker-weight',
  value: worker.bytes,
  unit: 'B',
  budget: BUDGET.interactionBytes,
  ok: worker.bytes <= BUDGET.interactionBytes,
  note: 'sw.js, once, on the second page',
})

const search = await wire('/members?q=nguyen', { headers: { 'HX-Request': 'true' } })
results.push({
  name: 'htmx-member-search-weight',
  value: search.bytes,
  unit: 'B',
  budget: BUDGET.interactionBytes,
  ok: search.bytes <= BUDGET.interactionBytes,
  note: `${(search.body.match(/<tr>/g) ?? []).length - 1} rows, as the cell secretary`,
})
const id = /href="\/members\/([0-9a-f-]{36})"/.exec(search.body)![1]
const profile = await wire(`/members/${id}`)
results.push({
  name: 'member-profile-weight',
  value: profile.bytes,
  unit: 'B',
  budget: BUDGET.interactionBytes,
  ok: profile.bytes <= BUDGET.interactionBytes,
  note: 'full page, assets cached',
})
const tree = await wire(`/orgs`)
const cityId = /href="\/orgs\/([0-9a-f-]{36})"/.exec(tree.body)?.[1]
if (cityId) {
  const children = await wire(`/orgs/${cityId}/children`, { headers: { 'HX-Request': 'true' } })
  results.push({
    name: 'htmx-org-children-weight',
    value: children.bytes,
    unit: 'B',
    budget: BUDGET.interactionBytes,
    ok: children.bytes <= BUDGET.interactionBytes,
    note: 'one level of the tree',
  })
}
await liveMeeting()
await report(results)
await runtime.close()

/**
 * The live meeting page on a phone: first visit with an empty cache (the page, its assets and
 * the blocks it loads: materials, 30 comments, the vote), then posting a comment and one vote.
 */
async function liveMeeting() {
  // the meeting starts at 19:30 today (Vietnam time) and is under way at 19:45 by the database's clock, whatever the hour the bench runs
  const date = today()
  await setClock({ runtime }, `${date}T19:15:00+07:00`)
  const cell = await runtime.data.asSystem(
    'bench: the demo cell',
    async (tx) => (await tx.query<{ id: string }>(`select id from public.organizations where path = 'ns.tp1.g1.c1'`))[0].id,
  )
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', 'X-CSRF-Token': csrf },
    body: new URLSearchParams(fields).toString(),
  })
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await wire('/account/password')).body)![1]
  const created = await wire('/meetings', {
    ...form({
      org_id: cell,
      kind: 'regular',
      title: 'Sinh hoạt chi bộ tháng 12',
      date,
      time: '19:30',
      place: 'Hội trường khu phố',
      agenda: '1. Kiểm điểm tháng\n2. Phương hướng tháng tới',
    }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
  })
  const location = created.res.headers.get('Location')
  if (!location) throw new Error(`could not schedule the meeting: ${created.res.status} ${created.body.slice(0, 2000)}`)
  const meeting = location.split('?')[0]
  const meetingId = meeting.split('/').pop()!
  await setClock({ runtime }, `${date}T19:45:00+07:00`)
  await wire(
    `/materials/meetings/${meetingId}/resolution`,
    form({ kind: 'draft_resolution', title: 'Dự thảo nghị quyết tháng 12', body: 'Điều 1. '.repeat(50) }),
  )
  await wire(`/materials/meetings/${meetingId}/publish`, form({}))
  await wire(`${meeting}/check-in`, form({}))
  await wire(`/votes/meetings/${meetingId}/open`, form({}))
  // varied sentences, so gzip does not flatter repeated text
  const words =
    'đề nghị chi bộ bổ sung chỉ tiêu công tác phát triển đảng viên khu dân cư phân công cụ thể từng đồng chí kiểm tra giám sát nghị quyết thực hiện kết quả hạn chế nguyên nhân giải pháp tháng tới tổ dân phố an ninh trật tự vệ sinh môi trường học tập làm theo tư tưởng đạo đức phong cách'.split(
      ' ',
    )
  let seed = 7
  const sentence = () => Array.from({ length: 25 }, () => words[(seed = (seed * 48271) % 2147483647) % words.length]).join(' ')
  const text = sentence()
  for (let i = 0; i < 29; i++) await wire(`/comments/meetings/${meetingId}`, form({ body: `${sentence()}.` }))
  await runtime.data.asSystem('bench: let the comments spread over time (the rate limit is per minute)', (tx) =>
    tx.query(`update public.meeting_comments set created_at = created_at - interval '1 hour'`),
  )

  const page = await firstVisit(meeting)
  results.push({
    name: 'live-meeting-page-weight',
    value: page.total,
    unit: 'B',
    budget: BUDGET.firstVisitBytes,
    ok: page.total <= BUDGET.firstVisitBytes,
    note: `first visit, 29 comments, published draft: ${page.parts.join(', ')}`,
  })
  const posted = await wire(`/comments/meetings/${meetingId}`, form({ body: `${text} (30)` }))
  results.push({
    name: 'htmx-post-comment-weight',
    value: posted.bytes,
    unit: 'B',
    budget: BUDGET.interactionBytes,
    ok: posted.bytes <= BUDGET.interactionBytes,
    note: 'the response to posting the 30th comment',
  })
  const voted = await wire(`/votes/meetings/${meetingId}`, form({ choice: 'for' }))
  results.push({
    name: 'htmx-vote-weight',
    value: voted.bytes,
    unit: 'B',
    budget: BUDGET.interactionBytes,
    ok: voted.bytes <= BUDGET.interactionBytes,
    note: 'the response to a vote',
  })
}
