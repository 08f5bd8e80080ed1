import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { hashPassword, temporaryPassword } from '../../kernel/auth/password.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { isUuid, parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { MembersPage } from '../../../views/members/MembersPage.tsx'
import { MemberRows } from '../../../views/members/MemberRows.tsx'
import { MemberForm, type FormValues } from '../../../views/members/MemberForm.tsx'
import { MemberProfile } from '../../../views/members/MemberProfile.tsx'
import { listQuery, memberForm, messages, statusChange, type ListQuery, type MemberInput } from './members.forms.ts'
import * as q from './members.queries.ts'
import { memberImport } from './members.import.tsx'
import { memberExport } from './members.export.ts'
import { memberQuality } from './members.quality.tsx'
import { memberActivation } from './members.activation.tsx'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

export const members = new Hono<AppEnv>()
members.use(requireUser)

function listUrl(f: ListQuery, page: number): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...f, page: page > 1 ? page : undefined })) {
    if (v !== undefined && v !== '' && !(k === 'status' && v === 'current')) params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `/members?${qs}` : '/members'
}

members.get('/', async (c) => {
  const f = listQuery.parse(c.req.query())
  const href = (page: number) => listUrl(f, page)
  const { rows, total, capped, orgs, canCreate } = await c.get('data').withUser(sessionOf(c), async (tx) => ({
    ...(await q.listMembers(tx, f)),
    orgs: isHtmx(c) ? [] : await q.filterOrgs(tx),
    canCreate: isHtmx(c) ? false : await q.canAddMembers(tx),
  }))
  if (isHtmx(c)) return c.html(<MemberRows rows={rows} total={total} capped={capped} page={f.page} pageSize={q.PAGE_SIZE} href={href} />)
  const exportQuery = listUrl({ ...f, page: 1 }, 1).split('?')[1] ?? ''
  return c.html(
    <MembersPage
      viewer={viewerOf(c)}
      filters={f}
      orgs={orgs}
      rows={rows}
      total={total}
      capped={capped}
      page={f.page}
      pageSize={q.PAGE_SIZE}
      href={href}
      exportQuery={exportQuery}
      canCreate={canCreate}
    />,
  )
})

members.route('/import', memberImport)
members.route('/quality', memberQuality)
members.route('/activation', memberActivation)
members.route('/', memberExport)

function formPage(
  c: AppContext,
  props: { action: string; title: string; values: FormValues; errors: FieldErrors; orgs: Awaited<ReturnType<typeof q.assignableOrgs>>; cancelHref: string },
  status: 200 | 400 = 200,
) {
  return c.html(<MemberForm viewer={viewerOf(c)} {...props} />, status)
}

/** Unique violations become field messages; anything else propagates. */
function uniqueViolation(error: unknown): FieldErrors | null {
  const e = error as { code?: string; constraint_name?: string; constraint?: string; message?: string }
  if (e.code !== '23505') return null
  const name = e.constraint_name ?? e.constraint ?? e.message ?? ''
  if (name.includes('card_number')) return { card_number: messages.duplicateCard }
  if (name.includes('citizen_id')) return { citizen_id: messages.duplicateCitizen }
  return { _form: 'Dữ liệu bị trùng với một hồ sơ đã có.' }
}

members.get('/new', async (c) => {
  const orgs = await c.get('data').withUser(sessionOf(c), q.assignableOrgs)
  if (!orgs.length) notFound()
  return formPage(c, {
    action: '/members',
    title: 'Thêm đảng viên',
    values: { org_id: orgs.length === 1 ? orgs[0].id : undefined },
    errors: {},
    orgs,
    cancelHref: '/members',
  })
})

/** Validates the form and saves it under RLS: to the profile when saved, else the form again with its errors. */
async function saveMember(
  c: AppContext,
  page: { action: string; title: string; cancelHref: string },
  save: (tx: Tx, value: MemberInput) => Promise<string | null>,
) {
  const body = (await c.req.parseBody()) as FormValues
  const form = parseForm(memberForm, body)
  const data = c.get('data')
  const result = await data
    .withUser(sessionOf(c), async (tx) => {
      const orgs = await q.assignableOrgs(tx)
      if (!form.ok) return { errors: form.errors, orgs }
      if (!orgs.some((o) => o.id === form.value.org_id)) return { errors: { org_id: messages.orgOutOfScope }, orgs }
      return { id: await save(tx, form.value), orgs }
    })
    .catch((error) => {
      const code = (error as { code?: string }).code
      // the database refuses a subordinate's change to a superior's phone or card number (see has_authority_over),
      // and a new cell for a member in transit (the receiving side's acceptance moves him/her)
      const errors = code === '42501' ? { phone: messages.identifiersNotYours } : code === '55000' ? { org_id: messages.inTransit } : uniqueViolation(error)
      if (!errors) throw error
      return { errors, orgs: null }
    })
  if ('id' in result) {
    if (!result.id) notFound()
    return c.redirect(`/members/${result.id}?saved=1`, 303)
  }
  const orgs = result.orgs ?? (await data.withUser(sessionOf(c), q.assignableOrgs))
  if (!orgs.length) notFound()
  return formPage(c, { ...page, values: body, errors: result.errors ?? {}, orgs }, 400)
}

members.post('/', (c) => saveMember(c, { action: '/members', title: 'Thêm đảng viên', cancelHref: '/members' }, (tx, value) => q.createMember(tx, value)))

async function profilePage(c: AppContext, id: string, extra: { notice?: string; errors?: FieldErrors } = {}, status: 200 | 400 | 403 = 200) {
  if (!isUuid(id)) notFound()
  const { member, audit } = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const member = await q.getMember(tx, id)
    return { member, audit: member ? await q.auditTrail(tx, id) : [] }
  })
  if (!member) notFound()
  return c.html(<MemberProfile viewer={viewerOf(c)} member={member} audit={audit} {...extra} />, status)
}

members.get('/:id', (c) => {
  const saved = c.req.query('saved')
  return profilePage(c, c.req.param('id'), { notice: saved ? messages.updated : doneMessage(c, messages) })
})

function toFormValues(member: Record<string, unknown>): FormValues {
  return Object.fromEntries(Object.entries(member).map(([k, v]) => [k, v === null || v === undefined ? undefined : String(v)]))
}

members.get('/:id/edit', async (c) => {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  const { member, orgs } = await c.get('data').withUser(sessionOf(c), async (tx) => ({ member: await q.getMember(tx, id), orgs: await q.assignableOrgs(tx) }))
  if (!member?.can_manage) notFound()
  return formPage(c, {
    action: `/members/${id}`,
    title: `Sửa hồ sơ: ${member.full_name}`,
    values: toFormValues(member),
    errors: {},
    orgs,
    cancelHref: `/members/${id}`,
  })
})

members.post('/:id', (c) => {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  return saveMember(c, { action: `/members/${id}`, title: 'Sửa hồ sơ', cancelHref: `/members/${id}` }, async (tx, value) =>
    (await q.updateMember(tx, id, value)) ? id : null,
  )
})

members.post('/:id/status', async (c) => {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  const body = await c.req.parseBody()
  const form = parseForm(statusChange, body)
  if (!form.ok) {
    const key = typeof body.change === 'string' ? body.change : '_form'
    return profilePage(c, id, { errors: { [key]: Object.values(form.errors)[0] } }, 400)
  }
  const changed = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.changeStatus(tx, id, form.value))
    .catch((error) => {
      // the database refuses to record that a superior or a peer left or died (see has_authority_over)
      if ((error as { code?: string }).code === '42501') return 'not-yours' as const
      throw error
    })
  if (changed === 'not-yours') return profilePage(c, id, { errors: { _form: messages.statusNotYours } }, 403)
  if (!changed) notFound()
  return seeOther(c, `/members/${id}`, 'statusChanged', () => profilePage(c, id, { notice: messages.statusChanged }))
})

// answered with the page itself, never a redirect: the temporary password is shown once and never put in a URL
members.post('/:id/login', async (c) => {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  const password = temporaryPassword()
  const hash = await hashPassword(password)
  const outcome = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const member = await q.getMember(tx, id)
    if (!member?.can_manage) return 'not-found' as const
    return q.issueLogin(tx, id, hash)
  })
  if (outcome === 'not-found') notFound()
  const refused = { no_contact: messages.loginNeedsContact, not_yours: messages.loginNotYours, login_taken: messages.loginTaken, left: messages.loginLeft }
  if (outcome !== 'issued') return profilePage(c, id, { errors: { _form: refused[outcome] } }, outcome === 'not_yours' ? 403 : 400)
  return profilePage(c, id, { notice: messages.loginIssued(password) })
})
