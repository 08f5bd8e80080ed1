import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, FormErrors, SelectField } from '../components/Field.tsx'

export interface RequestValues {
  member_id?: string
  kind?: string
  to_org_id?: string
  to_outside?: string
  reason?: string
  starts_on?: string
  ends_on?: string
}

const KINDS = [
  ['permanent', 'Chuyển sinh hoạt chính thức'],
  ['temporary', 'Chuyển sinh hoạt tạm thời'],
] as const

/**
 * Asking for a transfer. The receiving cell is found by a plain GET search (works without
 * JavaScript) and chosen among its results; an organization outside the system is written by name.
 */
export function TransferForm(props: {
  viewer: Viewer
  member: { id: string; full_name: string; org_name: string }
  query: string
  hint: string
  noMatch: string
  found: { id: string; name: string; parent_name: string | null }[]
  values: RequestValues
  errors: Record<string, string>
}) {
  const v = props.values
  return (
    <Layout title="Chuyển sinh hoạt đảng" viewer={props.viewer}>
      <h1>Chuyển sinh hoạt đảng</h1>
      <p>
        Đảng viên <strong>{props.member.full_name}</strong>, {props.member.org_name}
      </p>
      <form method="get" action="/transfers/new" role="search">
        <input type="hidden" name="member" value={props.member.id} />
        <Field name="q" label="Tìm chi bộ nhận" value={props.query} hint={props.hint} inputmode="search" />
        <button type="submit" class="secondary">
          Tìm
        </button>
      </form>
      <form method="post" action="/transfers">
        <CsrfField token={props.viewer.csrf} />
        <FormErrors errors={props.errors} />
        <input type="hidden" name="member_id" value={props.member.id} />
        <SelectField name="kind" label="Hình thức" value={v.kind ?? 'permanent'} options={KINDS} error={props.errors.kind} />
        <fieldset class={props.errors.to_org_id ? 'field invalid' : 'field'}>
          <legend>Chi bộ nhận trong hệ thống</legend>
          {props.query && props.found.length === 0 && <p class="muted">{props.noMatch}</p>}
          {props.found.map((o) => (
            <label class="choice">
              <input type="radio" name="to_org_id" value={o.id} checked={v.to_org_id === o.id} /> {o.name}
              {o.parent_name && <small> — {o.parent_name}</small>}
            </label>
          ))}
          {props.errors.to_org_id && <p class="error">{props.errors.to_org_id}</p>}
        </fieldset>
        <Field name="to_outside" label="Hoặc: tổ chức đảng ngoài hệ thống" value={v.to_outside} maxlength={300} error={props.errors.to_outside} />
        <Field name="starts_on" label="Từ ngày (chuyển tạm thời)" type="date" value={v.starts_on} error={props.errors.starts_on} />
        <Field name="ends_on" label="Đến ngày (chuyển tạm thời)" type="date" value={v.ends_on} error={props.errors.ends_on} />
        <Field name="reason" label="Lý do" value={v.reason} maxlength={1000} error={props.errors.reason} />
        <button type="submit">Gửi đề nghị</button>
      </form>
    </Layout>
  )
}

export interface IncomingValues {
  to_org_id?: string
  kind?: string
  person_name?: string
  birth_date?: string
  person_status?: string
  from_outside?: string
  letter_number?: string
  letter_date?: string
  starts_on?: string
  ends_on?: string
}

/** A transfer coming from outside the system: the receiving side records the outside letter. */
export function IncomingForm(props: { viewer: Viewer; cells: { id: string; name: string }[]; values: IncomingValues; errors: Record<string, string> }) {
  const v = props.values
  return (
    <Layout title="Ghi nhận chuyển đến" viewer={props.viewer}>
      <h1>Ghi nhận đảng viên chuyển đến từ ngoài hệ thống</h1>
      <form method="post" action="/transfers/incoming">
        <CsrfField token={props.viewer.csrf} />
        <FormErrors errors={props.errors} />
        <SelectField
          name="to_org_id"
          label="Chi bộ nhận"
          value={v.to_org_id}
          options={props.cells.map((c) => [c.id, c.name] as const)}
          error={props.errors.to_org_id}
        />
        <SelectField name="kind" label="Hình thức" value={v.kind ?? 'permanent'} options={KINDS} error={props.errors.kind} />
        <Field name="person_name" label="Họ và tên" value={v.person_name} required maxlength={120} error={props.errors.person_name} />
        <Field name="birth_date" label="Ngày sinh" type="date" value={v.birth_date} error={props.errors.birth_date} />
        <SelectField
          name="person_status"
          label="Đảng viên"
          value={v.person_status ?? 'official'}
          options={[
            ['official', 'Chính thức'],
            ['probationary', 'Dự bị'],
          ]}
          error={props.errors.person_status}
        />
        <Field name="from_outside" label="Tổ chức đảng chuyển đi" value={v.from_outside} required maxlength={300} error={props.errors.from_outside} />
        <Field name="letter_number" label="Số giấy giới thiệu" value={v.letter_number} required maxlength={40} error={props.errors.letter_number} />
        <Field name="letter_date" label="Ngày cấp" type="date" value={v.letter_date} required error={props.errors.letter_date} />
        <Field name="starts_on" label="Từ ngày (chuyển tạm thời)" type="date" value={v.starts_on} error={props.errors.starts_on} />
        <Field name="ends_on" label="Đến ngày (chuyển tạm thời)" type="date" value={v.ends_on} error={props.errors.ends_on} />
        <button type="submit">Ghi nhận</button>
      </form>
    </Layout>
  )
}
