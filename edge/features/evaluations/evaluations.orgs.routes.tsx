import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { uuidParam } from '../../kernel/http/params.ts'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { isUuid, parseForm, today, type FieldErrors } from '../../kernel/http/validation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { tableDownload } from '../../kernel/files/table-download.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { OrgReportPage, type ReportValues } from '../../../views/evaluations/OrgReportPage.tsx'
import { OrgDecisionListPage } from '../../../views/evaluations/OrgDecisionListPage.tsx'
import { BAND_LABELS, BAND_ORDER } from '../../../views/evaluations/OrgBands.ts'
import { decisionForm, messages, reportForm, returnForm } from './evaluations.orgs.forms.ts'
import * as q from './evaluations.orgs.queries.ts'

/**
 * Ranking of organizations in an evaluation period (the collective report, its members' and
 * sub-units' results beside it, the decision of the committee above) and the period's decision
 * list (A4 print, XLSX). Mounted inside the evaluations feature at /evaluations.
 */
export const evaluationOrgs = new Hono<AppEnv>()
evaluationOrgs.use('/ranking/*', requireUser)

/** The period and the organization of the path, as the user sees them; 404 when either is not his/hers to manage. */
async function periodAndOrg(c: AppContext, tx: Tx) {
  const p = await q.period(tx, uuidParam(c, 'period'))
  if (!p) notFound()
  const org = await q.rankedOrg(tx, p, uuidParam(c, 'org'))
  if (!org) notFound()
  return { p, org }
}

/** The report page, read afresh (after a refused post too: its transaction was rolled back). */
async function reportPage(c: AppContext, extra: { values?: ReportValues; errors?: FieldErrors; notice?: string } = {}, status: 200 | 400 = 200) {
  const { p, form } = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const { p, org } = await periodAndOrg(c, tx)
    return { p, form: await q.orgForm(tx, p, org) }
  })
  return c.html(<OrgReportPage viewer={viewerOf(c)} period={p} form={form} {...extra} />, status)
}

/** A move the database refused: not this user's step (42501) or no longer open / incomplete (23514). */
function refusal(error: unknown): string | null {
  const code = (error as { code?: string }).code
  if (code === '42501') return messages.notYours
  if (code === '23514') return messages.notOpen
  return null
}

/** Runs one move as the user; a refusal is shown on the page with the user's input kept. */
async function move(c: AppContext, values: ReportValues, done: keyof typeof messages, work: (tx: Tx, periodId: string, orgId: string) => Promise<boolean>) {
  const ok = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const { p, org } = await periodAndOrg(c, tx)
      return work(tx, p.id, org.id)
    })
    .catch((error) => {
      const message = refusal(error)
      if (message === null) throw error
      return message
    })
  if (ok !== true) return reportPage(c, { values, errors: { _form: ok === false ? messages.notOpen : ok } }, 400)
  const url = `/evaluations/ranking/${c.req.param('period')}/${c.req.param('org')}`
  return seeOther(c, url, done, () => reportPage(c, { notice: messages[done] }))
}

/** A period's ranking starts at its committee (or at the top of the user's part of it); ?org= opens another. */
evaluationOrgs.get('/ranking/:period', async (c) => {
  const wanted = c.req.query('org')
  if (wanted !== undefined && !isUuid(wanted)) notFound()
  const orgId = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const p = await q.period(tx, uuidParam(c, 'period'))
    if (!p) notFound()
    return wanted ? wanted : await q.startOrg(tx, p)
  })
  if (!orgId) notFound()
  return c.redirect(`/evaluations/ranking/${c.req.param('period')}/${orgId}`, 302)
})

evaluationOrgs.get('/ranking/:period/:org', (c) => reportPage(c, { notice: doneMessage(c, messages) }))

evaluationOrgs.post('/ranking/:period/:org/report', async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(reportForm, body)
  if (!form.ok) return reportPage(c, { values: body, errors: form.errors }, 400)
  const { send, ...fields } = form.value
  return move(c, body, send ? 'sent' : 'saved', async (tx, periodId, orgId) => {
    await q.saveReport(tx, periodId, orgId, { ...fields, send })
    return true
  })
})

evaluationOrgs.post('/ranking/:period/:org/decision', async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(decisionForm, body)
  if (!form.ok) return reportPage(c, { values: body, errors: form.errors }, 400)
  return move(c, body, 'decided', (tx, periodId, orgId) => q.decide(tx, periodId, orgId, form.value))
})

evaluationOrgs.post('/ranking/:period/:org/return', async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(returnForm, body)
  if (!form.ok) return reportPage(c, { values: body, errors: form.errors }, 400)
  return move(c, body, 'returned', (tx, periodId, orgId) => q.returnReport(tx, periodId, orgId, form.value.return_reason))
})

/** The decision list of the organization's subtree, read and its export audited in one transaction. */
async function decisions(c: AppContext, format: 'xlsx' | 'print') {
  return c.get('data').withUser(sessionOf(c), async (tx) => {
    const { p, org } = await periodAndOrg(c, tx)
    const list = await q.decisionList(tx, p.id, org.key)
    await q.recordDecisionExport(tx, p.id, org.id, format, list.rows.length)
    return { p, org, list }
  })
}

evaluationOrgs.get('/ranking/:period/:org/decisions', async (c) => {
  const { p, org, list } = await decisions(c, 'print')
  const place = (c.req.query('place') ?? '').normalize('NFC').trim().slice(0, 60)
  return c.html(<OrgDecisionListPage viewer={viewerOf(c)} list={{ period: p, org, rows: list.rows, counts: list.counts, place, today: today() }} />)
})

evaluationOrgs.get('/ranking/:period/:org/:file{decisions\\.xlsx}', async (c) => {
  const { p, list } = await decisions(c, 'xlsx')
  const rows: unknown[][] = list.rows.map((r, i) => [i + 1, r.full_name, r.position ?? '', r.cell_name, BAND_LABELS[r.band ?? 'pending']])
  // the totals per band under the table, as on the printed list
  rows.push([])
  for (const b of [...BAND_ORDER, 'pending'] as const) rows.push(['', `Cộng: ${BAND_LABELS[b]}`, '', '', list.counts[b]])
  rows.push(['', 'Tổng số', '', '', list.rows.length])
  return tableDownload(
    c,
    { format: 'xlsx', name: `xep-loai-dang-vien-${p.year}-${today()}`, sheet: `Xếp loại ${p.year}` },
    ['STT', 'Họ và tên', 'Chức vụ', 'Chi bộ', 'Mức xếp loại'],
    rows,
  )
})
