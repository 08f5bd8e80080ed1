import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Flash } from '../components/Field.tsx'
import { Pagination } from '../components/Pagination.tsx'
import { formatDate } from '../components/labels.ts'
import { messages as m } from '../../edge/features/resident-members/resident-members.forms.ts'
import { type CardRegistration, StatusLine } from './ResidentCard.tsx'

const PAGE_SIZE = 20
const OPEN = ['pending', 'confirmed', 'exempt']
/** More cells than this in a scope: the list asks for a name instead of growing (a city holds hundreds). */
const MANY = 20

/** The landing page: the signed-in member's own registrations, and the cells he/she manages. */
export function ResidentsPage(props: {
  viewer: Viewer
  memberId: string | null
  mine: CardRegistration[]
  own: { id: string; name: string; parent_name: string | null }[]
  residences: { id: string; name: string; pending: number; residing: number }[]
  filter?: string
  notice?: string
  error?: string
}) {
  const open = props.mine.find((r) => OPEN.includes(r.status))
  return (
    <Layout title={m.title} viewer={props.viewer}>
      <h1>{m.title}</h1>
      <Flash notice={props.notice} error={props.error} />
      <p class="muted">{m.intro}</p>
      {props.memberId && (
        <section class="card" aria-labelledby="mine-h">
          <h2 id="mine-h">{m.headings.mine}</h2>
          {props.mine.length === 0 ? (
            <EmptyState title={m.empty.mine} />
          ) : (
            <ul class="cards">
              {props.mine.map((r) => (
                <li>
                  <strong>{r.exemption ? `${m.status.exempt}: ${m.exemptions[r.exemption]}` : r.cell_name}</strong>
                  <br />
                  <StatusLine r={r} />
                  {r.status === 'refused' && <small> · {r.refusal_reason}</small>}
                  {OPEN.includes(r.status) && r.working_side && <EndForm id={r.id} csrf={props.viewer.csrf} />}
                </li>
              ))}
            </ul>
          )}
          {!open && (
            <p class="actions">
              <a class="button" href={`/residents/register?member_id=${props.memberId}`}>
                {m.actions.register}
              </a>
            </p>
          )}
        </section>
      )}
      {props.residences.length > 0 && (
        <section class="card" aria-labelledby="residences-h">
          <h2 id="residences-h">{m.headings.residences}</h2>
          <ul class="cards">
            {props.residences.map((r) => (
              <li>
                <a href={`/residents/cells/${r.id}${r.pending > 0 ? '?view=pending' : ''}`}>{r.name}</a>
                <Counts counts={r} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {(props.own.length > 0 || props.filter) && (
        <section class="card" aria-labelledby="cells-h">
          <h2 id="cells-h">{m.headings.cells}</h2>
          {(props.own.length > MANY || props.filter) && (
            <form method="get" action="/residents" class="inline" role="search">
              <label for="f-cell">{m.labels.filterCells}</label>
              <input id="f-cell" name="cell" type="search" value={props.filter ?? ''} maxlength={100} />
              <button type="submit" class="secondary">
                {m.actions.search}
              </button>
            </form>
          )}
          {props.own.length === 0 ? (
            <EmptyState title={m.empty.cells} />
          ) : (
            <ul class="cards">
              {props.own.slice(0, MANY).map((o) => (
                <li>
                  <strong>{o.name}</strong>
                  {o.parent_name && <small class="muted"> – {o.parent_name}</small>}
                  <br />
                  <a href={`/residents/working/${o.id}`}>{m.headings.working}</a> · <a href={`/residents/cells/${o.id}`}>{m.headings.here}</a>
                </li>
              ))}
            </ul>
          )}
          {props.own.length > MANY && <p class="muted">{m.manyCells}</p>}
        </section>
      )}
    </Layout>
  )
}

function Counts(props: { counts?: { residing: number; pending: number } }) {
  if (!props.counts) return null
  return (
    <>
      <br />
      <small>
        {m.views.residing} <span class="badge">{props.counts.residing}</span> · {m.views.pending} <span class="badge">{props.counts.pending}</span>
      </small>
    </>
  )
}

export function EndForm(props: { id: string; csrf: string; back?: string }) {
  return (
    <form method="post" action={`/residents/registrations/${props.id}/end`} class="inline" hx-confirm={m.confirmEnd}>
      <CsrfField token={props.csrf} />
      {props.back && <input type="hidden" name="back" value={props.back} />}
      <label class="sr" for={`end-${props.id}`}>
        {m.labels.endReason}
      </label>
      <input id={`end-${props.id}`} name="reason" maxlength={500} placeholder={m.labels.endReason} />
      <button type="submit" class="secondary">
        {m.actions.end}
      </button>
    </form>
  )
}

export interface ResidentRow {
  id: string
  full_name: string
  status: string
  address: string | null
  created_on: string
  started_on: string | null
  comment_year: number | null
  assessment: string | null
}

/** A refusal that failed validation: shown beside its row, with what was typed. */
export interface RowError {
  id: string
  message: string
  value?: string
}

/** One page of a residence cell's list: swapped alone by the pager and by the confirm/refuse buttons. */
/** The cell's three lists as tabs, each with how many it holds (swapped out of band after a decision). */
export function ResidentTabs(props: { orgId: string; view: string; counts: Record<string, number>; oob?: boolean }) {
  return (
    <nav class="tabs" id="resident-tabs" aria-label={m.headings.lists} hx-swap-oob={props.oob ? 'true' : undefined}>
      {Object.entries(m.views).map(([view, label]) => (
        <a href={`/residents/cells/${props.orgId}?view=${view}`} aria-current={view === props.view ? 'page' : undefined}>
          {label} ({props.counts[view] ?? 0})
        </a>
      ))}
    </nav>
  )
}

export function ResidentRows(props: {
  orgId: string
  view: string
  year: number
  rows: ResidentRow[]
  total: number
  page: number
  csrf: string
  error?: RowError
  notice?: string
}) {
  const href = (page: number) => `/residents/cells/${props.orgId}?view=${props.view}${page > 1 ? `&page=${page}` : ''}`
  return (
    <div id="resident-rows">
      <Flash notice={props.notice} />
      {props.rows.length === 0 ? (
        <EmptyState title={m.empty[props.view as 'residing']} />
      ) : (
        <ul class="cards">
          {props.rows.map((r) => (
            <li class="card">
              <strong>{r.full_name}</strong>
              <br />
              {r.address && (
                <>
                  <small>{r.address}</small>
                  <br />
                </>
              )}
              {r.status === 'pending' ? (
                <>
                  <small>
                    {m.status.pending} {m.since} {formatDate(r.created_on)}
                  </small>
                  <DecideForms id={r.id} orgId={props.orgId} csrf={props.csrf} error={props.error?.id === r.id ? props.error : undefined} />
                </>
              ) : (
                <>
                  <small>
                    {m.status.confirmed} {m.since} {formatDate(r.started_on)} ·{' '}
                    {r.comment_year ? `${m.commentOfYear} ${props.year}: ${m.assessments[r.assessment ?? '']}` : m.noComment}
                  </small>
                  <br />
                  <a href={`/residents/registrations/${r.id}/comment`}>{r.comment_year ? m.actions.editComment : m.actions.comment}</a>
                  <EndForm id={r.id} csrf={props.csrf} back={`/residents/cells/${props.orgId}`} />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <Pagination page={props.page} pageSize={PAGE_SIZE} total={props.total} href={href} target="#resident-rows" />
    </div>
  )
}

function DecideForms(props: { id: string; orgId: string; csrf: string; error?: RowError }) {
  const errId = `refuse-${props.id}-err`
  return (
    <div class="actions">
      <form
        method="post"
        action={`/residents/registrations/${props.id}/confirm`}
        hx-post={`/residents/registrations/${props.id}/confirm`}
        hx-target="#resident-rows"
        hx-swap="outerHTML"
      >
        <CsrfField token={props.csrf} />
        <button type="submit">{m.actions.confirm}</button>
      </form>
      <form
        method="post"
        action={`/residents/registrations/${props.id}/refuse`}
        hx-post={`/residents/registrations/${props.id}/refuse`}
        hx-target="#resident-rows"
        hx-swap="outerHTML"
      >
        <CsrfField token={props.csrf} />
        <div class={props.error ? 'field invalid' : 'field'}>
          <label for={`refuse-${props.id}`}>{m.labels.refusal}</label>
          <input
            id={`refuse-${props.id}`}
            name="reason"
            maxlength={500}
            value={props.error?.value ?? ''}
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={props.error ? errId : undefined}
          />
          {props.error && (
            <p class="error" id={errId}>
              {props.error.message}
            </p>
          )}
        </div>
        <button type="submit" class="secondary">
          {m.actions.refuse}
        </button>
      </form>
    </div>
  )
}

/** A residence cell's lists: members residing here, pending confirmations, comments due this year. */
export function CellResidentsPage(props: {
  viewer: Viewer
  org: { id: string; name: string }
  view: string
  year: number
  rows: ResidentRow[]
  total: number
  page: number
  notice?: string
  error?: RowError
  counts: Record<string, number>
}) {
  return (
    <Layout title={`${m.headings.here} · ${props.org.name}`} viewer={props.viewer}>
      <p>
        <a href="/residents">‹ {m.title}</a>
      </p>
      <h1>
        {m.headings.here}: {props.org.name}
      </h1>
      <ResidentTabs orgId={props.org.id} view={props.view} counts={props.counts} />
      <ResidentRows
        notice={props.notice}
        orgId={props.org.id}
        view={props.view}
        year={props.year}
        rows={props.rows}
        total={props.total}
        page={props.page}
        csrf={props.viewer.csrf}
        error={props.error}
      />
    </Layout>
  )
}

export interface WorkingRow {
  id: string
  full_name: string
  registration_id: string | null
  status: string | null
  cell_name: string | null
  exemption: string | null
  comment_year: number | null
  assessment: string | null
  /** the viewer's own row: he/she registers, but does not exempt himself/herself */
  self?: boolean
}

export function WorkingRows(props: { orgId: string; rows: WorkingRow[]; total: number; page: number; year: number; csrf: string }) {
  const href = (page: number) => `/residents/working/${props.orgId}${page > 1 ? `?page=${page}` : ''}`
  return (
    <div id="working-rows">
      {props.rows.length === 0 ? (
        <EmptyState title={m.empty.working} />
      ) : (
        <ul class="cards">
          {props.rows.map((r) => (
            <li class="card">
              <a href={`/members/${r.id}`}>
                <strong>{r.full_name}</strong>
              </a>
              <br />
              {!r.status ? (
                <small class="muted">{m.none}</small>
              ) : (
                <small>
                  {r.exemption ? `${m.status.exempt}: ${m.exemptions[r.exemption]}` : `${r.cell_name} · ${m.status[r.status]}`}
                  {r.status === 'confirmed' &&
                    ` · ${r.comment_year ? `${m.commentOfYear} ${props.year}: ${m.assessments[r.assessment ?? '']}` : m.noCommentReceived}`}
                </small>
              )}
              {r.registration_id && r.status && OPEN.includes(r.status) && (
                <EndForm id={r.registration_id} csrf={props.csrf} back={`/residents/working/${props.orgId}`} />
              )}
              {(!r.status || !OPEN.includes(r.status)) && (
                <>
                  <br />
                  <a href={`/residents/register?member_id=${r.id}`}>{m.actions.register}</a>
                  {!r.self && (
                    <>
                      {' '}
                      · <a href={`/residents/exempt?member_id=${r.id}`}>{m.actions.exempt}</a>
                    </>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <Pagination page={props.page} pageSize={PAGE_SIZE} total={props.total} href={href} target="#working-rows" />
    </div>
  )
}

/** A working cell's members: registered where, confirmed, this year's comment received. */
export function WorkingMembersPage(props: {
  viewer: Viewer
  org: { id: string; name: string }
  year: number
  rows: WorkingRow[]
  total: number
  page: number
  notice?: string
}) {
  return (
    <Layout title={`${m.headings.working} · ${props.org.name}`} viewer={props.viewer}>
      <p>
        <a href="/residents">‹ {m.title}</a>
      </p>
      <h1>
        {m.headings.working}: {props.org.name}
      </h1>
      <Flash notice={props.notice} />
      <WorkingRows orgId={props.org.id} rows={props.rows} total={props.total} page={props.page} year={props.year} csrf={props.viewer.csrf} />
    </Layout>
  )
}
