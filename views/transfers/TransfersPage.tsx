import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState, Flash } from '../components/Field.tsx'
import { formatDate } from '../components/labels.ts'
import { Pagination } from '../components/Pagination.tsx'
import { KIND_LABELS, statusLabel, TAB_LABELS } from './labels.ts'

export interface TransferRowView {
  id: string
  kind: string
  status: string
  person_name: string
  from_name: string
  to_name: string
  letter_number: string | null
  letter_date: string | null
  deadline: string | null
  starts_on: string | null
  ends_on: string | null
  overdue: boolean
}

export interface RegisterView {
  org: { id: string; name: string }
  choices?: { id: string; name: string }[]
  /** moves in and out of this year only (null: every year) */
  year: number | null
  tab: string
  tabs: readonly string[]
  counts: Record<string, number>
  rows: TransferRowView[]
  page: number
  pageSize: number
}

const registerHref = (orgId: string, tab: string, year: number | null, page = 1) =>
  `/transfers?org=${orgId}&tab=${tab}${year ? `&year=${year}` : ''}${page > 1 ? `&page=${page}` : ''}`

/** This year and the five before it (Vietnam time). */
const years = () => {
  const now = new Date(Date.now() + 7 * 3600_000).getUTCFullYear()
  return Array.from({ length: 6 }, (_, i) => now - i)
}

/** The register's table and pager: the fragment the tabs and pages swap. */
export function TransferRows(props: RegisterView) {
  return (
    <div id="transfer-rows">
      {props.rows.length === 0 ? (
        <EmptyState title="Không có hồ sơ nào trong mục này." />
      ) : (
        <table class="report stack">
          <thead>
            <tr>
              <th scope="col">Đảng viên</th>
              <th scope="col">Loại</th>
              <th scope="col">Từ</th>
              <th scope="col">Đến</th>
              <th scope="col">Giấy giới thiệu</th>
              <th scope="col">Tình trạng</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((t) => (
              <tr class={t.overdue ? 'overdue' : undefined}>
                <td>
                  <a href={`/transfers/${t.id}`}>{t.person_name}</a>
                </td>
                <td data-label="Loại">{KIND_LABELS[t.kind]}</td>
                <td data-label="Từ">{t.from_name}</td>
                <td data-label="Đến">{t.to_name}</td>
                <td data-label={t.letter_number ? 'Giấy' : undefined}>
                  {t.letter_number ? `Số ${t.letter_number}, ${formatDate(t.letter_date)}` : ''}
                  {t.deadline && <small> (hạn {formatDate(t.deadline)})</small>}
                </td>
                <td data-label="Tình trạng">
                  {statusLabel(t)}
                  {t.overdue && <strong class="warn"> · Quá hạn</strong>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination
        page={props.page}
        pageSize={props.pageSize}
        total={props.counts[props.tab] ?? 0}
        href={(page) => registerHref(props.org.id, props.tab, props.year, page)}
        target="#transfer-rows"
      />
    </div>
  )
}

/** A committee's transfer register: in, out, in transit, overdue, with exports. */
export function TransfersPage(props: RegisterView & { viewer: Viewer; notice?: string }) {
  return (
    <Layout title="Sổ chuyển sinh hoạt đảng" viewer={props.viewer} current="/transfers">
      <h1>Sổ chuyển sinh hoạt đảng</h1>
      <form method="get" action="/transfers" class="filters">
        <input type="hidden" name="tab" value={props.tab} />
        {props.choices && props.choices.length > 1 ? (
          <>
            <label for="f-org">Tổ chức</label>{' '}
            <select id="f-org" name="org">
              {props.choices.map((o) => (
                <option value={o.id} selected={o.id === props.org.id}>
                  {o.name}
                </option>
              ))}
            </select>{' '}
          </>
        ) : (
          <input type="hidden" name="org" value={props.org.id} />
        )}
        <label for="f-year">Chuyển đến, chuyển đi trong năm</label>{' '}
        <select id="f-year" name="year">
          <option value="">Mọi năm</option>
          {years().map((y) => (
            <option value={String(y)} selected={y === props.year}>
              {y}
            </option>
          ))}
        </select>{' '}
        <button type="submit" class="secondary">
          Xem
        </button>
      </form>
      {!(props.choices && props.choices.length > 1) && <p class="muted">{props.org.name}</p>}
      <Flash notice={props.notice} />
      <nav class="filters-bar" aria-label="Mục của sổ">
        {props.tabs.map((tab) => (
          <a
            href={registerHref(props.org.id, tab, props.year)}
            aria-current={tab === props.tab ? 'true' : undefined}
            class={tab === 'overdue' && props.counts.overdue ? 'warn' : undefined}
          >
            {TAB_LABELS[tab]} <span class="badge">{props.counts[tab] ?? 0}</span>
          </a>
        ))}
      </nav>
      <TransferRows {...props} />
      <p class="actions no-print">
        <a href={`/transfers/export?org=${props.org.id}&tab=${props.tab}${props.year ? `&year=${props.year}` : ''}&format=xlsx`}>Tải Excel</a> ·{' '}
        <a href={`/transfers/export?org=${props.org.id}&tab=${props.tab}${props.year ? `&year=${props.year}` : ''}&format=csv`}>Tải CSV</a> ·{' '}
        <a href={`/transfers/incoming/new?org=${props.org.id}`}>Ghi nhận chuyển đến từ ngoài hệ thống</a> ·{' '}
        <a href={`/members?org=${props.org.id}`}>Chuyển sinh hoạt cho một đảng viên (mở hồ sơ của đồng chí)</a>
      </p>
    </Layout>
  )
}

/** A member without a managed scope: his/her own transfers. */
export function MyTransfersPage(props: { viewer: Viewer; rows: TransferRowView[]; memberId?: string; notice?: string }) {
  return (
    <Layout title="Chuyển sinh hoạt đảng" viewer={props.viewer}>
      <h1>Chuyển sinh hoạt đảng của tôi</h1>
      <Flash notice={props.notice} />
      {props.memberId && (
        <p class="actions">
          <a class="button" href={`/transfers/new?member=${props.memberId}`}>
            Đề nghị chuyển sinh hoạt
          </a>
        </p>
      )}
      {props.rows.length === 0 ? (
        <EmptyState title="Chưa có lần chuyển sinh hoạt nào." />
      ) : (
        <ul class="cards">
          {props.rows.map((t) => (
            <li class="card">
              <a href={`/transfers/${t.id}`}>
                {KIND_LABELS[t.kind]}: {t.from_name} → {t.to_name}
              </a>
              <br />
              <small>{statusLabel(t)}</small>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  )
}
