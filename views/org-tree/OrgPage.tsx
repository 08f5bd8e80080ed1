import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, SelectField, Flash } from '../components/Field.tsx'
import { ORG_KIND_LABELS, ROLE_LABELS, formatDate } from '../components/labels.ts'
import { OrgChildren, type OrgNodeView } from './OrgChildren.tsx'

type Target = { id: string; name: string; short_code?: string | null; parent_name?: string | null }

export interface OrgPageProps {
  viewer: Viewer
  org: OrgNodeView & {
    parent_id: string | null
    parent_name: string | null
    valid_from: string
    valid_to: string | null
    merged_into: string | null
    can_restructure: boolean
    can_manage: boolean
    member_count: number
  }
  /** Not `children`: hono/jsx unwraps a one-element `children` array into the element itself. */
  units: OrgNodeView[]
  roles: { role: string; member_id: string; full_name: string | null }[]
  /** Kinds this organization may hold (public.org_kind_rules); empty when it holds none or the user may not restructure. */
  childKinds: string[]
  /** Where it may move: kinds that may hold it. */
  targets: Target[]
  /** What it may merge into: the same kind. */
  mergeTargets: Target[]
  notice?: string
  errors?: Record<string, string>
  /** What the user typed in the form that failed, shown again. */
  input?: Record<string, string>
}

export function OrgPage(props: OrgPageProps) {
  const o = props.org
  const e = props.errors ?? {}
  const csrf = props.viewer.csrf
  // names repeat ("Chi bộ khu phố 1" in every ward): the parent and the human code tell them apart, the internal path stays internal
  const targetOption = (t: Target) => [t.id, `${t.name}${t.short_code ? ` [${t.short_code}]` : ''}${t.parent_name ? ` — ${t.parent_name}` : ''}`] as const
  const targets = props.targets.map(targetOption)
  const mergeTargets = props.mergeTargets.map(targetOption)
  const kindOptions = props.childKinds.map((k) => [k, ORG_KIND_LABELS[k] ?? k] as const)
  const input = props.input ?? {}
  return (
    <Layout title={o.name} viewer={props.viewer} current="/orgs">
      <p>
        <a href="/orgs">‹ Cây tổ chức</a>
        {o.parent_id && o.parent_name && (
          <>
            {' '}
            · <a href={`/orgs/${o.parent_id}`}>{o.parent_name}</a>
          </>
        )}
      </p>
      <h1>{o.name}</h1>
      <Flash notice={props.notice} error={e._form} />
      <p>
        <span class="badge">{ORG_KIND_LABELS[o.kind] ?? o.kind}</span>
        {o.short_code && (
          <>
            {' '}
            <span class="org-code">Mã: {o.short_code}</span>
          </>
        )}
      </p>
      <p class="muted">
        Hiệu lực từ {formatDate(o.valid_from)}
        {o.valid_to && ` đến ${formatDate(o.valid_to)}`}
        {o.merged_into && (
          <>
            {' '}
            — đã hợp nhất vào <a href={`/orgs/${o.merged_into}`}>tổ chức khác</a>
          </>
        )}
      </p>
      {o.can_manage && (
        <p class="actions">
          <a class="button" href={`/members?org=${o.id}`}>
            {o.member_count > 10_000 ? 'Hơn 10.000' : o.member_count.toLocaleString('vi-VN')} đảng viên
          </a>
        </p>
      )}
      <section class="card">
        <h2>Cấp ủy, chức vụ</h2>
        {props.roles.length === 0 ? (
          <p class="muted">Chưa ghi nhận chức vụ.</p>
        ) : (
          <ul>
            {props.roles.map((r) => (
              <li>
                {ROLE_LABELS[r.role] ?? r.role}: {r.full_name ?? '—'}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card tree">
        <h2>Tổ chức trực thuộc</h2>
        <OrgChildren nodes={props.units} />
      </section>
      {o.can_restructure && !o.valid_to && (
        <p class="actions">
          <a href="/orgs/import">Nhập tổ chức từ tệp (CSV, Excel)</a>
        </p>
      )}
      {o.can_restructure && !o.valid_to && (
        <div class="grid two">
          {kindOptions.length > 0 && (
            <form method="post" action={`/orgs/${o.id}/children`} class="card">
              <h2>Thêm tổ chức trực thuộc</h2>
              <CsrfField token={csrf} />
              <Field id="f-child-name" name="name" label="Tên" value={input.child_name} error={e.child_name} required maxlength={200} />
              <SelectField
                name="kind"
                label="Loại"
                value={input.kind ?? (props.childKinds.includes('cell') ? 'cell' : kindOptions[0][0])}
                error={e.kind}
                options={kindOptions}
              />
              <button type="submit">Thêm</button>
            </form>
          )}
          <form method="post" action={`/orgs/${o.id}/short-code`} class="card">
            <h2>Mã tổ chức</h2>
            <CsrfField token={csrf} />
            <Field
              id="f-short-code"
              name="short_code"
              label="Mã (để trống: không có mã)"
              value={input.short_code ?? o.short_code ?? ''}
              error={e.short_code}
              maxlength={30}
              hint="Mã cấp ủy tự đặt để in và nhập tệp (hoặc mã trong cơ sở dữ liệu đảng viên): chữ không dấu, số và . - _, tối đa 30 ký tự."
            />
            <button type="submit">Lưu mã</button>
          </form>
          <form method="post" action={`/orgs/${o.id}/rename`} class="card">
            <h2>Đổi tên</h2>
            <CsrfField token={csrf} />
            <Field name="name" label="Tên mới" value={o.name} error={e.name} required maxlength={200} />
            <button type="submit">Đổi tên</button>
          </form>
          {targets.length > 0 && (
            <form
              method="post"
              action={`/orgs/${o.id}/move`}
              class="card"
              data-confirm={`Chuyển ${o.name} (cùng các tổ chức trực thuộc và đảng viên) sang cấp trên đã chọn? Người quản lý cấp trên cũ không còn quản lý tổ chức này.`}
            >
              <h2>Chuyển sang tổ chức cấp trên khác</h2>
              <CsrfField token={csrf} />
              <SelectField name="target" label="Cấp trên mới" error={e.move} blank="— Chọn —" options={targets} />
              <button type="submit">Chuyển</button>
            </form>
          )}
          {targets.length === 0 && e.move && <p class="card error">{e.move}</p>}
          {mergeTargets.length === 0 && e.merge && <p class="card error">{e.merge}</p>}
          {mergeTargets.length > 0 && (
            <form
              method="post"
              action={`/orgs/${o.id}/merge`}
              class="card"
              data-confirm={`Hợp nhất ${o.name} vào tổ chức đã chọn? Đảng viên chuyển sang tổ chức đích, ${o.name} đóng lại. Việc này không hoàn tác được.`}
            >
              <h2>Hợp nhất vào tổ chức khác</h2>
              <p class="muted">Đảng viên và tổ chức trực thuộc chuyển sang tổ chức đích (cùng loại); tổ chức này đóng lại và được lưu trong lịch sử.</p>
              <CsrfField token={csrf} />
              <SelectField name="into" label="Tổ chức đích" error={e.merge} blank="— Chọn —" options={mergeTargets} />
              <button type="submit">Hợp nhất</button>
            </form>
          )}
        </div>
      )}
    </Layout>
  )
}
