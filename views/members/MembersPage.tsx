import { Layout, type Viewer } from '../layout/Layout.tsx'
import { MemberRows, type MemberRowView } from './MemberRows.tsx'

export interface MemberFilters {
  q?: string
  org?: string
  status: string
  exempt?: string
  gender?: string
  age?: string
}

const STATUS_OPTIONS = [
  ['current', 'Đang sinh hoạt'],
  ['official', 'Chính thức'],
  ['probationary', 'Dự bị'],
  ['deceased', 'Đã mất'],
  ['left', 'Đã ra khỏi Đảng'],
] as const
const AGE_OPTIONS = [
  ['under30', 'Dưới 30'],
  ['30to45', '30–45'],
  ['46to60', '46–60'],
  ['61to75', '61–75'],
  ['over75', 'Trên 75'],
] as const

function Select(props: { name: string; label: string; value?: string; blank?: string; options: readonly (readonly [string, string])[] }) {
  return (
    <div class="field">
      <label for={`flt-${props.name}`}>{props.label}</label>
      <select id={`flt-${props.name}`} name={props.name}>
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map(([v, l]) => (
          <option value={v} selected={v === props.value}>
            {l}
          </option>
        ))}
      </select>
    </div>
  )
}

export function MembersPage(props: {
  viewer: Viewer
  filters: MemberFilters
  orgs: { id: string; name: string; depth: number }[]
  rows: MemberRowView[]
  total: number
  capped: boolean
  page: number
  pageSize: number
  href: (page: number) => string
  exportQuery: string
  canCreate: boolean
}) {
  const f = props.filters
  const minDepth = Math.min(...props.orgs.map((o) => o.depth))
  return (
    <Layout title="Đảng viên" viewer={props.viewer} current="/members">
      <h1>Đảng viên</h1>
      <form
        method="get"
        action="/members"
        class="filters card"
        role="search"
        hx-get="/members"
        hx-target="#member-rows"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="submit, input delay:400ms"
      >
        <div class="field">
          <label for="flt-q">Tìm theo tên</label>
          <input id="flt-q" type="search" name="q" value={f.q ?? ''} maxlength={100} placeholder="vd: nguyen van an" autocomplete="off" />
        </div>
        {props.orgs.length > 0 && (
          <Select
            name="org"
            label="Tổ chức"
            value={f.org}
            blank="Toàn bộ phạm vi"
            options={props.orgs.map((o) => [o.id, `${'· '.repeat(o.depth - minDepth)}${o.name}`] as const)}
          />
        )}
        <Select name="status" label="Tình trạng" value={f.status} options={STATUS_OPTIONS} />
        <Select
          name="exempt"
          label="Miễn sinh hoạt"
          value={f.exempt}
          blank="Tất cả"
          options={[
            ['yes', 'Có'],
            ['no', 'Không'],
          ]}
        />
        <Select
          name="gender"
          label="Giới tính"
          value={f.gender}
          blank="Tất cả"
          options={[
            ['male', 'Nam'],
            ['female', 'Nữ'],
          ]}
        />
        <Select name="age" label="Độ tuổi" value={f.age} blank="Tất cả" options={AGE_OPTIONS} />
        <button type="submit">Lọc</button>
      </form>
      <p class="actions">
        {props.canCreate && (
          <>
            <a class="button" href="/members/new">
              Thêm đảng viên
            </a>
            <a class="button secondary" href="/members/import">
              Nhập từ tệp
            </a>
            <a class="button secondary" href="/members/quality">
              Chuẩn hóa dữ liệu
            </a>
            <a class="button secondary" href="/members/activation">
              In phiếu kích hoạt
            </a>
          </>
        )}
        <a class="button secondary" href={`/members/export.csv?${props.exportQuery}`}>
          Xuất CSV
        </a>
        <a class="button secondary" href={`/members/export.xlsx?${props.exportQuery}`}>
          Xuất Excel
        </a>
      </p>
      <MemberRows rows={props.rows} total={props.total} capped={props.capped} page={props.page} pageSize={props.pageSize} href={props.href} />
    </Layout>
  )
}
