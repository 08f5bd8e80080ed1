import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { uuidParam } from '../../kernel/http/params.ts'
import { isUuid, parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { Layout } from '../../../views/layout/Layout.tsx'
import { ResidentCard } from '../../../views/resident-members/ResidentCard.tsx'
import {
  CellChoices,
  CommentPage,
  ExemptPage,
  RegisterPage,
  type CommentValues,
  type ExemptValues,
  type RegisterValues,
} from '../../../views/resident-members/ResidentForms.tsx'
import {
  CellResidentsPage,
  ResidentRows,
  ResidentTabs,
  ResidentsPage,
  WorkingMembersPage,
  WorkingRows,
  type RowError,
} from '../../../views/resident-members/ResidentPages.tsx'
import { commentForm, endForm, exemptForm, messages, refuseForm, registerForm } from './resident-members.forms.ts'
import * as q from './resident-members.queries.ts'

/** Resident members (đảng viên cư trú, Quy định 213-QĐ/TW): registrations, exemptions, yearly comments. */
export const residentMembers = new Hono<AppEnv>()

residentMembers.use('*', requireUser)

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string }

/** Runs a checked action; the database's refusals (42501 not allowed, 23505 / 23514 not now) become outcomes to render. */
async function attempt<T>(c: AppContext, fn: (tx: Tx) => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await c.get('data').withUser(sessionOf(c), fn) }
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    if (['42501', '23505', '23514'].includes(code)) return { ok: false, code, message: String((error as Error).message) }
    throw error
  }
}

const pageOf = (c: AppContext) => Math.min(10_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '', 10) || 1))
const bodyOf = async (c: AppContext) => (await c.req.parseBody()) as Record<string, string>

// the landing page -------------------------------------------------------------------------

residentMembers.get('/', async (c) => {
  const filter = (c.req.query('cell') ?? '').trim().slice(0, 100)
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({
    memberId: await q.me(tx),
    mine: await q.mine(tx),
    ...(await q.placesOfManager(tx, filter)),
  }))
  return c.html(<ResidentsPage viewer={viewerOf(c)} {...found} filter={filter} notice={doneMessage(c, messages)} />)
})

// registering ------------------------------------------------------------------------------

async function registerPage(c: AppContext, values: RegisterValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const memberId = values.member_id
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const member = isUuid(memberId) ? await q.registrant(tx, memberId, true) : undefined
    if (!member) return undefined
    const chosenName = isUuid(values.org_id) ? await q.cellName(tx, values.org_id) : undefined
    return {
      member,
      self: member.id === (await q.me(tx)),
      cells: values.q?.trim() ? await q.cells(tx, values.q) : [],
      chosen: chosenName && values.org_id ? { id: values.org_id, name: chosenName, parent_name: null } : undefined,
    }
  })
  if (!found) notFound()
  return c.html(<RegisterPage viewer={viewerOf(c)} {...found} values={values} errors={errors} />, status)
}

residentMembers.get('/register', async (c) => {
  const memberId = c.req.query('member_id') ?? (await c.get('data').withUser(sessionOf(c), q.me)) ?? undefined
  return registerPage(c, { member_id: memberId, q: c.req.query('q')?.slice(0, 100) })
})

/** The cell search while typing: names only, from any open cell of the deployment. */
residentMembers.get('/cells', async (c) => {
  const query = (c.req.query('q') ?? '').slice(0, 100)
  const chosen = c.req.query('org_id')
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({
    cells: query.trim() ? await q.cells(tx, query) : [],
    chosenName: isUuid(chosen) ? await q.cellName(tx, chosen) : undefined,
  }))
  const kept = found.chosenName && chosen ? { id: chosen, name: found.chosenName, parent_name: null } : undefined
  return c.html(<CellChoices cells={found.cells} chosen={kept} value={chosen} q={query} />)
})

residentMembers.post('/register', async (c) => {
  const body = await bodyOf(c)
  const form = parseForm(registerForm, body)
  if (!form.ok) return registerPage(c, body, form.errors, 400)
  const { member_id, org_id, address } = form.value
  const done = await attempt(c, async (tx) => ({ id: await q.register(tx, member_id, org_id, address), self: member_id === (await q.me(tx)) }))
  if (!done.ok) {
    // another cell's member (or a member who may not be registered by this user): as if it did not exist
    if (done.code === '42501') notFound()
    const errors: FieldErrors =
      done.code === '23505' ? { _form: messages.openExists } : { org_id: done.message.includes('working cell') ? messages.sameCell : messages.notOpenCell }
    return registerPage(c, body, errors, 400)
  }
  const orgOf = await c.get('data').withUser(sessionOf(c), (tx) => q.registrant(tx, member_id, true))
  return c.redirect(done.value.self || !orgOf ? '/residents?done=registered' : `/residents/working/${orgOf.org_id}?done=registered`, 303)
})

// exemptions -------------------------------------------------------------------------------

async function exemptPage(c: AppContext, values: ExemptValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const memberId = values.member_id
  const member = isUuid(memberId) ? await c.get('data').withUser(sessionOf(c), (tx) => q.registrant(tx, memberId, false)) : undefined
  if (!member) notFound()
  return c.html(<ExemptPage viewer={viewerOf(c)} member={member} values={values} errors={errors} />, status)
}

residentMembers.get('/exempt', (c) => exemptPage(c, { member_id: c.req.query('member_id') }))

residentMembers.post('/exempt', async (c) => {
  const body = await bodyOf(c)
  const form = parseForm(exemptForm, body)
  if (!form.ok) return exemptPage(c, body, form.errors, 400)
  const { member_id, exemption, note } = form.value
  const done = await attempt(c, async (tx) => {
    await q.exempt(tx, member_id, exemption, note)
    return q.registrant(tx, member_id, false)
  })
  if (!done.ok) {
    if (done.code === '42501') notFound()
    return exemptPage(c, body, { _form: messages.openExists }, 400)
  }
  return c.redirect(`/residents/working/${done.value?.org_id}?done=exempted`, 303)
})

// the residence cell's decisions ------------------------------------------------------------------

/** A residence cell's list page, or its rows alone for htmx. */
async function cellPage(c: AppContext, orgId: string, view: q.HereView, page: number, extra: { notice?: string; error?: RowError; status?: 200 | 400 } = {}) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const org = await q.managedCell(tx, orgId)
    if (!org) return undefined
    const year = await q.thisYear(tx)
    return { org, year, counts: await q.residentCounts(tx, orgId, year), ...(await q.residents(tx, orgId, view, year, page)) }
  })
  if (!found) notFound()
  const rows = { orgId, view, year: found.year, rows: found.rows, total: found.total, page, error: extra.error }
  if (isHtmx(c))
    // a decision swaps the rows: its message and the tabs' counts come along
    return c.html(
      <>
        <ResidentRows {...rows} csrf={viewerOf(c).csrf} notice={extra.notice} />
        <ResidentTabs orgId={orgId} view={view} counts={found.counts} oob />
      </>,
      extra.status ?? 200,
    )
  return c.html(<CellResidentsPage viewer={viewerOf(c)} {...rows} counts={found.counts} org={found.org} notice={extra.notice} />, extra.status ?? 200)
}

const viewOf = (value: string | undefined): q.HereView => (value === 'pending' || value === 'due' ? value : 'residing')

residentMembers.get('/cells/:orgId', (c) => cellPage(c, uuidParam(c, 'orgId'), viewOf(c.req.query('view')), pageOf(c), { notice: doneMessage(c, messages) }))

/** The registration behind a decision, as the caller sees it: someone else's is a 404. */
async function visibleRegistration(c: AppContext, id: string) {
  const found = await c.get('data').withUser(sessionOf(c), (tx) => q.registration(tx, id))
  if (!found) notFound()
  return found
}

residentMembers.post('/registrations/:id/confirm', async (c) => {
  const reg = await visibleRegistration(c, uuidParam(c, 'id'))
  const done = await attempt(c, (tx) => q.decide(tx, reg.id, true, undefined))
  if (!done.ok && done.code === '42501') notFound()
  const orgId = reg.org_id ?? notFound()
  if (!done.ok) return cellPage(c, orgId, 'pending', 1, { notice: messages.notPending })
  return seeOther(c, `/residents/cells/${orgId}?view=pending`, 'confirmed', () => cellPage(c, orgId, 'pending', 1, { notice: messages.confirmed }))
})

residentMembers.post('/registrations/:id/refuse', async (c) => {
  const reg = await visibleRegistration(c, uuidParam(c, 'id'))
  const orgId = reg.org_id ?? notFound()
  const body = await bodyOf(c)
  const form = parseForm(refuseForm, body)
  if (!form.ok) return cellPage(c, orgId, 'pending', 1, { error: { id: reg.id, message: form.errors.reason, value: body.reason }, status: 400 })
  const done = await attempt(c, (tx) => q.decide(tx, reg.id, false, form.value.reason))
  if (!done.ok && done.code === '42501') notFound()
  if (!done.ok) return cellPage(c, orgId, 'pending', 1, { notice: messages.notPending })
  return seeOther(c, `/residents/cells/${orgId}?view=pending`, 'refused', () => cellPage(c, orgId, 'pending', 1, { notice: messages.refused }))
})

residentMembers.post('/registrations/:id/end', async (c) => {
  const reg = await visibleRegistration(c, uuidParam(c, 'id'))
  const body = await bodyOf(c)
  const form = parseForm(endForm, body)
  const done = await attempt(c, (tx) => q.end(tx, reg.id, form.ok ? form.value.reason : undefined))
  if (!done.ok && done.code === '42501') notFound()
  // back to the list the form was on (only our own list pages: never an address from outside)
  const back = /^\/residents\/(working|cells)\/[0-9a-f-]{36}$/.test(body.back ?? '')
    ? body.back
    : reg.residence_side && reg.org_id
      ? `/residents/cells/${reg.org_id}`
      : '/residents'
  return c.redirect(`${back}?done=${done.ok ? 'ended' : 'notPending'}`, 303)
})

// the yearly comment -------------------------------------------------------------------------

async function commentPage(c: AppContext, id: string, values: CommentValues | undefined, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const reg = await q.registration(tx, id)
    if (!reg?.residence_side || reg.status !== 'confirmed' || !reg.org_id) return undefined
    const member = await q.residentName(tx, id)
    if (!member?.active) return undefined
    const year = await q.thisYear(tx)
    const from = Number((reg.started_on ?? `${year}`).slice(0, 4))
    const years = Array.from({ length: year - from + 1 }, (_, i) => year - i)
    const existing = values ? undefined : await q.commentOf(tx, id, year)
    return {
      orgId: reg.org_id,
      name: member.full_name,
      years,
      values: values ?? { year: String(year), assessment: existing?.assessment, body: existing?.body },
    }
  })
  if (!found) notFound()
  return c.html(<CommentPage viewer={viewerOf(c)} registrationId={id} {...found} errors={errors} />, status)
}

residentMembers.get('/registrations/:id/comment', (c) => commentPage(c, uuidParam(c, 'id'), undefined))

residentMembers.post('/registrations/:id/comment', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await bodyOf(c)
  const form = parseForm(commentForm, body)
  if (!form.ok) return commentPage(c, id, body, form.errors, 400)
  const done = await attempt(c, async (tx) => {
    await q.writeComment(tx, id, form.value)
    return (await q.registration(tx, id))?.org_id
  })
  if (!done.ok) {
    if (done.code === '42501') notFound()
    return commentPage(c, id, body, done.message.includes('year') ? { year: messages.yearOutside } : { _form: messages.notResiding }, 400)
  }
  return c.redirect(`/residents/cells/${done.value}?view=due&done=commented`, 303)
})

// the working cell's list -----------------------------------------------------------------------

residentMembers.get('/working/:orgId', async (c) => {
  const orgId = uuidParam(c, 'orgId')
  const page = pageOf(c)
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const org = await q.managedCell(tx, orgId)
    if (!org) return undefined
    const year = await q.thisYear(tx)
    return { org, year, ...(await q.workingMembers(tx, orgId, year, page)) }
  })
  if (!found) notFound()
  if (isHtmx(c)) return c.html(<WorkingRows orgId={orgId} rows={found.rows} total={found.total} page={page} year={found.year} csrf={viewerOf(c).csrf} />)
  return c.html(<WorkingMembersPage viewer={viewerOf(c)} {...found} page={page} notice={doneMessage(c, messages)} />)
})

// the card on the member profile (and the working cell's evaluation step) ------------------------------

residentMembers.get('/members/:id', async (c) => {
  // the working cell's evaluation step of a year asks for that year's comment (?year=2026)
  const asked = Number(c.req.query('year'))
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : undefined
  const card = await c.get('data').withUser(sessionOf(c), (tx) => q.card(tx, uuidParam(c, 'id'), year))
  if (!card) {
    // nothing this viewer may see: htmx removes the slot
    if (isHtmx(c)) return c.html('')
    notFound()
  }
  if (isHtmx(c)) return c.html(<ResidentCard card={card} />)
  return c.html(
    <Layout title={messages.cardTitle} viewer={viewerOf(c)}>
      <p>
        <a href={card.workingSide ? `/members/${card.memberId}` : '/residents'}>‹ {card.name}</a>
      </p>
      <h1>{card.name}</h1>
      <ResidentCard card={card} />
    </Layout>,
  )
})
