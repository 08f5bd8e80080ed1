import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { cityFiles } from '../test/city-files.ts'
import { report, round } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * A city's rollout through the real routes on PGlite, as its office does it in one afternoon:
 * the organization list (70 organizations), the member list (10,000 rows naming their
 * organizations), then activation slips for the whole city in one printing.
 */
const MEMBERS = Number(process.env.BENCH_ROLLOUT_MEMBERS ?? 10_000)
const runtime = await boot({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }, { memory: true })
await seedDemo(runtime.data, { members: 200, password: 'bench-password-1' })
const app = createApp(runtime)
const ORIGIN = 'http://localhost'
const signIn = await app.request(`${ORIGIN}/login`, {
  method: 'POST',
  headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'login=0901000001&password=bench-password-1',
})
const cookie = signIn.headers
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

const files = cityFiles({ city: 'Đảng bộ thành phố Nam Sơn', wards: 10, cellsPerWard: 6, members: MEMBERS })
const orgs = await importFile('/orgs/import', files.orgsCsv, 'to-chuc.csv')
const members = await importFile('/members/import', files.membersCsv, 'dang-vien.csv')
const imported = Number(/Đã nhập (\d+) đảng viên/.exec(members.done)?.[1] ?? 0)
const again = await importFile('/orgs/import', files.orgsCsv, 'to-chuc.csv')
const membersAgain = await importFile('/members/import', files.membersCsv, 'dang-vien.csv')
const unchanged = !/Đã nhập: [1-9]/.test(again.done) && !membersAgain.done

const cityId = await runtime.data.asSystem(
  'bench: the city committee',
  async (tx) => (await tx.query<{ id: string }>(`select id from public.organizations where path = 'ns.tp1'`))[0].id,
)
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
    ok: importSeconds <= BUDGET.rolloutImportSeconds && imported === MEMBERS && unchanged,
    note: `${files.orgCount} organizations ${round(orgs.seconds, 2)} s + ${MEMBERS} members by organization name ${round(members.seconds, 2)} s (${imported} imported, ${files.sharedPhones} shared phones, ${files.registeredRows} "Đã đăng ký"); re-import of both changed nothing: ${unchanged}; PGlite`,
  },
  {
    name: 'rollout-bulk-issue',
    value: round(issueSeconds, 2),
    unit: 's',
    budget: BUDGET.bulkIssueSeconds,
    ok: issueSeconds <= BUDGET.bulkIssueSeconds && slips >= MEMBERS - files.registeredRows - files.sharedPhones,
    note: `one printing for the whole city: ${slips} slips (${(slipsPage.length / 1e6).toFixed(1)} MB page); codes are keyed hashes, the password is hashed (scrypt N=2^15 r=8 p=3) at activation; PGlite`,
  },
])
await runtime.close()
