import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, Flash, FormErrors, SelectField } from '../components/Field.tsx'
import { formatDate } from '../components/labels.ts'
import { BAND_LABELS, formatPoints } from '../../edge/features/evaluations/evaluations.forms.ts'
import type { Condition, Criterion, PeriodRow } from '../../edge/features/evaluations/evaluations.queries.ts'

export type CriteriaValues = Record<string, string | undefined>

const SECTIONS = [
  ['general', 'I. Tiêu chí chung (cộng đủ 30 điểm)'],
  ['tasks', 'II. Kết quả thực hiện nhiệm vụ (cộng đủ 70 điểm)'],
] as const

/** One criterion's fields: its wording, its points, and (for an existing one) removing it. */
function CriterionFields(props: { slot: string; values: CriteriaValues; errors: Record<string, string>; existing: boolean; legend: string }) {
  const k = props.slot
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <Field name={`title_${k}`} label="Nội dung tiêu chí" value={props.values[`title_${k}`]} error={props.errors[`title_${k}`]} maxlength={300} />
      <Field name={`points_${k}`} label="Điểm tối đa" inputmode="decimal" value={props.values[`points_${k}`]} error={props.errors[`points_${k}`]} />
      {props.existing && (
        <label>
          <input type="checkbox" name={`remove_${k}`} checked={props.values[`remove_${k}`] === 'on'} /> Bỏ tiêu chí này
        </label>
      )}
    </fieldset>
  )
}

const CAPS = [
  ['good', BAND_LABELS.good],
  ['complete', BAND_LABELS.complete],
  ['not_complete', BAND_LABELS.not_complete],
] as const

/** One disqualifying condition: what it is, the best band it allows, and (for an existing one) removing it. */
function ConditionFields(props: { slot: string; values: CriteriaValues; errors: Record<string, string>; existing: boolean; legend: string }) {
  const k = props.slot
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <Field
        name={`cond_label_${k}`}
        label="Nội dung điều kiện"
        value={props.values[`cond_label_${k}`]}
        error={props.errors[`cond_label_${k}`]}
        maxlength={300}
      />
      <SelectField
        name={`cond_band_${k}`}
        label="Xếp loại không quá mức"
        value={props.values[`cond_band_${k}`]}
        options={CAPS}
        blank={props.existing ? undefined : 'Chọn mức'}
        error={props.errors[`cond_band_${k}`]}
      />
      {props.existing && (
        <label>
          <input type="checkbox" name={`cond_remove_${k}`} checked={props.values[`cond_remove_${k}`] === 'on'} /> Bỏ điều kiện này
        </label>
      )}
    </fieldset>
  )
}

/** A period for its committee: the deadlines, the 100-point form (adjustable until the first self-assessment), closing it. */
export function PeriodPage(props: {
  viewer: Viewer
  period: PeriodRow & { locked: boolean }
  criteria: Criterion[]
  conditions: Condition[]
  values: CriteriaValues
  errors: Record<string, string>
  notice?: string
}) {
  const p = props.period
  const editable = p.can_manage && !p.locked && p.status === 'open'
  return (
    <Layout title={p.title} viewer={props.viewer} current="/evaluations">
      <p>
        <a href={`/evaluations?period=${p.id}`}>‹ Danh sách đánh giá</a>
      </p>
      <h1>{p.title}</h1>
      <Flash notice={props.notice} error={editable ? undefined : props.errors._form} />
      <p>
        {p.org_name} · {p.member_count} đảng viên · tự đánh giá đến {formatDate(p.self_due)} · chi bộ đề xuất đến {formatDate(p.proposal_due)} · cấp ủy quyết
        định đến {formatDate(p.decision_due)} · tỉ lệ xuất sắc tối đa {formatPoints(p.excellent_quota_percent)}%
        {p.status === 'closed' && <strong> · Đã kết thúc</strong>}
      </p>
      {editable ? (
        <form method="post" action={`/evaluations/periods/${p.id}/criteria`} class="card" novalidate>
          <h2>Bộ tiêu chí chấm điểm</h2>
          <p class="muted">Sửa được cho đến khi có đảng viên gửi bản tự đánh giá.</p>
          <FormErrors errors={props.errors} />
          <CsrfField token={props.viewer.csrf} />
          {SECTIONS.map(([section, heading]) => (
            <section>
              <h3>{heading}</h3>
              {props.criteria
                .filter((c) => c.section === section)
                .map((c, i) => (
                  <CriterionFields slot={c.id} values={props.values} errors={props.errors} existing legend={`Tiêu chí ${i + 1}`} />
                ))}
              <CriterionFields slot={`new_${section}`} values={props.values} errors={props.errors} existing={false} legend="Thêm tiêu chí (không bắt buộc)" />
            </section>
          ))}
          <button type="submit">Lưu bộ tiêu chí</button>
        </form>
      ) : (
        <section class="card">
          <h2>Bộ tiêu chí chấm điểm</h2>
          {SECTIONS.map(([section, heading]) => (
            <>
              <h3>{heading}</h3>
              <ol>
                {props.criteria
                  .filter((c) => c.section === section)
                  .map((c) => (
                    <li>
                      {c.title} ({formatPoints(c.max_points)} điểm)
                    </li>
                  ))}
              </ol>
            </>
          ))}
        </section>
      )}
      {editable ? (
        <form method="post" action={`/evaluations/periods/${p.id}/conditions`} class="card" novalidate>
          <h2>Điều kiện hạn chế mức xếp loại</h2>
          <CsrfField token={props.viewer.csrf} />
          {props.conditions.map((c, i) => (
            <ConditionFields slot={c.code} values={props.values} errors={props.errors} existing legend={`Điều kiện ${i + 1}`} />
          ))}
          <ConditionFields slot="new" values={props.values} errors={props.errors} existing={false} legend="Thêm điều kiện (không bắt buộc)" />
          <button type="submit">Lưu các điều kiện</button>
        </form>
      ) : (
        <section class="card">
          <h2>Điều kiện hạn chế mức xếp loại</h2>
          <ul>
            {props.conditions.map((c) => (
              <li>
                {c.label}: không quá mức {BAND_LABELS[c.max_band].toLowerCase()}
              </li>
            ))}
          </ul>
        </section>
      )}
      {p.can_manage && p.status === 'open' && (
        <form method="post" action={`/evaluations/periods/${p.id}/close`} class="card">
          <h2>Kết thúc đợt đánh giá</h2>
          <p class="muted">Sau khi kết thúc, không ai sửa được kết quả của đợt này nữa.</p>
          <CsrfField token={props.viewer.csrf} />
          <button type="submit" class="secondary">
            Kết thúc đợt
          </button>
        </form>
      )}
    </Layout>
  )
}
