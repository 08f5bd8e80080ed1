import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, FormErrors, SelectField } from '../components/Field.tsx'
import { ASSESSMENTS, EXEMPTIONS, messages as m } from '../../edge/features/resident-members/resident-members.forms.ts'

export interface RegisterValues {
  member_id?: string
  org_id?: string
  address?: string
  q?: string
}

export interface CellOption {
  id: string
  name: string
  parent_name: string | null
}

/** The search results as radio buttons: swapped alone while the user types. */
export function CellChoices(props: { cells: CellOption[]; chosen?: CellOption; value?: string; q?: string; error?: string }) {
  // the chosen cell stays offered while the user searches for others: the choice is not lost
  const cells = props.chosen && !props.cells.some((c) => c.id === props.chosen?.id) ? [props.chosen, ...props.cells] : props.cells
  return (
    <fieldset id="cell-choices" class={props.error ? 'invalid' : undefined} aria-describedby={props.error ? 'f-org_id-err' : undefined}>
      <legend>{m.labels.cell} *</legend>
      {props.error && (
        <p class="error" id="f-org_id-err">
          {props.error}
        </p>
      )}
      {cells.length === 0 ? (
        <p class="muted">{props.q ? m.empty.cells : m.searchFirst}</p>
      ) : (
        <div class="checks">
          {cells.map((c) => (
            <label>
              <input type="radio" name="org_id" value={c.id} checked={c.id === props.value} required />
              <span>
                {c.name}
                {c.parent_name && <small class="muted"> – {c.parent_name}</small>}
              </span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  )
}

/** Registering with a residence cell: search a cell by name, pick it, give the address. */
export function RegisterPage(props: {
  viewer: Viewer
  member: { id: string; full_name: string }
  self: boolean
  values: RegisterValues
  cells: CellOption[]
  chosen?: CellOption
  errors: Record<string, string>
}) {
  const v = props.values
  const e = props.errors
  return (
    <Layout title={m.headings.register} viewer={props.viewer}>
      <p>
        <a href="/residents">‹ {m.title}</a>
      </p>
      <h1>{m.headings.register}</h1>
      <p>{props.self ? m.registerSelf : `${m.labels.member}: ${props.member.full_name}`}</p>
      <FormErrors errors={e} />
      <form method="get" action="/residents/register" class="inline" role="search">
        <input type="hidden" name="member_id" value={props.member.id} />
        <label for="f-q">{m.labels.search}</label>
        <input
          id="f-q"
          name="q"
          type="search"
          value={v.q ?? ''}
          maxlength={100}
          autocomplete="off"
          hx-get={`/residents/cells?member_id=${props.member.id}`}
          hx-trigger="input changed delay:300ms, search"
          hx-target="#cell-choices"
          hx-swap="outerHTML"
          hx-include="#f-q, #register-form input[name=org_id]:checked"
        />
        <button type="submit" class="secondary">
          {m.actions.search}
        </button>
      </form>
      <form method="post" action="/residents/register" class="card" id="register-form">
        <CsrfField token={props.viewer.csrf} />
        <input type="hidden" name="member_id" value={props.member.id} />
        <input type="hidden" name="q" value={v.q ?? ''} />
        <CellChoices cells={props.cells} chosen={props.chosen} value={v.org_id} q={v.q} error={e.org_id} />
        <Field name="address" label={m.labels.address} value={v.address} error={e.address} maxlength={300} hint={m.addressHint} />
        <button type="submit">{m.actions.submitRegistration}</button>
      </form>
    </Layout>
  )
}

export interface ExemptValues {
  member_id?: string
  exemption?: string
  note?: string
}

/** Recording an exemption of the rules instead of a registration (working cell managers). */
export function ExemptPage(props: { viewer: Viewer; member: { id: string; full_name: string }; values: ExemptValues; errors: Record<string, string> }) {
  const v = props.values
  const e = props.errors
  return (
    <Layout title={m.headings.exempt} viewer={props.viewer}>
      <p>
        <a href="/residents">‹ {m.title}</a>
      </p>
      <h1>{m.headings.exempt}</h1>
      <p>
        {m.labels.member}: {props.member.full_name}
      </p>
      <FormErrors errors={e} />
      <form method="post" action="/residents/exempt" class="card">
        <CsrfField token={props.viewer.csrf} />
        <input type="hidden" name="member_id" value={props.member.id} />
        <SelectField
          name="exemption"
          label={m.labels.exemption}
          value={v.exemption}
          error={e.exemption}
          blank={m.choose}
          options={EXEMPTIONS.map((x) => [x, m.exemptions[x]] as const)}
        />
        <Field name="note" label={m.labels.note} value={v.note} error={e.note} maxlength={500} />
        <button type="submit">{m.actions.saveExemption}</button>
      </form>
    </Layout>
  )
}

export interface CommentValues {
  year?: string
  assessment?: string
  body?: string
}

/** The residence cell's yearly comment on a member residing there. */
export function CommentPage(props: {
  viewer: Viewer
  registrationId: string
  orgId: string
  name: string
  years: number[]
  values: CommentValues
  errors: Record<string, string>
}) {
  const v = props.values
  const e = props.errors
  return (
    <Layout title={m.headings.comment} viewer={props.viewer}>
      <p>
        <a href={`/residents/cells/${props.orgId}`}>‹ {m.headings.here}</a>
      </p>
      <h1>{m.headings.comment}</h1>
      <p>
        {m.labels.member}: <strong>{props.name}</strong>
      </p>
      <FormErrors errors={e} />
      <form method="post" action={`/residents/registrations/${props.registrationId}/comment`} class="card">
        <CsrfField token={props.viewer.csrf} />
        <SelectField name="year" label={m.labels.year} value={v.year} error={e.year} options={props.years.map((y) => [String(y), String(y)] as const)} />
        <fieldset class={e.assessment ? 'invalid' : undefined} aria-describedby={e.assessment ? 'f-assessment-err' : undefined}>
          <legend>{m.labels.assessment} *</legend>
          <div class="checks">
            {ASSESSMENTS.map((a) => (
              <label>
                <input type="radio" name="assessment" value={a} checked={v.assessment === a} required />
                <span>{m.assessments[a]}</span>
              </label>
            ))}
          </div>
          {e.assessment && (
            <p class="error" id="f-assessment-err">
              {e.assessment}
            </p>
          )}
        </fieldset>
        <div class={e.body ? 'field invalid' : 'field'}>
          <label for="f-body">{m.labels.body} *</label>
          <textarea
            id="f-body"
            name="body"
            rows={6}
            maxlength={5000}
            required
            aria-invalid={e.body ? 'true' : undefined}
            aria-describedby={e.body ? 'f-body-err' : undefined}
          >
            {v.body ?? ''}
          </textarea>
          {e.body && (
            <p class="error" id="f-body-err">
              {e.body}
            </p>
          )}
        </div>
        <button type="submit">{m.actions.sendComment}</button>
      </form>
    </Layout>
  )
}
