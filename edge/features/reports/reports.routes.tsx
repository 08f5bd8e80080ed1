import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { tableDownload } from '../../kernel/files/table-download.ts'
import { today } from '../../kernel/http/validation.ts'
import { registrationTable } from './reports.table.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid } from '../../kernel/http/validation.ts'
import { RegistrationPage } from '../../../views/reports/RegistrationPage.tsx'
import * as q from './reports.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

export const reports = new Hono<AppEnv>()
reports.use(requireUser)

/** ?days= as one of the offered periods; anything else is the default month. */
const periodOf = (raw: string | undefined): q.Period => q.PERIODS.find((p) => String(p) === raw) ?? 30

/** The report of ?org= (or of the top of the user's scope), under the user's RLS; null when that organization is not the user's. */
function loadReport(c: AppContext) {
  const requested = c.req.query('org')
  if (requested !== undefined && !isUuid(requested)) notFound()
  return c.get('data').withUser(sessionOf(c), async (tx) => {
    const tops = await q.topOrgs(tx)
    const orgId = requested ?? tops[0]?.id
    if (!orgId) return { tops, report: null }
    if (requested && !(await q.canSee(tx, requested))) return null
    return { tops, report: await q.registration(tx, orgId, periodOf(c.req.query('days'))) }
  })
}

reports.get('/registration', async (c) => {
  const result = await loadReport(c)
  if (!result) notFound()
  return c.html(<RegistrationPage viewer={viewerOf(c)} tops={result.tops} report={result.report} />)
})

/** The same table as a spreadsheet: every row, subtotal and total, with the rate as a number. */
reports.get('/:file{registration\\.(csv|xlsx)}', async (c) => {
  const format = c.req.param('file').endsWith('.csv') ? 'csv' : 'xlsx'
  const result = await loadReport(c)
  if (!result?.report) notFound()
  const { header, rows } = registrationTable(result.report)
  return tableDownload(c, { format, name: `dang-ky-tai-khoan-${today()}`, sheet: 'Đăng ký tài khoản' }, header, rows)
})
