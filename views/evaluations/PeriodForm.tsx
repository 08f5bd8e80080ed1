import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, FormErrors, SelectField } from '../components/Field.tsx'

export interface PeriodFormValues {
  org_id?: string
  kind?: string
  year?: string
  title?: string
  self_due?: string
  proposal_due?: string
  decision_due?: string
  excellent_quota_percent?: string
}

/** Opening an evaluation period for a committee's subtree. */
export function PeriodForm(props: { viewer: Viewer; orgs: { id: string; name: string }[]; values: PeriodFormValues; errors: Record<string, string> }) {
  const v = props.values
  const e = props.errors
  return (
    <Layout title="Mở đợt đánh giá" viewer={props.viewer} current="/evaluations">
      <p>
        <a href="/evaluations">‹ Đánh giá, xếp loại</a>
      </p>
      <h1>Mở đợt đánh giá, xếp loại</h1>
      <FormErrors errors={e} />
      <form method="post" action="/evaluations/periods" class="card" novalidate>
        <CsrfField token={props.viewer.csrf} />
        <SelectField
          name="org_id"
          label="Cấp ủy mở đợt (đánh giá toàn bộ đảng viên trực thuộc)"
          value={v.org_id}
          options={props.orgs.map((o) => [o.id, o.name] as const)}
          error={e.org_id}
        />
        <SelectField
          name="kind"
          label="Loại đợt"
          value={v.kind ?? 'year'}
          options={[
            ['year', 'Hằng năm'],
            ['term', 'Cuối nhiệm kỳ'],
          ]}
          error={e.kind}
        />
        <Field name="year" label="Năm" inputmode="numeric" value={v.year} error={e.year} required />
        <Field name="title" label="Tên đợt đánh giá" value={v.title} error={e.title} required maxlength={200} />
        <Field name="self_due" label="Hạn đảng viên tự đánh giá" type="date" value={v.self_due} error={e.self_due} required />
        <Field name="proposal_due" label="Hạn chi bộ họp, đề xuất" type="date" value={v.proposal_due} error={e.proposal_due} required />
        <Field name="decision_due" label="Hạn cấp ủy quyết định" type="date" value={v.decision_due} error={e.decision_due} required />
        <Field
          name="excellent_quota_percent"
          label="Tỉ lệ tối đa xếp loại xuất sắc (%)"
          inputmode="decimal"
          value={v.excellent_quota_percent ?? '20'}
          error={e.excellent_quota_percent}
          hint="Trên số đảng viên hoàn thành tốt nhiệm vụ trở lên, tính trong từng tổ chức cơ sở đảng."
        />
        <button type="submit">Mở đợt đánh giá</button>
      </form>
    </Layout>
  )
}
