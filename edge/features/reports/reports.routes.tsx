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
import { EvaluationsPage } from '../../../views/reports/EvaluationsPage.tsx'
import * as ev from './reports.evaluations.queries.ts'

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

/**
 * The evaluation distribution of a period (?period=, the latest by default) over an organization
 * (?org=; by default the period's committee when the user manages it, else the top of the user's
 * scope): members and organizations per band, per child. 404 for a period or organization not his/hers.
 */
reports.get('/evaluations', async (c) => {
  const [org, period] = [c.req.query('org'), c.req.query('period')]
  if ((org !== undefined && !isUuid(org)) || (period !== undefined && !isUuid(period))) notFound()
  const result = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const periods = await ev.evaluationPeriods(tx)
    const chosen = period ? await ev.evaluationPeriod(tx, period) : periods[0]
    if (period && !chosen) return null
    const tops = await q.topOrgs(tx)
    if (org && !(await q.canSee(tx, org))) return null
    const orgId = org ?? (chosen && (await q.canSee(tx, chosen.org_id)) ? chosen.org_id : tops[0]?.id)
    return { periods, tops, report: chosen && orgId ? await ev.evaluationDistribution(tx, chosen, orgId) : null }
  })
  if (!result) notFound()
  return c.html(<EvaluationsPage viewer={viewerOf(c)} periods={result.periods} tops={result.tops} report={result.report} />)
})
