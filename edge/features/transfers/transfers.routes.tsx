import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { isHtmx } from '../../kernel/http/htmx.ts'
import { uuidParam } from '../../kernel/http/params.ts'
import { isUuid, parseForm, today, type FieldErrors } from '../../kernel/http/validation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { tableDownload } from '../../kernel/files/table-download.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { formatDate } from '../../../views/components/labels.ts'
import { Layout } from '../../../views/layout/Layout.tsx'
import { LetterPage, type LetterView } from '../../../views/transfers/LetterPage.tsx'
import { KIND_LABELS, statusLabel } from '../../../views/transfers/labels.ts'
import { NoTransferCard, TransferCard } from '../../../views/transfers/TransferCard.tsx'
import { IncomingForm, type IncomingValues, TransferForm, type RequestValues } from '../../../views/transfers/TransferForm.tsx'
import { type StepValues, TransferPage } from '../../../views/transfers/TransferPage.tsx'
import { MyTransfersPage, TransferRows, TransfersPage } from '../../../views/transfers/TransfersPage.tsx'
import { confirmForm, incomingForm, issueForm, messages, reasonForm, requestForm } from './transfers.forms.ts'
import * as q from './transfers.queries.ts'

/** Transfers of Party activity (chuyển sinh hoạt đảng): requests, the steps, the letter, the register. */
export const transfers = new Hono<AppEnv>()
transfers.use(requireUser)

/** What the step functions say when they refuse, as the user reads it; a wrong side is a 404 (nothing to see there). */
function refusal(error: unknown): string {
  const e = error as { code?: string; message?: string }
  if (e.code === '42501' && /wider scope/.test(e.message ?? '')) return messages.notYourMember
  if (e.code === '42501') notFound()
  if (e.code === '55000' && /lapsed/.test(e.message ?? '')) return messages.lapsed
  if (e.code === '55000' && /closed since/.test(e.message ?? '')) return messages.receiverClosed
  if (e.code === '55000' && /in transit/.test(e.message ?? '')) return messages.inTransit
  if (e.code === '55000' && /already has an open/.test(e.message ?? '')) return messages.alreadyOpen
  if (e.code === '23505') return messages.alreadyOpen
  if (e.code === '55000') return messages.outOfOrder
  if (e.code === '22023') return messages.invalid
  throw error
}

// the member profile's card (views/members/MemberProfile.tsx draws it by URL)
transfers.get('/members/:id', async (c) => {
  const id = uuidParam(c, 'id')
  const { member, rows } = await c.get('data').withUser(sessionOf(c), (tx) => q.memberCard(tx, id))
  const card = member ? <TransferCard memberId={id} rows={rows} canStart={member.manages || member.self} self={member.self} /> : <NoTransferCard />
  // the profile's "Xem" link, followed without JavaScript, gets a page around the card
  if (isHtmx(c)) return c.html(card)
  return c.html(
    <Layout title="Chuyển sinh hoạt đảng" viewer={viewerOf(c)}>
      {card}
    </Layout>,
  )
})

/** The year asked of the register (moves in and out), or none. */
function yearOf(value: string | undefined): number | null {
  const year = Number.parseInt(value ?? '', 10)
  return year >= 2000 && year <= 2100 ? year : null
}

/** The register of a committee the viewer manages; a member without a scope sees his/her own transfers. */
transfers.get('/', async (c) => {
  const year = yearOf(c.req.query('year'))
  const asked = c.req.query('org')
  const tab = (q.TABS as readonly string[]).includes(c.req.query('tab') ?? '') ? (c.req.query('tab') as q.Tab) : 'pending'
  const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1))
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const org = await q.registerOrg(tx, isUuid(asked) ? asked : undefined)
    if (!org) return { mine: await q.mine(tx), self: await q.selfRequester(tx) }
    return {
      org,
      choices: await q.registerChoices(tx),
      counts: await q.registerCounts(tx, org.key, year),
      rows: await q.registerRows(tx, org.key, tab, page, year),
    }
  })
  const notice = doneMessage(c, messages)
  if (!('org' in found) || !found.org) {
    if (isUuid(asked)) notFound()
    return c.html(<MyTransfersPage viewer={viewerOf(c)} rows={found.mine ?? []} memberId={'self' in found ? found.self : undefined} notice={notice} />)
  }
  const view = { org: found.org, choices: found.choices, year, tab, tabs: q.TABS, counts: found.counts!, rows: found.rows!, page, pageSize: q.PAGE_SIZE }
  if (isHtmx(c) && c.req.header('HX-Target') === 'transfer-rows') return c.html(<TransferRows {...view} />)
  return c.html(<TransfersPage viewer={viewerOf(c)} notice={notice} {...view} />)
})

/** The register as a spreadsheet (CSV or XLSX), audited. */
transfers.get('/export', async (c) => {
  const asked = c.req.query('org')
  const tab = (q.TABS as readonly string[]).includes(c.req.query('tab') ?? '') ? (c.req.query('tab') as q.Tab) : 'all'
  const format = c.req.query('format') === 'csv' ? 'csv' : 'xlsx'
  const year = yearOf(c.req.query('year'))
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const org = await q.registerOrg(tx, isUuid(asked) ? asked : undefined)
    if (!org) return undefined
    const rows = await q.registerRows(tx, org.key, tab, 1, year, q.EXPORT_LIMIT)
    await q.auditExport(tx, org.id, tab, rows.length)
    return rows
  })
  if (!found) notFound()
  const header = ['Họ và tên', 'Hình thức', 'Từ', 'Đến', 'Số giấy giới thiệu', 'Ngày cấp', 'Hạn tiếp nhận', 'Tình trạng', 'Quá hạn']
  const rows = found.map((t) => [
    t.person_name,
    KIND_LABELS[t.kind],
    t.from_name,
    t.to_name,
    t.letter_number ?? '',
    formatDate(t.letter_date),
    formatDate(t.deadline),
    statusLabel(t),
    t.overdue ? 'Có' : '',
  ])
  return tableDownload(c, { format, name: `so-chuyen-sinh-hoat-${tab}-${today()}`, sheet: 'Chuyển sinh hoạt' }, header, rows)
})

async function requestPage(c: AppContext, memberId: string, values: RequestValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const query = (c.req.query('q') ?? '').normalize('NFC').trim().slice(0, 100)
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const member = await q.requester(tx, memberId)
    return member && { member, found: query ? await q.destinations(tx, query) : [] }
  })
  if (!found) notFound()
  return c.html(
    <TransferForm
      viewer={viewerOf(c)}
      member={found.member}
      query={query}
      hint={messages.searchHint}
      noMatch={messages.noMatch}
      found={found.found}
      values={values}
      errors={errors}
    />,
    status,
  )
}

transfers.get('/new', (c) => {
  const member = c.req.query('member')
  if (!isUuid(member)) notFound()
  return requestPage(c, member, { member_id: member, kind: 'permanent' })
})

transfers.post('/', async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(requestForm, body)
  if (!isUuid(body.member_id)) notFound()
  if (!form.ok) return requestPage(c, body.member_id, body, form.errors, 400)
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => ({ id: await q.request(tx, form.value) }))
    .catch((error) => ({ error: refusal(error) }))
  if ('error' in outcome) return requestPage(c, body.member_id, body, { _form: outcome.error }, 400)
  return c.redirect(`/transfers/${outcome.id}?done=requested`, 303)
})

async function incomingPage(c: AppContext, values: IncomingValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const cells = await c.get('data').withUser(sessionOf(c), (tx) =>
    tx.query<{ id: string; name: string }>(
      `select o.id, o.name from public.organizations o
        where o.id = any (app.small_scope_org_ids(500)) and o.kind in ('cell', 'grassroots_cell') and o.valid_to is null
        order by o.path limit 500`,
    ),
  )
  if (!cells.length) notFound()
  return c.html(<IncomingForm viewer={viewerOf(c)} cells={cells} values={values} errors={errors} />, status)
}

transfers.get('/incoming/new', (c) => incomingPage(c, { kind: 'permanent', person_status: 'official', letter_date: today() }))

transfers.post('/incoming', async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(incomingForm, body)
  if (!form.ok) return incomingPage(c, body, form.errors, 400)
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      // a permanent letter is presented within 30 working days (public holidays skipped): one already lapsed could never be accepted
      if (form.value.kind === 'permanent' && (await q.letterLapsed(tx, form.value.letter_date))) return { lapsed: true as const }
      return { id: await q.recordIncoming(tx, form.value) }
    })
    .catch((error) => ({ error: refusal(error) }))
  if ('lapsed' in outcome) return incomingPage(c, body, { letter_date: messages.letterLapsed }, 400)
  if ('error' in outcome) return incomingPage(c, body, { _form: outcome.error }, 400)
  return c.redirect(`/transfers/${outcome.id}?done=recorded`, 303)
})

/** A transfer's page after an optional change; out of sight is a 404. */
async function transferPage(c: AppContext, id: string, extra: { notice?: string; error?: string; typed?: StepValues } = {}, status: 200 | 400 = 200) {
  const found = await c.get('data').withUser(sessionOf(c), (tx) => q.detail(tx, id))
  if (!found) notFound()
  const notice = extra.notice ?? doneMessage(c, messages)
  return c.html(
    <TransferPage viewer={viewerOf(c)} transfer={found.transfer} events={found.events} notice={notice} error={extra.error} typed={extra.typed} />,
    status,
  )
}

/** The step's form as it was sent (strings only), to show it again when the step is refused. */
async function typedOf(c: AppContext, action: string): Promise<StepValues> {
  const body = await c.req.parseBody()
  const values = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf'))
  return { action, values }
}

transfers.get('/:id', (c) => transferPage(c, uuidParam(c, 'id')))

/** The introduction letter, printable on A4 (only a letter this deployment issued). */
transfers.get('/:id/letter', async (c) => {
  const found = await c.get('data').withUser(sessionOf(c), (tx) => q.detail(tx, uuidParam(c, 'id')))
  if (!found?.transfer.letter_number || !found.transfer.from_org_id) notFound()
  return c.html(<LetterPage viewer={viewerOf(c)} letter={found.transfer as unknown as LetterView} />)
})

/** Runs one step; the step functions decide who and when, their refusals become the page's error. */
async function step(c: AppContext, done: keyof typeof messages, run: (id: string) => (tx: Tx) => Promise<unknown>) {
  const id = uuidParam(c, 'id')
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      await run(id)(tx)
      return {}
    })
    .catch((error) => ({ error: refusal(error) }))
  if ('error' in outcome) return transferPage(c, id, { error: outcome.error, typed: await typedOf(c, c.req.path.split('/').pop() ?? '') }, 400)
  return seeOther(c, `/transfers/${id}`, done, () => transferPage(c, id, { notice: messages[done] }))
}

/** A form error on a step: the page with the first problem, nothing changed. */
const invalidStep = async (c: AppContext, errors: FieldErrors) =>
  transferPage(c, uuidParam(c, 'id'), { error: Object.values(errors)[0], typed: await typedOf(c, c.req.path.split('/').pop() ?? '') }, 400)

transfers.post('/:id/confirm', async (c) => {
  const form = parseForm(confirmForm, await c.req.parseBody())
  if (!form.ok) return invalidStep(c, form.errors)
  return step(c, 'confirmed', (id) => (tx) => q.confirm(tx, id, form.value.fee_month))
})

transfers.post('/:id/issue', async (c) => {
  const form = parseForm(issueForm, await c.req.parseBody())
  if (!form.ok) return invalidStep(c, form.errors)
  return step(c, 'issued', (id) => (tx) => q.issue(tx, id, form.value.letter_number, form.value.letter_date))
})

transfers.post('/:id/accept', (c) => step(c, 'accepted', (id) => (tx) => q.accept(tx, id)))

transfers.post('/:id/refuse', async (c) => {
  const form = parseForm(reasonForm, await c.req.parseBody())
  if (!form.ok) return invalidStep(c, form.errors)
  return step(c, 'refused', (id) => (tx) => q.refuse(tx, id, form.value.reason))
})

transfers.post('/:id/return', async (c) => {
  const form = parseForm(reasonForm, await c.req.parseBody())
  if (!form.ok) return invalidStep(c, form.errors)
  return step(c, 'returned', (id) => (tx) => q.giveBack(tx, id, form.value.reason))
})
