import { Layout, type Viewer } from '../layout/Layout.tsx'
import { orgLabel } from '../components/labels.ts'
import { CsrfField, Field, FormErrors, SelectField } from '../components/Field.tsx'

export type FormValues = Record<string, string | undefined>

const TEXT_FIELDS: [string, string, number, string?][] = [
  ['other_names', 'Tên gọi khác', 200],
  ['ethnicity', 'Dân tộc', 60],
  ['religion', 'Tôn giáo', 60],
  ['hometown', 'Quê quán', 300],
  ['birthplace', 'Nơi sinh', 300],
  ['permanent_address', 'Nơi thường trú', 300],
  ['current_address', 'Nơi ở hiện nay', 300],
  ['education', 'Trình độ học vấn', 120],
  ['theory_level', 'Lý luận chính trị', 120],
  ['occupation', 'Nghề nghiệp', 200],
  ['position', 'Chức vụ', 200],
]

function TextArea(props: { name: string; label: string; value?: string; error?: string }) {
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={`f-${props.name}`}>{props.label}</label>
      <textarea id={`f-${props.name}`} name={props.name} rows={3} maxlength={2000} aria-invalid={props.error ? 'true' : undefined}>
        {props.value ?? ''}
      </textarea>
      {props.error && <p class="error">{props.error}</p>}
    </div>
  )
}

/** Create and edit share one form; on error it comes back with the input kept. */
export function MemberForm(props: {
  viewer: Viewer
  action: string
  title: string
  values: FormValues
  errors: Record<string, string>
  orgs: { id: string; name: string; parent_name: string | null; short_code: string | null }[]
  cancelHref: string
}) {
  const v = props.values
  const e = props.errors
  return (
    <Layout title={props.title} viewer={props.viewer} current="/members">
      <h1>{props.title}</h1>
      <form method="post" action={props.action} class="card" novalidate>
        <FormErrors errors={e} />
        <CsrfField token={props.viewer.csrf} />
        <div class="grid two">
          <Field name="full_name" label="Họ và tên" value={v.full_name} error={e.full_name} required maxlength={120} autocomplete="off" />
          <Field name="birth_date" label="Ngày sinh" type="date" value={v.birth_date} error={e.birth_date} required />
          <SelectField
            name="gender"
            label="Giới tính"
            value={v.gender}
            error={e.gender}
            blank="— Chọn —"
            options={[
              ['male', 'Nam'],
              ['female', 'Nữ'],
            ]}
          />
          <SelectField
            name="org_id"
            label="Chi bộ sinh hoạt"
            value={v.org_id}
            error={e.org_id}
            blank="— Chọn chi bộ —"
            options={props.orgs.map((o) => [o.id, orgLabel(o)] as const)}
          />
          <SelectField
            name="status"
            label="Tình trạng"
            value={v.status ?? 'probationary'}
            error={e.status}
            options={[
              ['probationary', 'Dự bị'],
              ['official', 'Chính thức'],
            ]}
          />
          <Field name="card_number" label="Số thẻ đảng viên" value={v.card_number} error={e.card_number} maxlength={20} />
          <Field name="citizen_id" label="Số CCCD" value={v.citizen_id} error={e.citizen_id} inputmode="numeric" maxlength={12} />
          <Field name="phone" label="Số điện thoại" type="tel" value={v.phone} error={e.phone} inputmode="tel" maxlength={15} />
          <Field name="email" label="Email" type="email" value={v.email} error={e.email} maxlength={200} />
          <Field name="admitted_on" label="Ngày vào Đảng" type="date" value={v.admitted_on} error={e.admitted_on} />
          <Field name="official_on" label="Ngày chính thức" type="date" value={v.official_on} error={e.official_on} />
          {TEXT_FIELDS.map(([name, label, max]) => (
            <Field name={name} label={label} value={v[name]} error={e[name]} maxlength={max} />
          ))}
        </div>
        <TextArea name="rewards" label="Khen thưởng" value={v.rewards} error={e.rewards} />
        <TextArea name="discipline" label="Kỷ luật" value={v.discipline} error={e.discipline} />
        <p class="actions">
          <button type="submit">Lưu</button>
          <a class="button secondary" href={props.cancelHref}>
            Hủy
          </a>
        </p>
      </form>
    </Layout>
  )
}
