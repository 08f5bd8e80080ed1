import type { Child } from 'hono/jsx'
import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, Flash, FormErrors, SelectField } from '../components/Field.tsx'
import { formatDate, formatWhen } from '../components/labels.ts'
import { ACTION_LABELS, BAND_LABELS, BANDS, formatPoints, STEP_LABELS } from '../../edge/features/evaluations/evaluations.forms.ts'
import type { Condition, Criterion, EvaluationDetail, HistoryRow } from '../../edge/features/evaluations/evaluations.queries.ts'
import { standing } from './EvaluationsPage.tsx'

export type FormValues = Record<string, string | string[] | undefined>
type Errors = Record<string, string>

const bandOptions = BANDS.map((b) => [b, BAND_LABELS[b]] as const)
const str = (v: FormValues[string]) => (Array.isArray(v) ? v[0] : v)
const checked = (v: FormValues[string]) => v === 'on' || v === 'true'

function TextArea(props: { name: string; label: string; value?: string; error?: string; required?: boolean }) {
  const id = `f-${props.name}`
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      <textarea id={id} name={props.name} rows={3} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-err` : undefined}>
        {props.value ?? ''}
      </textarea>
      {props.error && (
        <p class="error" id={`${id}-err`}>
          {props.error}
        </p>
      )}
    </div>
  )
}

function Checkbox(props: { name: string; label: string; checked: boolean; value?: string }) {
  return (
    <label>
      <input type="checkbox" name={props.name} value={props.value ?? 'on'} checked={props.checked} /> {props.label}
    </label>
  )
}

function StepForm(props: { id: string; action: string; title: string; csrf: string; errors: Errors; children: Child; submit: string }) {
  return (
    <form method="post" action={`/evaluations/${props.id}/${props.action}`} class="card" novalidate>
      <h2>{props.title}</h2>
      <FormErrors errors={Object.fromEntries(Object.entries(props.errors).filter(([k]) => k !== '_form'))} />
      <CsrfField token={props.csrf} />
      {props.children}
      <button type="submit">{props.submit}</button>
    </form>
  )
}

/** The 100-point form: a number per criterion, its maximum beside it, each error next to its field. */
function SelfForm(props: { e: EvaluationDetail; criteria: Criterion[]; values: FormValues; errors: Errors; csrf: string }) {
  const { values: v, errors } = props
  const section = (which: 'general' | 'tasks', legend: string) => (
    <fieldset>
      <legend>{legend}</legend>
      {props.criteria
        .filter((c) => c.section === which)
        .map((c) => (
          <Field
            name={`score_${c.id}`}
            label={`${c.title} (tối đa ${formatPoints(c.max_points)} điểm)`}
            inputmode="decimal"
            value={str(v[`score_${c.id}`])}
            error={errors[`score_${c.id}`]}
            required
          />
        ))}
    </fieldset>
  )
  return (
    <StepForm id={props.e.id} action="self" title="Bản tự đánh giá (thang 100 điểm)" csrf={props.csrf} errors={errors} submit="Gửi bản tự đánh giá">
      {section('general', 'I. Tiêu chí chung (30 điểm)')}
      {section('tasks', 'II. Kết quả thực hiện nhiệm vụ (70 điểm)')}
      <Checkbox name="self_all_tasks_done" label="Tôi đã hoàn thành tất cả nhiệm vụ được giao trong năm" checked={checked(v.self_all_tasks_done)} />
      <SelectField name="self_band" label="Tự xếp loại" blank="Theo số điểm" value={str(v.self_band)} options={bandOptions} error={errors.self_band} />
      <TextArea name="self_note" label="Tự nhận xét ưu điểm, hạn chế" value={str(v.self_note)} error={errors.self_note} />
    </StepForm>
  )
}

function ConditionsField(props: { conditions: Condition[]; values: FormValues }) {
  const chosen = ([] as string[]).concat(props.values.conditions ?? [])
  return (
    <fieldset>
      <legend>Điều kiện hạn chế mức xếp loại</legend>
      <div class="checks">
        {props.conditions.map((c) => (
          <Checkbox
            name="conditions"
            value={c.code}
            checked={chosen.includes(c.code)}
            label={`${c.label} (không quá mức ${BAND_LABELS[c.max_band].toLowerCase()})`}
          />
        ))}
      </div>
    </fieldset>
  )
}

function ProposalForm(props: { e: EvaluationDetail; conditions: Condition[]; values: FormValues; errors: Errors; csrf: string }) {
  const { values: v, errors } = props
  return (
    <StepForm id={props.e.id} action="proposal" title="Chi bộ đề xuất" csrf={props.csrf} errors={errors} submit="Ghi đề xuất của chi bộ">
      <Field name="proposal_points" label="Điểm chi bộ thống nhất" inputmode="decimal" value={str(v.proposal_points)} error={errors.proposal_points} required />
      <Checkbox name="all_tasks_done" label="Đã hoàn thành tất cả nhiệm vụ được giao" checked={checked(v.all_tasks_done)} />
      <ConditionsField conditions={props.conditions} values={v} />
      <SelectField
        name="proposal_band"
        label="Mức chi bộ đề xuất"
        blank="Theo số điểm"
        value={str(v.proposal_band)}
        options={bandOptions}
        error={errors.proposal_band}
      />
      <Field name="votes_for" label="Số đảng viên tán thành" inputmode="numeric" value={str(v.votes_for)} error={errors.votes_for} required />
      <Field name="votes_against" label="Số đảng viên không tán thành" inputmode="numeric" value={str(v.votes_against)} error={errors.votes_against} required />
      <TextArea name="proposal_note" label="Ý kiến của chi bộ" value={str(v.proposal_note)} error={errors.proposal_note} />
    </StepForm>
  )
}

function DecisionForm(props: { e: EvaluationDetail; conditions: Condition[]; values: FormValues; errors: Errors; csrf: string; quota?: string }) {
  const { values: v, errors } = props
  return (
    <StepForm id={props.e.id} action="decision" title="Cấp ủy quyết định xếp loại" csrf={props.csrf} errors={errors} submit="Lưu quyết định">
      {props.quota && <p class="muted">{props.quota}</p>}
      <ConditionsField conditions={props.conditions} values={v} />
      <SelectField name="decision_band" label="Mức xếp loại" value={str(v.decision_band)} options={bandOptions} error={errors.decision_band} />
      <TextArea name="decision_note" label="Ghi chú" value={str(v.decision_note)} error={errors.decision_note} />
    </StepForm>
  )
}

function ReturnForm(props: { e: EvaluationDetail; values: FormValues; errors: Errors; csrf: string; label: string }) {
  return (
    <form method="post" action={`/evaluations/${props.e.id}/return`} class="card" novalidate>
      <h2>{props.label}</h2>
      <CsrfField token={props.csrf} />
      <input type="hidden" name="from" value={props.e.step} />
      <TextArea name="return_reason" label="Lý do trả lại" value={str(props.values.return_reason)} error={props.errors.return_reason} required />
      <button type="submit" class="secondary">
        Trả lại
      </button>
    </form>
  )
}

export function History(props: { moves: HistoryRow[] }) {
  if (!props.moves.length) return <p class="muted">Chưa có bước nào.</p>
  return (
    <ol class="comments">
      {props.moves.map((m) => (
        <li>
          <strong>{ACTION_LABELS[m.action] ?? m.action}</strong>
          {m.band && ` · ${BAND_LABELS[m.band].toLowerCase()}`}
          {m.points && ` · ${formatPoints(m.points)} điểm`}
          <br />
          <small>
            {m.by_name ?? ''} · {formatWhen(m.at)}
          </small>
          {m.note && <p>{m.note}</p>}
        </li>
      ))}
    </ol>
  )
}

/** Which form the page shows, and to whom: the member, the cell, the committee above. */
export type ActiveForm = 'self' | 'proposal' | 'decision' | 'return' | undefined

/** One member's evaluation: where it stands, what each step recorded, the form of the user's step, the history. */
export function EvaluationPage(props: {
  viewer: Viewer
  e: EvaluationDetail
  criteria: Criterion[]
  conditions: Condition[]
  moves: HistoryRow[]
  values?: FormValues
  errors?: Errors
  active?: ActiveForm
  notice?: string
  quota?: string
}) {
  const { e } = props
  const open = e.period_status === 'open'
  const valuesFor = (form: ActiveForm, defaults: FormValues) => (props.active === form && props.values ? props.values : defaults)
  const errorsFor = (form: ActiveForm) => (props.active === form ? (props.errors ?? {}) : {})
  const csrf = props.viewer.csrf
  const conditionLabels = props.conditions.filter((c) => e.conditions.includes(c.code)).map((c) => c.label)
  return (
    <Layout title={`Đánh giá: ${e.full_name ?? 'đảng viên'}`} viewer={props.viewer} current="/evaluations">
      <p>
        <a href={`/evaluations?period=${e.period_id}`}>‹ {e.period_title}</a>
      </p>
      <h1>{e.full_name ?? 'Đảng viên'}</h1>
      <Flash notice={props.notice} error={props.errors?._form} />
      <p>
        {e.org_name && `${e.org_name} · `}
        <strong>{standing(e)}</strong>
      </p>
      {e.return_reason && e.step !== 'decided' && (
        <p class="alert" role="status">
          Lý do trả lại gần nhất: {e.return_reason}
        </p>
      )}
      <dl class="profile card">
        <dt>Hạn các bước</dt>
        <dd>
          Tự đánh giá {formatDate(e.self_due)} · chi bộ đề xuất {formatDate(e.proposal_due)} · cấp ủy quyết định {formatDate(e.decision_due)}
        </dd>
        {e.self_points && (
          <>
            <dt>Tự đánh giá</dt>
            <dd>
              {formatPoints(e.self_points)} điểm · tự xếp loại {e.self_band ? BAND_LABELS[e.self_band].toLowerCase() : ''}
              {e.self_all_tasks_done === false && ' · chưa hoàn thành hết nhiệm vụ'}
              {e.self_note && <p>{e.self_note}</p>}
              <details>
                <summary>Điểm từng tiêu chí</summary>
                <ul>
                  {props.criteria.map((c) => (
                    <li>
                      {c.title}: <strong>{formatPoints(e.self_scores?.[c.id])}</strong>/{formatPoints(c.max_points)}
                    </li>
                  ))}
                </ul>
              </details>
            </dd>
          </>
        )}
        {e.proposal_band && (
          <>
            <dt>Chi bộ đề xuất</dt>
            <dd>
              {formatPoints(e.proposal_points)} điểm · {BAND_LABELS[e.proposal_band].toLowerCase()} · tán thành {e.votes_for}, không tán thành {e.votes_against}
              {conditionLabels.length > 0 && ` · ${conditionLabels.join('; ')}`}
              {e.proposal_note && <p>{e.proposal_note}</p>}
            </dd>
          </>
        )}
        {e.step === 'decided' && e.decision_band && (
          <>
            <dt>Cấp ủy quyết định</dt>
            <dd>
              <strong>{BAND_LABELS[e.decision_band]}</strong>
              {e.decision_note && <p>{e.decision_note}</p>}
            </dd>
          </>
        )}
      </dl>
      {open && e.is_self && e.step === 'self_assessment' && (
        <SelfForm
          e={e}
          criteria={props.criteria}
          csrf={csrf}
          errors={errorsFor('self')}
          values={valuesFor('self', {
            ...Object.fromEntries(Object.entries(e.self_scores ?? {}).map(([k, n]) => [`score_${k}`, String(n)])),
            self_all_tasks_done: e.self_all_tasks_done ? 'on' : undefined,
            self_band: e.self_band ?? undefined,
            self_note: e.self_note ?? undefined,
          })}
        />
      )}
      {open && e.cell_side && e.step === 'cell_proposal' && (
        <>
          {/* the residence cell's yearly comment (another feature's card, by URL): the period's year */}
          <section hx-get={`/residents/members/${e.member_id}?year=${e.period_year}`} hx-trigger="load" hx-swap="outerHTML" aria-live="polite"></section>
          <ProposalForm
            e={e}
            conditions={props.conditions}
            csrf={csrf}
            errors={errorsFor('proposal')}
            values={valuesFor('proposal', {
              proposal_points: formatPoints(e.proposal_points ?? e.self_points) || undefined,
              all_tasks_done: (e.all_tasks_done ?? e.self_all_tasks_done) ? 'on' : undefined,
              conditions: e.conditions,
              proposal_band: e.proposal_band ?? undefined,
              votes_for: e.votes_for?.toString(),
              votes_against: e.votes_against?.toString(),
            })}
          />
          <ReturnForm e={e} csrf={csrf} values={valuesFor('return', {})} errors={errorsFor('return')} label="Trả lại để đảng viên tự đánh giá lại" />
        </>
      )}
      {open && e.above_side && e.step === 'committee_decision' && (
        <>
          <DecisionForm
            e={e}
            conditions={props.conditions}
            csrf={csrf}
            quota={props.quota}
            errors={errorsFor('decision')}
            values={valuesFor('decision', { decision_band: e.proposal_band ?? undefined, conditions: e.conditions })}
          />
          <ReturnForm e={e} csrf={csrf} values={valuesFor('return', {})} errors={errorsFor('return')} label="Trả lại để chi bộ xem xét lại" />
        </>
      )}
      {open && e.above_side && e.step === 'decided' && (
        <ReturnForm
          e={e}
          csrf={csrf}
          values={valuesFor('return', {})}
          errors={errorsFor('return')}
          label="Mở lại quyết định (trả lại bước cấp ủy quyết định)"
        />
      )}
      <section aria-labelledby="history-h">
        <h2 id="history-h">Quá trình</h2>
        <p class="muted">Hiện ở bước: {STEP_LABELS[e.step]}</p>
        <History moves={props.moves} />
      </section>
    </Layout>
  )
}
