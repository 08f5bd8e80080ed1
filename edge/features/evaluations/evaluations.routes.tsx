import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { uuidParam } from '../../kernel/http/params.ts'
import { isUuid, parseForm, today, type FieldErrors } from '../../kernel/http/validation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { Layout } from '../../../views/layout/Layout.tsx'
import { EvaluationList, EvaluationsPage } from '../../../views/evaluations/EvaluationsPage.tsx'
import { EvaluationPage, type ActiveForm, type FormValues } from '../../../views/evaluations/EvaluationPage.tsx'
import { MemberEvaluationsCard } from '../../../views/evaluations/MemberEvaluationsCard.tsx'
import { PeriodForm, type PeriodFormValues } from '../../../views/evaluations/PeriodForm.tsx'
import { type CriteriaValues, PeriodPage } from '../../../views/evaluations/PeriodPage.tsx'
import { type Band, decisionForm, formatPoints, messages, periodForm, proposalForm, returnForm, selfForm, type Step, STEPS } from './evaluations.forms.ts'
import * as q from './evaluations.queries.ts'

/** Annual evaluation and ranking of members: periods, the three steps with returns, the profile card. */
export const evaluations = new Hono<AppEnv>()
evaluations.use(requireUser)

const RANK: Record<Band, number> = { excellent: 4, good: 3, complete: 2, not_complete: 1 }
/** Points as people type them: digits, with a decimal comma or point (Number() would also take "0x5", "5e0", "+5"). */
const DECIMAL = /^\d{1,3}(\.\d+)?$/
const isDbError = (error: unknown, code: string) => (error as { code?: string }).code === code

/** Periods I see, my own evaluations, and the list of my subtree for the chosen period (managers). */
evaluations.get('/', async (c) => {
  const asked = { period: c.req.query('period'), org: c.req.query('org'), step: c.req.query('step') as Step | undefined }
  const page = Math.max(1, Math.min(1000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1))
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const periods = await q.periods(tx)
    const mine = isHtmx(c) ? [] : await q.myEvaluations(tx)
    const openable = isHtmx(c) ? [] : await q.openableOrgs(tx)
    const [scope] = await tx.query<{ manages: boolean }>(`select cardinality(app.managed_scope()) > 0 as manages`)
    const period = periods.find((p) => p.id === asked.period) ?? periods[0]
    if (!scope.manages || !period) return { periods, mine, openable }
    const orgId = isUuid(asked.org) ? asked.org : undefined
    const step = STEPS.includes(asked.step as Step) ? asked.step : undefined
    const listed = await q.list(tx, period.id, { orgId, step }, page)
    return { periods, mine, openable, list: { period, orgs: await q.filterOrgs(tx), orgId, step, page, ...listed } }
  })
  if (isHtmx(c) && found.list) return c.html(<EvaluationList list={found.list} />)
  return c.html(
    <EvaluationsPage
      viewer={viewerOf(c)}
      mine={found.mine}
      periods={found.periods}
      canOpen={found.openable.length > 0}
      list={found.list}
      notice={doneMessage(c, messages)}
    />,
  )
})

async function periodFormPage(c: AppContext, values: PeriodFormValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const orgs = await c.get('data').withUser(sessionOf(c), q.openableOrgs)
  if (!orgs.length) notFound()
  return c.html(<PeriodForm viewer={viewerOf(c)} orgs={orgs} values={values} errors={errors} />, status)
}

evaluations.get('/periods/new', (c) => {
  const year = Number(today().slice(0, 4))
  return periodFormPage(c, { kind: 'year', year: String(year), title: `Đánh giá, xếp loại chất lượng đảng viên năm ${year}`, excellent_quota_percent: '20' })
})

evaluations.post('/periods', async (c) => {
  const body = (await c.req.parseBody()) as PeriodFormValues
  const form = parseForm(periodForm, body)
  if (!form.ok) return periodFormPage(c, body, form.errors, 400)
  const id = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.openPeriod(tx, form.value))
    .catch((error) => {
      if (isDbError(error, '42501')) return null
      throw error
    })
  if (!id) return periodFormPage(c, body, { org_id: messages.outOfScope }, 400)
  return c.redirect(`/evaluations?period=${id}&done=opened`, 303)
})

/** A period's page: deadlines, the 100-point form (its committee adjusts it until the first self-assessment), closing. */
async function periodPage(c: AppContext, id: string, values?: CriteriaValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const period = await q.period(tx, id)
    if (!period) return undefined
    return { period, criteria: await q.criteria(tx, id), conditions: await q.conditions(tx, id) }
  })
  if (!found) notFound()
  const current = Object.fromEntries([
    ...found.criteria.flatMap((k) => [
      [`title_${k.id}`, k.title],
      [`points_${k.id}`, formatPoints(k.max_points)],
    ]),
    ...found.conditions.flatMap((k) => [
      [`cond_label_${k.code}`, k.label],
      [`cond_band_${k.code}`, k.max_band],
    ]),
  ])
  return c.html(<PeriodPage viewer={viewerOf(c)} {...found} values={{ ...current, ...values }} errors={errors} notice={doneMessage(c, messages)} />, status)
}

evaluations.get('/periods/:id', (c) => periodPage(c, uuidParam(c, 'id')))

/** The committee's edits of the form: each field checked, the sums told before the database checks them again. */
evaluations.post('/periods/:id/criteria', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody()) as Record<string, string>
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({ period: await q.period(tx, id), criteria: await q.criteria(tx, id) }))
  if (!found.period?.can_manage) notFound()
  if (found.period.status !== 'open') return periodPage(c, id, undefined, { _form: messages.periodClosed }, 400)
  if (found.period.locked) return periodPage(c, id, undefined, { _form: messages.formLocked }, 400)
  const criteria = found.criteria
  const errors: FieldErrors = {}
  const changes: q.CriterionChange[] = []
  const read = (slot: string, section: 'general' | 'tasks', existing?: string) => {
    const title = (body[`title_${slot}`] ?? '').trim().normalize('NFC')
    const raw = (body[`points_${slot}`] ?? '').trim().replace(',', '.')
    if (!existing && !title && !raw) return
    if (existing && body[`remove_${slot}`] === 'on') return changes.push({ id: existing, section, title, max_points: 0, remove: true })
    const points = Number(raw)
    if (!title || title.length > 300) errors[`title_${slot}`] = messages.criterionTitle
    if (!DECIMAL.test(raw) || points <= 0 || points > 70 || Math.round(points * 100) !== points * 100) errors[`points_${slot}`] = messages.criterionPoints
    changes.push({ id: existing, section, title, max_points: points })
  }
  for (const k of criteria) read(k.id, k.section, k.id)
  read('new_general', 'general')
  read('new_tasks', 'tasks')
  const sum = (section: string) =>
    changes.filter((k) => k.section === section && !k.remove).reduce((a, k) => a + (Number.isFinite(k.max_points) ? k.max_points : 0), 0)
  if (!Object.keys(errors).length && (sum('general') !== 30 || sum('tasks') !== 70)) errors._form = messages.formNotAddingUp(sum('general'), sum('tasks'))
  if (Object.keys(errors).length) return periodPage(c, id, body, errors, 400)
  const saved = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.saveCriteria(tx, id, changes))
    .then(
      () => 'saved' as const,
      (error) => {
        if (isDbError(error, '42501')) return 'locked' as const
        if (isDbError(error, '23514')) return 'sums' as const
        throw error
      },
    )
  if (saved === 'locked') return periodPage(c, id, body, { _form: messages.formLocked }, 400)
  if (saved === 'sums') return periodPage(c, id, body, { _form: messages.formNotAddingUp(sum('general'), sum('tasks')) }, 400)
  return seeOther(c, `/evaluations/periods/${id}`, 'criteriaSaved', () => periodPage(c, id))
})

/** The committee's edits of the disqualifying conditions, until the first self-assessment like the form. */
evaluations.post('/periods/:id/conditions', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody()) as Record<string, string>
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({ period: await q.period(tx, id), conditions: await q.conditions(tx, id) }))
  if (!found.period?.can_manage) notFound()
  if (found.period.status !== 'open') return periodPage(c, id, undefined, { _form: messages.periodClosed }, 400)
  if (found.period.locked) return periodPage(c, id, undefined, { _form: messages.formLocked }, 400)
  const errors: FieldErrors = {}
  const changes: q.ConditionChange[] = []
  const read = (slot: string, existing?: string) => {
    const label = (body[`cond_label_${slot}`] ?? '').trim().normalize('NFC')
    const band = body[`cond_band_${slot}`] ?? ''
    if (!existing && !label) return
    if (existing && body[`cond_remove_${slot}`] === 'on') return changes.push({ code: existing, label, max_band: 'complete', remove: true })
    if (!label || label.length > 300) errors[`cond_label_${slot}`] = messages.conditionLabel
    if (!['good', 'complete', 'not_complete'].includes(band)) errors[`cond_band_${slot}`] = messages.conditionBand
    changes.push({ code: existing, label, max_band: band as q.ConditionChange['max_band'] })
  }
  for (const k of found.conditions) read(k.code, k.code)
  read('new')
  if (Object.keys(errors).length) return periodPage(c, id, body, errors, 400)
  // a self-assessment sent since the page was read locks them in the database too
  const locked = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.saveConditions(tx, id, changes))
    .then(
      () => false,
      (error) => {
        if (isDbError(error, '42501')) return true
        throw error
      },
    )
  if (locked) return periodPage(c, id, body, { _form: messages.formLocked }, 400)
  return seeOther(c, `/evaluations/periods/${id}`, 'conditionsSaved', () => periodPage(c, id))
})

evaluations.post('/periods/:id/close', async (c) => {
  const id = uuidParam(c, 'id')
  const closed = await c.get('data').withUser(sessionOf(c), (tx) => q.closePeriod(tx, id))
  if (!closed) notFound()
  return seeOther(c, `/evaluations/periods/${id}`, 'closed', () => periodPage(c, id))
})

/** The member profile's card: this member's evaluations the viewer may see, with their history. */
evaluations.get('/members/:id', async (c) => {
  const id = uuidParam(c, 'id')
  const found = await c.get('data').withUser(sessionOf(c), (tx) => q.memberEvaluations(tx, id))
  const card = <MemberEvaluationsCard evaluations={found} />
  if (isHtmx(c)) return c.html(card)
  return c.html(
    <Layout title="Đánh giá, xếp loại" viewer={viewerOf(c)} current="/evaluations">
      {card}
    </Layout>,
  )
})

/** The evaluation page, with the form of the viewer's step (and what was typed, when it comes back with errors). */
async function evaluationPage(
  c: AppContext,
  id: string,
  form: { active?: ActiveForm; values?: FormValues; errors?: FieldErrors; notice?: string } = {},
  status: 200 | 400 = 200,
) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const e = await q.detail(tx, id)
    if (!e) return undefined
    const criteria = await q.criteria(tx, e.period_id)
    const conditions = await q.conditions(tx, e.period_id)
    const moves = await q.history(tx, id)
    const quota = e.step === 'committee_decision' && e.above_side ? await q.quota(tx, id) : undefined
    return { e, criteria, conditions, moves, quota }
  })
  if (!found) notFound()
  const quota = found.quota
    ? `Tỉ lệ xuất sắc của tổ chức cơ sở: tối đa ${formatPoints(found.quota.quota_percent)}% số hoàn thành tốt trở lên; nếu quyết định xuất sắc: ${found.quota.excellent}/${found.quota.good_or_better} người, được tối đa ${found.quota.allowed}.`
    : undefined
  return c.html(<EvaluationPage viewer={viewerOf(c)} {...found} quota={quota} {...form} notice={form.notice ?? doneMessage(c, messages)} />, status)
}

evaluations.get('/:id', (c) => evaluationPage(c, uuidParam(c, 'id')))

/** Runs one move; a move the database refuses (not this user's step, or no longer open) is said so on the page. */
async function move(c: AppContext, id: string, active: ActiveForm, values: FormValues, done: keyof typeof messages, run: () => Promise<boolean>) {
  const moved = await run().catch((error) => {
    if (isDbError(error, '23514') && /quota exceeded after this return/.test((error as Error).message)) return 'quota' as const
    if (isDbError(error, '42501') || isDbError(error, '23514')) return false
    throw error
  })
  if (moved === 'quota') return evaluationPage(c, id, { active, values, errors: { _form: messages.returnOverQuota } }, 400)
  if (!moved) return evaluationPage(c, id, { active, values, errors: { _form: messages.notYourStep } }, 400)
  return seeOther(c, `/evaluations/${id}`, done, () => evaluationPage(c, id, { notice: messages[done] as string }))
}

evaluations.post('/:id/self', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(selfForm, body)
  const errors: FieldErrors = form.ok ? {} : { ...form.errors }
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const e = await q.detail(tx, id)
    return e && { e, criteria: await q.criteria(tx, e.period_id) }
  })
  if (!found) notFound()
  const scores: Record<string, number> = {}
  for (const criterion of found.criteria) {
    const raw = (body[`score_${criterion.id}`] ?? '').trim().replace(',', '.')
    const points = Number(raw)
    if (raw === '') errors[`score_${criterion.id}`] = messages.scoreMissing
    else if (!DECIMAL.test(raw) || points < 0 || points > Number(criterion.max_points) || Math.round(points * 100) !== points * 100)
      errors[`score_${criterion.id}`] = messages.scoreRange(Number(criterion.max_points))
    else scores[criterion.id] = points
  }
  if (form.ok && !Object.keys(errors).length && form.value.self_band) {
    const total = Object.values(scores).reduce((a, b) => a + b, 0)
    const computed = await c.get('data').withUser(sessionOf(c), (tx) => q.computedBand(tx, found.e.period_id, total, form.value.self_all_tasks_done, []))
    if (RANK[form.value.self_band] > RANK[computed]) errors.self_band = messages.bandAbove(computed)
  }
  if (!form.ok || Object.keys(errors).length) return evaluationPage(c, id, { active: 'self', values: body, errors }, 400)
  return move(c, id, 'self', body, 'selfSent', () => c.get('data').withUser(sessionOf(c), (tx) => q.submitSelf(tx, id, scores, form.value)))
})

evaluations.post('/:id/proposal', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody({ all: true })) as FormValues
  const form = parseForm(proposalForm, body)
  if (!form.ok) return evaluationPage(c, id, { active: 'proposal', values: body, errors: form.errors }, 400)
  const v = form.value
  const { e, voters } = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const e = await q.detail(tx, id)
    return { e, voters: e ? await q.cellVoters(tx, e.org_id) : 0 }
  })
  if (!e) notFound()
  // the cell's official members vote: no more ballots than they are, and a proposal needs more for than against
  // (asked of whoever may record it; anyone else hears that the step is not his/hers, from move below)
  const mayPropose = e.step === 'cell_proposal' && e.cell_side
  if (mayPropose && v.votes_for + v.votes_against > voters)
    return evaluationPage(c, id, { active: 'proposal', values: body, errors: { votes_for: messages.tooManyVotes(voters) } }, 400)
  if (mayPropose && v.votes_for <= v.votes_against)
    return evaluationPage(c, id, { active: 'proposal', values: body, errors: { votes_for: messages.noMajority } }, 400)
  if (v.proposal_band) {
    const computed = await c.get('data').withUser(sessionOf(c), (tx) => q.computedBand(tx, e.period_id, v.proposal_points, v.all_tasks_done, v.conditions))
    if (RANK[v.proposal_band] > RANK[computed])
      return evaluationPage(c, id, { active: 'proposal', values: body, errors: { proposal_band: messages.bandAbove(computed) } }, 400)
  }
  return move(c, id, 'proposal', body, 'proposed', () => c.get('data').withUser(sessionOf(c), (tx) => q.propose(tx, id, v)))
})

evaluations.post('/:id/decision', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody({ all: true })) as FormValues
  const form = parseForm(decisionForm, body)
  if (!form.ok) return evaluationPage(c, id, { active: 'decision', values: body, errors: form.errors }, 400)
  const v = form.value
  const problem = await c.get('data').withUser(sessionOf(c), async (tx): Promise<FieldErrors | undefined> => {
    const e = await q.detail(tx, id)
    if (!e) notFound()
    if (e.step !== 'committee_decision' || !e.above_side) return { _form: messages.notYourStep }
    const computed = await q.computedBand(tx, e.period_id, Number(e.proposal_points), !!e.all_tasks_done, v.conditions)
    if (RANK[v.decision_band] > RANK[computed]) return { decision_band: messages.bandAbove(computed) }
    if (v.decision_band !== 'excellent') return undefined
    // the quota, checked before saving so that the committee sees who is over (the database checks again)
    const quota = await q.quota(tx, id)
    if (quota.over > 0) return { decision_band: messages.quotaOver({ ...quota, percent: Number(quota.quota_percent) }) }
    return undefined
  })
  if (problem) return evaluationPage(c, id, { active: 'decision', values: body, errors: problem }, 400)
  return move(c, id, 'decision', body, 'decided', () => c.get('data').withUser(sessionOf(c), (tx) => q.decide(tx, id, v)))
})

evaluations.post('/:id/return', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(returnForm, body)
  if (!form.ok) return evaluationPage(c, id, { active: 'return', values: body, errors: form.errors }, 400)
  const from = STEPS.includes(body.from as Step) ? (body.from as Step) : 'self_assessment'
  return move(c, id, 'return', body, 'returned', () => c.get('data').withUser(sessionOf(c), (tx) => q.returnStep(tx, id, from, form.value.return_reason)))
})
import { evaluationOrgs } from './evaluations.orgs.routes.tsx'
evaluations.route('/', evaluationOrgs)
