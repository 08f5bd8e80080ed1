import { Hono } from 'hono'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid, parseForm, today, type FieldErrors } from '../../kernel/http/validation.ts'
import { requestIsHttps } from '../../kernel/http/client.ts'
import { activationCodeHash, formatActivationCode, newActivationCode } from '../../kernel/auth/activation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { ActivationPage, type SlipBatch } from '../../../views/members/ActivationPage.tsx'
import { messages, slipRequest, type SlipRequest } from './members.forms.ts'
import * as q from './members.queries.ts'

export const memberActivation = new Hono<AppEnv>()

/** One printing is one response (the codes are shown once): a city's largest ward fits, a whole province does not. */
export const MAX_SLIPS = 15_000

/** The last valid day of a code issued today for `days` days, and the instant it ends (midnight, Vietnam time). */
function expiry(days: number): { until: string; at: Date } {
  const last = new Date(`${today()}T00:00:00Z`)
  last.setUTCDate(last.getUTCDate() + days)
  const until = last.toISOString().slice(0, 10)
  return { until, at: new Date(`${until}T23:59:59.999+07:00`) }
}

async function formPage(c: AppContext, values: { org_id?: string; days?: number; reissue?: boolean }, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const orgs = await c.get('data').withUser(sessionOf(c), q.activationOrgs)
  if (!orgs.length) notFound()
  return c.html(<ActivationPage viewer={viewerOf(c)} orgs={orgs} values={values} errors={errors} />, status)
}

memberActivation.get('/', (c) => {
  const org = c.req.query('org')
  return formPage(c, { org_id: isUuid(org) ? org : undefined })
})

/** Issues the codes and answers with the slips themselves: never a redirect, the codes are in no URL and stored nowhere readable. */
async function issueSlips(c: AppContext, request: SlipRequest): Promise<{ errors: FieldErrors } | { batch: SlipBatch }> {
  const signer = c.get('signer')
  const { until, at } = expiry(request.days)
  return c.get('data').withUser(sessionOf(c), async (tx): Promise<{ errors: FieldErrors } | { batch: SlipBatch }> => {
    const target = request.member_id ? { memberId: request.member_id } : { orgId: request.org_id! }
    const candidates = await q.slipCandidates(tx, target, MAX_SLIPS + 1)
    if (candidates.length > MAX_SLIPS) return { errors: { org_id: messages.slipsTooMany(MAX_SLIPS) } }
    if (!candidates.length) {
      if (request.member_id) notFound()
      return { errors: { org_id: messages.slipsNone } }
    }
    const codes = candidates.map(() => newActivationCode())
    const hashes = await Promise.all(codes.map((code) => activationCodeHash(signer, code)))
    const outcomes = await q.issueActivationCodes(
      tx,
      candidates.map((m) => m.id),
      hashes,
      at,
      request.member_id ? 'reset' : request.reissue ? 'reissue' : 'missing',
    )
    const byId = new Map(outcomes.map((o) => [o.member_id, o]))
    const people = candidates.map((m, i) => ({ ...m, ...byId.get(m.id)!, code: formatActivationCode(codes[i]) }))
    const batch = {
      until,
      site: `${requestIsHttps(c) ? 'https' : 'http'}://${c.req.header('host') ?? 'localhost'}`,
      slips: people.filter((p) => p.outcome === 'issued').map(({ code, login, ...p }) => ({ ...p, login: login!, code })),
      skipped: people.filter((p) => p.outcome !== 'issued').map(({ id, full_name, org_name, outcome }) => ({ id, full_name, org_name, outcome })),
    }
    return { batch }
  })
}

memberActivation.post('/', async (c) => {
  const body = await c.req.parseBody()
  const form = parseForm(slipRequest, body)
  const kept = { org_id: typeof body.org_id === 'string' ? body.org_id : undefined, days: Number(body.days) || 30, reissue: body.reissue === 'on' }
  if (!form.ok) return formPage(c, kept, form.errors, 400)
  const result = await issueSlips(c, form.value)
  if ('errors' in result) return formPage(c, kept, result.errors, 400)
  return c.html(<ActivationPage viewer={viewerOf(c)} batch={result.batch} values={kept} />)
})
