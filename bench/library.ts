import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { ensureDatabase } from '../edge/kernel/db/admin.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { SESSION_SECONDS } from '../edge/kernel/auth/session.ts'
import type { Tx } from '../edge/kernel/db/types.ts'
import { benchDatabase } from './database.ts'
import { percentile, report, round, timeIt, type Result, singleRoleProvinceStaff } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * The library at a province's size (100k members, or --members N) with 10,000 published items on
 * the Postgres server: p95 server time of the list and of searches (accent-insensitive, several
 * words, with filters) through the app, as a single-role province staff member (who sees every
 * item, drafts included) and as a cell member (who sees what reached his/her cell); and the bytes
 * on the wire of a first visit to the library list and to a document page.
 * The items are seeded once per database (marked by their summary) and reused.
 */
const members = Number(process.env.BENCH_MEMBERS ?? 100_000)
const runs = Number(process.env.BENCH_RUNS ?? 200)
const ITEMS = 10_000
const MARK = 'bench-library-seed'
const password = 'bench-password-1'
const url = process.env.BENCH_DATABASE_URL ?? (await benchDatabase(members, password))

await ensureDatabase(url)
const runtime = await boot({ DATABASE_URL: url, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent', DEMO: 'on' })
const seeded = await seedDemo(runtime.data, { members, password })
const system = <T>(why: string, fn: (tx: Tx) => Promise<T>) => runtime.data.asSystem(`bench: ${why}`, fn)
if (seeded) await system('statistics after the seed', (tx) => tx.exec('analyze'))

/**
 * 10,000 items over the last six years: a tenth to the whole province, three tenths to a city,
 * the rest to one ward or commune; titles like real ones ("Nghị quyết số 57-NQ/TW …") and about
 * 1,500 characters of text each. Written through the tables' triggers (keys, sort time, year).
 */
const existing = await system('count the seeded items', async (tx) => {
  const [row] = await tx.query<{ n: number }>(`select count(*)::int as n from public.documents where summary = $1`, [MARK])
  return row.n
})
if (existing !== ITEMS) {
  const t0 = performance.now()
  await system('seed the library', async (tx) => {
    await tx.query(`delete from public.documents where summary = $1`, [MARK])
    await tx.query(
      `with orgs as (
         select array_agg(o.id order by o.path) filter (where extensions.nlevel(o.path) = 1) as root,
                array_agg(o.id order by o.path) filter (where extensions.nlevel(o.path) = 2) as cities,
                array_agg(o.id order by o.path) filter (where o.kind in ('grassroots_committee', 'commune_committee')) as wards
           from public.organizations o where o.valid_to is null),
       words as (select array['Đảng', 'bộ', 'chi', 'nghị', 'quyết', 'chỉ', 'thị', 'hướng', 'dẫn', 'thực', 'hiện', 'phát', 'triển', 'kinh', 'tế',
                              'xã', 'hội', 'khoa', 'học', 'công', 'nghệ', 'chuyển', 'đổi', 'số', 'cán', 'đảng', 'viên', 'nhân', 'dân', 'xây',
                              'dựng', 'chỉnh', 'đốn', 'học', 'tập', 'làm', 'theo', 'tư', 'tưởng', 'đạo', 'đức', 'phong', 'cách', 'Hồ', 'Chí',
                              'Minh', 'năm', 'kế', 'hoạch', 'tổ', 'chức', 'kiểm', 'tra', 'giám', 'sát', 'đại', 'hội', 'nhiệm', 'kỳ'] as w),
       items as (
         select g,
                case g % 4 when 0 then 'Nghị quyết số ' || (1 + (g / 4) % 199) || '-NQ/TW về '
                           when 1 then 'Chỉ thị số ' || (1 + (g / 4) % 150) || '-CT/TU về '
                           when 2 then 'Hướng dẫn số ' || (1 + (g / 4) % 90) || '-HD/BTCTW về '
                           else 'Tin: ' end
                || (select string_agg(words.w[1 + ((g * 7 + i * 13) % 60)], ' ') from words, generate_series(1, 8 + g % 5) i) as title,
                (select string_agg(words.w[1 + ((g * 31 + i * 17 + i * i) % 60)], ' ') from words, generate_series(1, 220 + g % 40) i) as body,
                case when g % 10 = 0 then orgs.root[1]
                     when g % 10 < 4 then orgs.cities[1 + g % cardinality(orgs.cities)]
                     else orgs.wards[1 + g % cardinality(orgs.wards)] end as org_id
           from generate_series(1, ${ITEMS}) g, orgs)
       insert into public.documents (org_id, kind, category, title, summary, body, doc_number, issued_on, issuer, created_at)
       select org_id, case when g % 4 = 3 then 'news' else 'document' end,
              (array['party', 'state', 'committee', 'study', 'news', 'other'])[1 + g % 6], title, $1, body,
              case when g % 4 = 0 then (1 + (g / 4) % 199) || '-NQ/TW' end,
              case when g % 4 < 3 then date '2021-01-01' + (g % 2150) end,
              case when g % 4 < 3 then 'Bộ Chính trị' end,
              now() - make_interval(mins => g * 300)
         from items`,
      [MARK],
    )
    await tx.query(`insert into public.document_audiences (document_id, org_id) select d.id, d.org_id from public.documents d where d.summary = $1`, [MARK])
    await tx.query(`update public.documents set status = 'published' where summary = $1`, [MARK])
    // the publication times spread over the years, as the creation times are
    await tx.query(`update public.documents set published_at = created_at where summary = $1`, [MARK])
    await tx.exec('analyze public.documents; analyze public.document_audiences')
  })
  console.log(`seeded ${ITEMS} library items in ${round((performance.now() - t0) / 1000, 1)} s`)
}

const userOf = (phone: string) =>
  system(
    'resolve a demo login',
    async (tx) => (await tx.query<{ user_id: string }>(`select user_id from app.credentials where login_phone = $1`, [phone]))[0].user_id,
  )

/** A staff member of the province office who holds exactly the province's role (as in bench/server-time.ts). */
const provinceStaff = await system('a single-role province staff member', singleRoleProvinceStaff)

const app = createApp(runtime)
const now = Math.floor(Date.now() / 1000)
const sessionCookie = async (userId: string) => {
  const sid = crypto.randomUUID()
  await system('a session for a benchmark user', (tx) => tx.query(`insert into app.sessions (id, user_id) values ($1, $2)`, [sid, userId]))
  return `sotay_session=${await runtime.signer.sign({ sub: userId, role: 'authenticated', iat: now, exp: now + SESSION_SECONDS, sid, name: 'bench' })}`
}

const viewers = [
  { who: 'province', label: 'single-role province staff', cookie: await sessionCookie(provinceStaff) },
  { who: 'member', label: 'cell member', cookie: await sessionCookie(await userOf('0901000004')) },
]
const [{ visible }] = await runtime.data.withUser({ sub: await userOf('0901000004'), role: 'authenticated', iat: now, exp: now + 600 }, (tx) =>
  tx.query<{ visible: number }>(`select count(*)::int as visible from public.documents`),
)

const results: Result[] = []
const pages = [
  { name: 'library-list', path: '/library' },
  { name: 'library-list-page-10', path: '/library?page=10' },
  { name: 'library-search', path: `/library?q=${encodeURIComponent('nghi quyet 57')}` },
  { name: 'library-search-filtered', path: `/library?q=${encodeURIComponent('chuyển đổi số')}&category=party&year=2024` },
  { name: 'library-search-rare', path: `/library?q=${encodeURIComponent('ho chi minh dai hoi nhiem ky')}` },
]
for (const v of viewers) {
  for (const p of pages) {
    const times = await timeIt(runs, async () => {
      const res = await app.request(`http://localhost${p.path}`, { headers: { Cookie: v.cookie } })
      if (res.status !== 200) throw new Error(`${p.path}: ${res.status}`)
      await res.arrayBuffer()
    })
    const p95 = round(percentile(times, 95))
    results.push({
      name: `${p.name}-${v.who}-p95`,
      value: p95,
      unit: 'ms',
      budget: BUDGET.libraryP95Ms,
      ok: p95 <= BUDGET.libraryP95Ms,
      note: `p50 ${round(percentile(times, 50))} ms, ${v.label}, ${ITEMS} items (${v.who === 'member' ? `${visible} published to the member` : 'all in scope'}), ${members} members`,
    })
  }
}

/** Bytes on the wire (gzip) of a page and everything it references, fetched once, as bench/page-weight.ts counts them. */
async function firstVisit(path: string, cookie: string): Promise<{ total: number; parts: string[] }> {
  const wire = async (p: string, htmx = false) => {
    const headers = new Headers({ 'Accept-Encoding': 'gzip', Cookie: cookie })
    if (htmx) headers.set('HX-Request', 'true')
    const res = await app.request(`http://localhost${p}`, { headers })
    const raw = new Uint8Array(await res.arrayBuffer())
    const body =
      res.headers.get('Content-Encoding') === 'gzip'
        ? new TextDecoder().decode(await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer())
        : new TextDecoder().decode(raw)
    return { bytes: raw.length + 300, body }
  }
  const page = await wire(path)
  let total = page.bytes
  const parts = [`html ${page.bytes}`]
  for (const asset of new Set([...page.body.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]))) {
    const a = await wire(asset)
    total += a.bytes
    parts.push(`${asset.split('/').pop()!.split('?')[0]} ${a.bytes}`)
  }
  for (const [, fragment] of page.body.matchAll(/hx-get="([^"]+)"[^>]*hx-trigger="load/g)) {
    const f = await wire(fragment, true)
    total += f.bytes
    parts.push(`${fragment} ${f.bytes}`)
  }
  return { total, parts }
}

const member = viewers[1]
const [doc] = await runtime.data.withUser({ sub: await userOf('0901000004'), role: 'authenticated', iat: now, exp: now + 600 }, (tx) =>
  tx.query<{ id: string }>(`select id from public.documents where kind = 'document' and status = 'published' order by sort_at desc limit 1`),
)
// a resolution's length (about 40,000 characters in 80 paragraphs): the page shows its first part
const paragraph = 'Đảng bộ lãnh đạo thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội, xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh. '
await system('a long text for the document page', (tx) =>
  tx.query(`update public.documents set body = $2 where id = $1`, [
    doc.id,
    Array.from({ length: 80 }, (_, n) => `${n + 1}. ${paragraph.repeat(4)}`).join('\n'),
  ]),
)
const [{ chars }] = await system('its length', (tx) =>
  tx.query<{ chars: number }>(`select length(body) as chars from public.documents where id = $1`, [doc.id]),
)
for (const [name, path, note] of [
  ['library-list-page-weight', '/library', 'first visit, cell member'],
  ['library-document-page-weight', `/library/${doc.id}`, `first visit, a document of ${chars} characters (its first part), cell member`],
] as const) {
  const visit = await firstVisit(path, member.cookie)
  results.push({
    name,
    value: visit.total,
    unit: 'B',
    budget: BUDGET.firstVisitBytes,
    ok: visit.total <= BUDGET.firstVisitBytes,
    note: `${note}: ${visit.parts.join(', ')}`,
  })
}

// An important item for the whole province: one notice per member of its audience, in the
// marking's transaction. The previous run's notices go first, so every run sends as many.
const provinceClaims = { sub: provinceStaff, role: 'authenticated' as const, iat: now, exp: now + 600 }
const [wide] = await system('a province-wide item', (tx) =>
  tx.query<{ id: string }>(
    `select d.id from public.documents d join public.organizations o on o.id = d.org_id
      where d.summary = $1 and extensions.nlevel(o.path) = 1 order by d.sort_at desc limit 1`,
    [MARK],
  ),
)
await system('forget the previous marking', async (tx) => {
  await tx.query(`delete from public.notifications where url = $1`, [`/library/${wide.id}`])
  await tx.query(`update public.documents set important = false, notified_at = null where id = $1`, [wide.id])
})
const t1 = performance.now()
await runtime.data.withUser(provinceClaims, (tx) => tx.query(`update public.documents set important = true where id = $1`, [wide.id]))
const markSeconds = round((performance.now() - t1) / 1000, 2)
const [{ sent }] = await system('how many notices', (tx) =>
  tx.query<{ sent: number }>(`select count(*)::int as sent from public.notifications where url = $1`, [`/library/${wide.id}`]),
)
results.push({
  name: 'library-important-notice-province',
  value: markSeconds,
  unit: 's',
  budget: BUDGET.openPeriodSeconds,
  ok: markSeconds <= BUDGET.openPeriodSeconds,
  note: `${sent} notices in the marking's transaction (the bulk budget of opening an evaluation period stands in)`,
})

await report(results)
await runtime.close()
