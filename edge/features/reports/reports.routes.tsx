import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid } from '../../kernel/http/validation.ts'
import { RegistrationPage } from '../../../views/reports/RegistrationPage.tsx'
import * as q from './reports.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

export const reports = new Hono<AppEnv>()
reports.use(requireUser)

reports.get('/registration', async (c) => {
  const requested = c.req.query('org')
  if (requested !== undefined && !isUuid(requested)) notFound()
  const result = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const tops = await q.topOrgs(tx)
    const orgId = requested ?? tops[0]?.id
    if (!orgId) return { tops, report: null }
    if (requested && !(await q.canSee(tx, requested))) return null
    return { tops, report: await q.registration(tx, orgId) }
  })
  if (!result) notFound()
  return c.html(<RegistrationPage viewer={viewerOf(c)} tops={result.tops} report={result.report} />)
})
