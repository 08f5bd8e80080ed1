import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Flash, FormErrors, SelectField } from '../components/Field.tsx'
import { ORG_KIND_LABELS, formatWhen } from '../components/labels.ts'
import { BAND_LABELS, BAND_ORDER, STEP_LABELS, type Counts } from './OrgBands.ts'

interface PeriodView {
  id: string
  title: string
  year: number
  status: string
}

interface UnitView {
  id: string
  name: string
  kind: string
  step: string | null
  self_band: string | null
  decision_band: string | null
  members: Counts
}

export interface OrgReportView {
  org: { id: string; name: string; kind: string; parent_id: string | null; parent_name: string | null }
  evaluation: {
    step: string
    self_band: string | null
    self_report: string | null
    self_at: string | null
    decision_band: string | null
    decision_note: string | null
    decided_at: string | null
    return_reason: string | null
    returned_at: string | null
  } | null
  canWrite: boolean
  canDecide: boolean
  members: Counts
  units: Counts
  subUnits: UnitView[]
}

export interface ReportValues {
  self_band?: string
  self_report?: string
  decision_band?: string
  decision_note?: string
  return_reason?: string
}

const BAND_OPTIONS = BAND_ORDER.map((b) => [b, BAND_LABELS[b]] as const)
const total = (c: Counts) => Object.values(c).reduce((s, n) => s + n, 0)

/** Counts per band as one row of cells: the four bands, then those still without a decision (the total sits with the row's name). */
export function BandCells(props: { counts: Counts }) {
  return (
    <>
      {[...BAND_ORDER, 'pending'].map((b) => (
        <td class="num" data-band={b}>
          {props.counts[b] ?? 0}
        </td>
      ))}
    </>
  )
}

/** Short headings (the full band in each one's title) so that the table fits a 360 px screen. */
const SHORT = [
  ['XS', 'excellent'],
  ['Tốt', 'good'],
  ['HT', 'complete'],
  ['KHT', 'not_complete'],
  ['Chưa', 'pending'],
] as const

export function BandHead(props: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{props.first}</th>
        {SHORT.map(([short, band]) => (
          <th scope="col" class="num">
            <abbr title={BAND_LABELS[band]}>{short}</abbr>
          </th>
        ))}
      </tr>
    </thead>
  )
}

/** Where a sub-unit's own report stands, in words. */
export function unitStatus(u: { step: string | null; self_band: string | null; decision_band: string | null }) {
  if (u.step === 'decided' && u.decision_band) return BAND_LABELS[u.decision_band]
  if (u.step === 'committee_decision') return `${STEP_LABELS.committee_decision} (tự xếp: ${BAND_LABELS[u.self_band ?? ''] ?? '—'})`
  return STEP_LABELS[u.step ?? 'none']
}

/**
 * The collective report form of one organization in one period: its own report and band (its
 * side), its members' and sub-units' results beside it, and the decision of the committee above.
 */
export function OrgReportPage(props: {
  viewer: Viewer
  period: PeriodView
  form: OrgReportView
  values?: ReportValues
  errors?: Record<string, string>
  notice?: string
}) {
  const { period, form } = props
  const e = form.evaluation
  const step = e?.step ?? 'self_assessment'
  const v = props.values ?? {}
  const errors = props.errors ?? {}
  const base = `/evaluations/ranking/${period.id}/${form.org.id}`
  const open = period.status === 'open'
  return (
    <Layout title={`Xếp loại ${form.org.name}`} viewer={props.viewer} current="/evaluations">
      <p class="no-print">
        <a href={`/evaluations/ranking/${period.id}${form.org.parent_id ? `?org=${form.org.parent_id}` : ''}`}>‹ Xếp loại tổ chức đảng</a>
      </p>
      <h1>
        Kiểm điểm, xếp loại {form.org.name} — {period.title}
      </h1>
      <Flash notice={props.notice} />
      <FormErrors errors={errors} />
      <section class="card" id="status">
        <p>
          {ORG_KIND_LABELS[form.org.kind] ?? form.org.kind}
          {form.org.parent_name && <> · trực thuộc {form.org.parent_name}</>}
        </p>
        <p>
          <strong>{STEP_LABELS[e?.step ?? 'none']}</strong>
          {e?.step === 'decided' && e.decision_band && <> — {BAND_LABELS[e.decision_band]}</>}
        </p>
        {e?.return_reason && e.returned_at && (
          <p class="warn">
            Trả lại lúc {formatWhen(e.returned_at)}: {e.return_reason}
          </p>
        )}
        <p class="actions no-print">
          <a class="button secondary" href={`${base}/decisions`}>
            Danh sách xếp loại đảng viên (in A4)
          </a>
          <a class="button secondary" href={`${base}/decisions.xlsx`} download>
            Tải Excel
          </a>
        </p>
      </section>

      <section class="card">
        <h2>Kết quả xếp loại đảng viên</h2>
        <p class="muted">XS: hoàn thành xuất sắc; Tốt: hoàn thành tốt; HT: hoàn thành; KHT: không hoàn thành nhiệm vụ; Chưa: chưa có quyết định.</p>
        <table class="report" id="member-results">
          <BandHead first="Đảng viên" />
          <tbody>
            <tr>
              <th scope="row">
                Toàn {form.org.name} <small>({total(form.members)})</small>
              </th>
              <BandCells counts={form.members} />
            </tr>
          </tbody>
        </table>
        {form.subUnits.length > 0 && (
          <>
            <h2>Kết quả của các tổ chức trực thuộc</h2>
            <p>
              Tổ chức trực thuộc đã được quyết định xếp loại: xuất sắc {form.units.excellent ?? 0}, tốt {form.units.good ?? 0}, hoàn thành{' '}
              {form.units.complete ?? 0}, không hoàn thành {form.units.not_complete ?? 0}; chưa xếp loại {form.units.pending ?? 0}.
            </p>
            <table class="report" id="unit-results">
              <BandHead first="Tổ chức trực thuộc" />
              <tbody>
                {form.subUnits.map((u) => (
                  <tr data-unit={u.id}>
                    <td>
                      <a href={`/evaluations/ranking/${period.id}/${u.id}`}>{u.name}</a>
                      <br />
                      <small>
                        {unitStatus(u)} · {total(u.members)} đảng viên
                      </small>
                    </td>
                    <BandCells counts={u.members} />
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <section class="card" id="report">
        <h2>Báo cáo kiểm điểm tập thể và mức tự xếp loại</h2>
        {form.canWrite && open && step === 'self_assessment' ? (
          <form method="post" action={`${base}/report`}>
            <CsrfField token={props.viewer.csrf} />
            <SelectField
              name="self_band"
              label="Mức tự xếp loại"
              value={v.self_band ?? e?.self_band}
              error={errors.self_band}
              options={BAND_OPTIONS}
              blank="— Chọn —"
            />
            <div class={errors.self_report ? 'field invalid' : 'field'}>
              <label for="f-self_report">Báo cáo kiểm điểm tập thể (ưu điểm, hạn chế, kết quả thực hiện nhiệm vụ)</label>
              <textarea id="f-self_report" name="self_report" rows={10} maxlength={20000} aria-invalid={errors.self_report ? 'true' : undefined}>
                {v.self_report ?? e?.self_report ?? ''}
              </textarea>
              {errors.self_report && <p class="error">{errors.self_report}</p>}
            </div>
            <p class="actions">
              <button type="submit" class="secondary">
                Lưu nháp
              </button>
              <button type="submit" name="send" value="1">
                Gửi cấp ủy cấp trên
              </button>
            </p>
          </form>
        ) : e?.self_band || e?.self_report ? (
          <>
            <p>
              Tự xếp loại: <strong>{BAND_LABELS[e.self_band ?? ''] ?? '—'}</strong>
              {e.self_at && <> · gửi lúc {formatWhen(e.self_at)}</>}
            </p>
            <div class="agenda">{e.self_report}</div>
          </>
        ) : (
          <p class="muted">Chưa có báo cáo.</p>
        )}
      </section>

      {form.canDecide && open && (step === 'committee_decision' || step === 'decided') && (
        <section class="card no-print" id="decision">
          <h2>Quyết định của cấp ủy cấp trên</h2>
          {step === 'committee_decision' ? (
            <form method="post" action={`${base}/decision`}>
              <CsrfField token={props.viewer.csrf} />
              <SelectField
                name="decision_band"
                label="Mức xếp loại"
                value={v.decision_band ?? e?.self_band}
                error={errors.decision_band}
                options={BAND_OPTIONS}
                blank="— Chọn —"
              />
              <div class="field">
                <label for="f-decision_note">Ghi chú</label>
                <textarea id="f-decision_note" name="decision_note" rows={3} maxlength={5000}>
                  {v.decision_note ?? ''}
                </textarea>
              </div>
              <button type="submit">Lưu quyết định</button>
            </form>
          ) : (
            <p>
              Đã quyết định: <strong>{BAND_LABELS[e?.decision_band ?? '']}</strong>
              {e?.decided_at && <> lúc {formatWhen(e.decided_at)}</>}
              {e?.decision_note && <> — {e.decision_note}</>}
            </p>
          )}
          <form method="post" action={`${base}/return`}>
            <CsrfField token={props.viewer.csrf} />
            <div class={errors.return_reason ? 'field invalid' : 'field'}>
              <label for="f-return_reason">{step === 'decided' ? 'Mở lại quyết định, lý do' : 'Trả lại báo cáo, lý do'}</label>
              <textarea id="f-return_reason" name="return_reason" rows={2} maxlength={2000} required>
                {v.return_reason ?? ''}
              </textarea>
              {errors.return_reason && <p class="error">{errors.return_reason}</p>}
            </div>
            <button type="submit" class="secondary">
              {step === 'decided' ? 'Mở lại' : 'Trả lại'}
            </button>
          </form>
        </section>
      )}
      {!form.canDecide && e?.step === 'decided' && e.decision_note && <p>Ghi chú của cấp ủy cấp trên: {e.decision_note}</p>}
    </Layout>
  )
}
