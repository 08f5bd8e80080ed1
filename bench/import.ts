import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { demoMember, prng } from '../edge/demo/names.ts'
import { report } from './lib.ts'
import { BUDGET } from './budgets.ts'

/** A 10,000-row CSV through the real routes on PGlite: upload + dry-run report, then commit. */
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000)
const runtime = await boot({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }, { memory: true })
await seedDemo(runtime.data, { members: 1000, password: 'bench-password-1' })
const app = createApp(runtime)
const headers = (cookie: string) => ({ Origin: 'http://localhost', Cookie: cookie })
const signIn = await app.request('http://localhost/login', {
  method: 'POST',
  headers: { Origin: 'http://localhost', 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'login=0901000001&password=bench-password-1',
})
const cookie = signIn.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ')
const page = await (await app.request('http://localhost/members/import', { headers: headers(cookie) })).text()
const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]
const cells = [...page.matchAll(/<option value="([0-9a-f-]{36})">[^<]*\(([a-z0-9_.]+)\)<\/option>/g)].map((m) => m[2])

const rand = prng(7)
const lines = ['Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Điện thoại,Ngày vào Đảng,Ngày chính thức,Dân tộc,Quê quán,Mã tổ chức']
for (let i = 0; i < ROWS; i++) {
  const m = demoMember(rand, 500_000 + i, '')
  const dmy = (iso: string | null) => (iso ? iso.split('-').reverse().join('/') : '')
  lines.push(
    [
      m.full_name,
      dmy(m.birth_date),
      m.gender === 'male' ? 'Nam' : 'Nữ',
      m.card_number,
      m.citizen_id,
      m.phone,
      dmy(m.admitted_on),
      dmy(m.official_on),
      m.ethnicity,
      `"${m.hometown}"`,
      cells[i % cells.length],
    ].join(','),
  )
}
const csv = lines.join('\n')

const started = performance.now()
const form = new FormData()
form.set('_csrf', csrf)
form.set('file', new File([csv], 'muoi-nghin.csv'))
const preview = await (await app.request('http://localhost/members/import', { method: 'POST', body: form, headers: headers(cookie) })).text()
const checked = performance.now()
const commitUrl = /action="(\/members\/import\/[0-9a-f-]+\/commit)"/.exec(preview)?.[1]
if (!commitUrl) throw new Error(`no commit form in the report:\n${preview.slice(0, 2000)}`)
const valid = Number(/<strong>(\d+) hợp lệ<\/strong>/.exec(preview)![1])
const commit = await (
  await app.request(`http://localhost${commitUrl}`, {
    method: 'POST',
    headers: { ...headers(cookie), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `_csrf=${encodeURIComponent(csrf)}`,
  })
).text()
const done = performance.now()
const imported = Number(/Đã nhập (\d+) đảng viên/.exec(commit)?.[1] ?? 0)
const seconds = Math.round((done - started) / 10) / 100
await report([
  {
    name: 'import-10k-rows',
    value: seconds,
    unit: 's',
    budget: BUDGET.import10kSeconds,
    ok: seconds <= BUDGET.import10kSeconds && imported === valid,
    note: `${ROWS} rows (${(csv.length / 1e6).toFixed(1)} MB), check ${((checked - started) / 1000).toFixed(2)} s, commit ${((done - checked) / 1000).toFixed(2)} s, ${imported} imported (${ROWS - valid} rows refused by the checks), PGlite`,
  },
])
await runtime.close()
