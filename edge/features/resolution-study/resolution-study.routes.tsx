import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { uuidParam } from '../../kernel/http/params.ts'
import { isUuid, parseForm, today, type FieldErrors } from '../../kernel/http/validation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import {
  CampaignForm,
  CampaignList,
  CampaignPage,
  CellMembers,
  CompletionTable,
  ProgressPage,
  RecordPage,
  StudyListPage,
  StudySummary,
  type CampaignFormValues,
} from '../../../views/resolution-study/StudyPages.tsx'
import type { Tx } from '../../kernel/db/types.ts'
import { type CampaignInput, campaignForm, messages, REFLECTION_MAX, reflectionForm, returnForm } from './resolution-study.forms.ts'
import * as q from './resolution-study.queries.ts'

/** Resolution study campaigns: studied (or recorded by proxy), reflections, quizzes, completion per organization. */
export const resolutionStudy = new Hono<AppEnv>()
resolutionStudy.use(requireUser)

const pageOf = (value: string | undefined) => Math.min(Math.max(Number.parseInt(value ?? '1', 10) || 1, 1), 10_000)

/** A refusal of the database's policies or triggers (42501) is an answer, not a crash. */
const refused = (error: unknown) => {
  if ((error as { code?: string }).code === '42501') return null
  throw error
}

resolutionStudy.get('/', async (c) => {
  const page = pageOf(c.req.query('page'))
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({
    list: await q.campaigns(tx, page),
    audiences: await q.audiences(tx),
  }))
  if (isHtmx(c) && c.req.query('page')) return c.html(<CampaignList rows={found.list.rows} total={found.list.total} page={page} />)
  return c.html(
    <StudyListPage
      viewer={viewerOf(c)}
      rows={found.list.rows}
      total={found.list.total}
      page={page}
      canCreate={found.audiences.length > 0}
      notice={doneMessage(c, messages)}
    />,
  )
})

/** The home page's card: my open campaigns and what I still have to do (loaded by URL). */
resolutionStudy.get('/summary', async (c) => {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({ rows: await q.myOpen(tx), toReview: await q.toReview(tx) }))
  return c.html(<StudySummary rows={found.rows} toReview={found.toReview} />)
})

async function formPage(c: AppContext, values: CampaignFormValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const { audiences, choices } = await c.get('data').withUser(sessionOf(c), async (tx) => ({ audiences: await q.audiences(tx), choices: await q.choices(tx) }))
  if (!audiences.length) notFound()
  return c.html(<CampaignForm viewer={viewerOf(c)} audiences={audiences} choices={choices} values={values} errors={errors} />, status)
}

resolutionStudy.get('/new', (c) => {
  const inTwoWeeks = today(Date.now() + 14 * 86_400_000)
  return formPage(c, { starts_on: today(), due_on: inTwoWeeks })
})

resolutionStudy.post('/', async (c) => {
  const body = (await c.req.parseBody()) as CampaignFormValues
  const form = parseForm(campaignForm, body)
  if (!form.ok) return formPage(c, body, form.errors, 400)
  const v = form.value
  const id = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => (await referenceErrors(tx, v)) ?? q.createCampaign(tx, v))
    .catch(refused)
  if (!id) return formPage(c, body, { org_id: messages.outOfScope }, 400)
  if (typeof id !== 'string') return formPage(c, body, id, 400)
  return c.redirect(`/study/${id}?done=created`, 303)
})

/** The resolution, extra documents and quiz must be ones the author can see (published, in the library's and exams' RLS). */
async function referenceErrors(tx: Tx, v: CampaignInput): Promise<FieldErrors | undefined> {
  const unseen = await q.unseenReferences(tx, [v.document_id, ...v.extra_document_ids], v.exam_id)
  const errors: FieldErrors = {}
  if (unseen.documents.includes(v.document_id)) errors.document_id = messages.documentUnseen
  if (unseen.documents.some((d) => d !== v.document_id)) errors.extra_document_ids = messages.extraUnseen
  if (unseen.exam) errors.exam_id = messages.examUnseen
  return Object.keys(errors).length ? errors : undefined
}

async function editPage(c: AppContext, id: string, values: CampaignFormValues | undefined, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const { found, choices } = await c.get('data').withUser(sessionOf(c), async (tx) => ({ found: await q.campaign(tx, id), choices: await q.choices(tx) }))
  if (!found?.can_manage || found.closed_at) notFound()
  const shown: CampaignFormValues = values ?? {
    org_id: found.org_id,
    title: found.title,
    description: found.description ?? '',
    document_id: found.document_id,
    extra_document_ids: found.extra_document_ids.join('\n'),
    extra_links: found.extra_links.join('\n'),
    exam_id: found.exam_id ?? '',
    starts_on: found.starts_on,
    due_on: found.due_on,
  }
  return c.html(
    <CampaignForm
      viewer={viewerOf(c)}
      audiences={[]}
      choices={choices}
      values={{ ...shown, org_id: found.org_id }}
      errors={errors}
      edit={{ id, orgName: found.org_name }}
    />,
    status,
  )
}

resolutionStudy.get('/:id/edit', (c) => editPage(c, uuidParam(c, 'id'), undefined))

resolutionStudy.post('/:id', async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody()) as CampaignFormValues
  const form = parseForm(campaignForm, body)
  if (!form.ok) return editPage(c, id, body, form.errors, 400)
  const v = form.value
  const saved = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const found = await q.campaign(tx, id)
      if (!found?.can_manage) return false
      return (await referenceErrors(tx, v)) ?? q.updateCampaign(tx, id, v)
    })
    .catch(refused)
  if (saved === false) notFound()
  if (saved === null) return editPage(c, id, body, { _form: messages.outOfScope }, 400)
  if (saved !== true) return editPage(c, id, body, saved, 400)
  return c.redirect(`/study/${id}?done=saved`, 303)
})

async function campaignPage(c: AppContext, id: string, extra: { reflection?: string; errors?: FieldErrors; notice?: string } = {}, status: 200 | 400 = 200) {
  const { found, studied } = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const found = await q.campaign(tx, id)
    return { found, studied: !found && (await q.hasRecord(tx, id)) }
  })
  if (!found) notFound(studied ? messages.outOfSight : undefined)
  return c.html(<CampaignPage viewer={viewerOf(c)} campaign={found} maxReflection={REFLECTION_MAX} {...extra} />, status)
}

resolutionStudy.get('/:id', (c) => campaignPage(c, uuidParam(c, 'id'), { notice: doneMessage(c, messages) }))

resolutionStudy.post('/:id/close', async (c) => {
  const id = uuidParam(c, 'id')
  if (!(await c.get('data').withUser(sessionOf(c), (tx) => q.closeCampaign(tx, id)))) notFound()
  return seeOther(c, `/study/${id}`, 'closed', () => campaignPage(c, id, { notice: messages.closed }))
})

/** The member records his/her own study. */
resolutionStudy.post('/:id/studied', async (c) => {
  const id = uuidParam(c, 'id')
  const result = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const found = await q.campaign(tx, id)
      if (!found?.addressed) return undefined
      return q.recordStudied(tx, id, null)
    })
    .catch(refused)
  if (result === undefined) notFound()
  if (result === null) return campaignPage(c, id, { errors: { studied: messages.notOpen } }, 400)
  return seeOther(c, `/study/${id}`, 'studied', () => campaignPage(c, id, { notice: messages.studied }))
})

/** The member hands in (again) his/her reflection. */
resolutionStudy.post('/:id/reflection', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody()
  const form = parseForm(reflectionForm, body)
  const typed = typeof body.reflection === 'string' ? body.reflection : ''
  if (!form.ok) return campaignPage(c, id, { reflection: typed, errors: form.errors }, 400)
  const saved = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const found = await q.campaign(tx, id)
      if (!found?.addressed) return undefined
      return q.submitReflection(tx, id, form.value.reflection)
    })
    .catch(refused)
  if (saved === undefined) notFound()
  if (!saved) return campaignPage(c, id, { reflection: typed, errors: { reflection: messages.notOpen } }, 400)
  return seeOther(c, `/study/${id}`, 'submitted', () => campaignPage(c, id, { notice: messages.submitted }))
})

/** Completion per organization; at a cell, its members (the secretary records by proxy from here). */
async function progressPage(c: AppContext, id: string, orgParam: string | undefined, extra: { notice?: string; error?: string } = {}) {
  if (orgParam !== undefined && !isUuid(orgParam)) notFound()
  const page = pageOf(c.req.query('page'))
  const memberPage = pageOf(c.req.query('mpage'))
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const campaign = await q.campaign(tx, id)
    if (!campaign?.oversees) return undefined
    const org = await q.completionOrg(tx, id, orgParam)
    if (!org) return undefined
    const counts = await q.completion(tx, id, org, page)
    const members = org.is_cell ? await q.cellMembers(tx, id, org.id, memberPage) : undefined
    return { campaign, org, counts, members }
  })
  if (!found) notFound()
  const { campaign, org, counts, members } = found
  if (isHtmx(c) && c.req.query('mpage') && members) {
    return c.html(<CellMembers campaignId={id} hasQuiz={!!campaign.exam_id} orgId={org.id} csrf={viewerOf(c).csrf} {...members} page={memberPage} />)
  }
  if (isHtmx(c) && c.req.query('page')) {
    return c.html(
      <CompletionTable
        campaignId={id}
        hasQuiz={!!campaign.exam_id}
        org={org}
        total={counts.total}
        children={counts.children}
        childCount={counts.childCount}
        page={page}
      />,
    )
  }
  return c.html(
    <ProgressPage
      viewer={viewerOf(c)}
      campaign={campaign}
      org={org}
      total={counts.total}
      children={counts.children}
      childCount={counts.childCount}
      page={page}
      members={members && { ...members, page: memberPage }}
      {...extra}
    />,
  )
}

resolutionStudy.get('/:id/progress', (c) => progressPage(c, uuidParam(c, 'id'), c.req.query('org'), { notice: doneMessage(c, messages) }))

/** The cell's secretary records, on a member's behalf, that he/she attended the cell's study session. */
resolutionStudy.post('/:id/members/:memberId/studied', async (c) => {
  const id = uuidParam(c, 'id')
  const memberId = uuidParam(c, 'memberId')
  const result = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const campaign = await q.campaign(tx, id)
      const member = campaign?.oversees ? await q.memberOfCell(tx, memberId) : undefined
      if (!member) return undefined
      return { org: member.org_id, ok: await q.recordStudied(tx, id, memberId) }
    })
    .catch(refused)
  if (result === undefined) notFound()
  if (result === null) return c.html(<p class="alert">{messages.notAllowed}</p>, 403)
  if (!result.ok) return progressPage(c, id, result.org, { error: messages.alreadyStudied })
  return seeOther(c, `/study/${id}/progress?org=${result.org}`, 'proxied', () => progressPage(c, id, result.org, { notice: messages.proxied }))
})

async function recordPage(
  c: AppContext,
  id: string,
  recordId: string,
  extra: { values?: { return_reason?: string }; errors?: FieldErrors } = {},
  status: 200 | 400 = 200,
) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const campaign = await q.campaign(tx, id)
    const record = campaign && (await q.memberRecord(tx, id, recordId))
    return campaign && record ? { campaign, record } : undefined
  })
  if (!found) notFound()
  return c.html(<RecordPage viewer={viewerOf(c)} campaign={found.campaign} record={found.record} notice={doneMessage(c, messages)} {...extra} />, status)
}

resolutionStudy.get('/:id/records/:recordId', (c) => recordPage(c, uuidParam(c, 'id'), uuidParam(c, 'recordId')))

async function reviewRoute(c: AppContext, decision: 'accepted' | 'returned') {
  const id = uuidParam(c, 'id')
  const recordId = uuidParam(c, 'recordId')
  let reason: string | null = null
  if (decision === 'returned') {
    const body = await c.req.parseBody()
    const form = parseForm(returnForm, body)
    if (!form.ok) return recordPage(c, id, recordId, { values: { return_reason: String(body.return_reason ?? '') }, errors: form.errors }, 400)
    reason = form.value.return_reason
  }
  const done = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const record = await q.memberRecord(tx, id, recordId)
      if (!record?.can_review) return undefined
      return q.review(tx, recordId, decision, reason)
    })
    .catch(refused)
  if (!done) notFound()
  return seeOther(c, `/study/${id}/records/${recordId}`, decision, () => recordPage(c, id, recordId))
}

resolutionStudy.post('/:id/records/:recordId/accept', (c) => reviewRoute(c, 'accepted'))
resolutionStudy.post('/:id/records/:recordId/return', (c) => reviewRoute(c, 'returned'))
