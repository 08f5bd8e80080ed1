import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { parseCsv } from '../edge/kernel/files/csv.ts'
import { setUpDeployment } from '../edge/setup/setup.ts'
import { officeCityFiles } from '../test/city-files.ts'
import { report, round } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * A city's rollout from nothing, through the real routes on PGlite, as its office does it in one
 * afternoon: npm run setup (the province and the administrator), the administrator activates,
 * imports the organization list and the member list as the office exports them (title block,
 * cell and grassroots committee in their own columns, phones without their 0), imports both again
 * (nothing changes), then prints activation slips for the whole city in one printing.
 */
const MEMBERS = Number(process.env.BENCH_ROLLOUT_MEMBERS ?? 10_000)
const PROVINCE = 'Đảng bộ tỉnh Nam Sơn'
const CITY = 'Đảng bộ thành phố Bắc Hà'
const runtime = await boot({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent', DEMO: 'off' }, { memory: true })
const app = createApp(runtime)
const ORIGIN = 'http://localhost'

const setupStarted = performance.now()
const made = await setUpDeployment(runtime, { org_name: PROVINCE, org_kind: 'province_committee', admin_name: 'Quản Trị Viên', admin_phone: '0912345678' })
if (!made.ok) throw new Error(`setup: ${JSON.stringify(made)}`)
const activated = await app.request(`${ORIGIN}/activate`, {
  method: 'POST',
  headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ login: made.login, birth_date: '', code: made.code, password: 'bench-password-1', confirm: 'bench-password-1' }),
})
if (activated.status !== 303) throw new Error(`the administrator could not activate: ${activated.status}`)
const setupSeconds = (performance.now() - setupStarted) / 1000
const cookie = activated.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ')
const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await app.request(`${ORIGIN}/account/password`, { headers: { Cookie: cookie } })).text())![1]

async function post(path: string, body: FormData | URLSearchParams): Promise<string> {
  body.set('_csrf', csrf)
  const res = await app.request(`${ORIGIN}${path}`, { method: 'POST', body, headers: { Origin: ORIGIN, Cookie: cookie } })
  if (res.status !== 200) throw new Error(`${path}: ${res.status}\n${(await res.text()).slice(0, 2000)}`)
  return res.text()
}

/** Upload, dry run, commit: the seconds it took and the commit page. */
async function importFile(path: string, csv: string, name: string) {
  const started = performance.now()
  const form = new FormData()
  form.set('file', new File([csv], name))
  const dry = await post(path, form)
  const dryAt = performance.now()
  const commit = new RegExp(`action="(${path}/[0-9a-f-]{36}/commit)"`).exec(dry)?.[1]
  const done = commit ? await post(commit, new URLSearchParams()) : ''
  if (process.env.BENCH_VERBOSE) console.log(path, 'dry', round((dryAt - started) / 1000, 2), 'commit', round((performance.now() - dryAt) / 1000, 2))
  return { seconds: (performance.now() - started) / 1000, dry, done }
}

const files = officeCityFiles({ province: PROVINCE, city: CITY, wards: 10, cellsPerWard: 6, members: MEMBERS })
const orgs = await importFile('/orgs/import', files.orgsCsv, 'danh-sach-to-chuc.csv')
const members = await importFile('/members/import', files.membersCsv, 'danh-sach-dang-vien.csv')
const imported = Number(/Đã nhập (\d+) đảng viên/.exec(members.done)?.[1] ?? 0)
if (imported !== MEMBERS)
  console.error(
    members.dry
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .slice(0, 3000),
  )
const again = await importFile('/orgs/import', files.orgsCsv, 'danh-sach-to-chuc.csv')
const membersAgain = await importFile('/members/import', files.membersCsv, 'danh-sach-dang-vien.csv')
const unchanged = !/Đã nhập: [1-9]/.test(again.done) && !membersAgain.done

const cityId = await runtime.data.asSystem(
  'bench: the city committee',
  async (tx) => (await tx.query<{ id: string }>(`select id from public.organizations where name = $1`, [CITY]))[0].id,
)
// the registration report says what the file says
const registration = parseCsv(
  await (await app.request(`${ORIGIN}/reports/registration.csv?org=${cityId}`, { headers: { Origin: ORIGIN, Cookie: cookie } })).text(),
).find((r) => r[0] === `Toàn ${CITY}`)
const registeredAsFile = Number(registration?.[4]) === files.registeredRows && Number(registration?.[3]) === MEMBERS
const issueStarted = performance.now()
const slipsPage = await post('/members/activation', new URLSearchParams({ org_id: cityId, days: '30' }))
const issueSeconds = (performance.now() - issueStarted) / 1000
const slips = (slipsPage.match(/<article class="slip">/g) ?? []).length

const importSeconds = round(orgs.seconds + members.seconds, 2)
await report([
  {
    name: 'rollout-import-city',
    value: importSeconds,
    unit: 's',
    budget: BUDGET.rolloutImportSeconds,
    ok: importSeconds <= BUDGET.rolloutImportSeconds && imported === MEMBERS && unchanged && registeredAsFile,
    note: `from an empty database: setup and activation ${round(setupSeconds, 2)} s; ${files.orgCount} organizations ${round(orgs.seconds, 2)} s + ${MEMBERS} members as the office exports them ${round(members.seconds, 2)} s (${imported} imported); re-import of both changed nothing: ${unchanged}; registration report equals the file (${files.registeredRows} of ${MEMBERS}): ${registeredAsFile}; PGlite`,
  },
  {
    name: 'rollout-bulk-issue',
    value: round(issueSeconds, 2),
    unit: 's',
    budget: BUDGET.bulkIssueSeconds,
    ok: issueSeconds <= BUDGET.bulkIssueSeconds && slips === MEMBERS,
    note: `one printing for the whole city: ${slips} slips (${(slipsPage.length / 1e6).toFixed(1)} MB page); codes are keyed hashes, the password is hashed (scrypt N=2^15 r=8 p=3) at activation; PGlite`,
  },
])
await runtime.close()
