import { Hono } from 'hono'
import { sessionOf, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid } from '../../kernel/http/validation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { QualityPage } from '../../../views/members/QualityPage.tsx'
import { CHECKS, type Check } from './members.quality.queries.ts'
import * as q from './members.quality.queries.ts'

/** "Chuẩn hóa dữ liệu": the quality of the member records of the user's subtree, per organization, and the records to fix. */
export const memberQuality = new Hono<AppEnv>()

memberQuality.get('/', async (c) => {
  const asked = c.req.query('org')
  if (asked !== undefined && !isUuid(asked)) notFound()
  const check = CHECKS.find((k) => k === c.req.query('check')) as Check | undefined
  const page = Math.min(1000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1))
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const tops = await q.qualityTops(tx)
    const orgId = asked ?? tops[0]?.id
    if (!orgId || (asked && !(await q.canSeeOrg(tx, asked)))) return undefined
    const report = await q.qualityReport(tx, orgId)
    if (!report) return undefined
    // a cell (nothing below it) shows its records at once; a committee, those of the check chosen
    const listed = check || report.children.length === 0
    return { tops, report, list: listed ? { rows: await q.flaggedMembers(tx, orgId, check, page), page } : undefined }
  })
  if (!found) notFound()
  return c.html(<QualityPage viewer={viewerOf(c)} check={check} {...found} />)
})
