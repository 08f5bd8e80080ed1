import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState, Flash } from '../components/Field.tsx'
import { formatDate } from '../components/labels.ts'
import { FILTER_LABELS, PRIORITY_LABELS, STATUS_LABELS, VIEW_LABELS } from './labels.ts'

export interface TaskRowView {
  id: string
  title: string
  due_on: string
  priority: string
  org_name: string
  status: string
  progress: number
  overdue: boolean
  assignees: number
  done: number
}

/** My open tasks for the home page: how many, how many overdue, the soonest due. */
export function TasksSummary(props: { counts: Record<string, number>; rows: TaskRowView[] }) {
  return (
    <section class="card" aria-labelledby="my-tasks-h">
      <h2 id="my-tasks-h">Việc được giao</h2>
      {props.rows.length === 0 ? (
        <p class="muted">Bạn không có việc nào chưa xong.</p>
      ) : (
        <>
          <p>
            Chưa xong <strong>{props.counts.open}</strong>
            {props.counts.overdue > 0 && <strong class="warn"> · quá hạn {props.counts.overdue}</strong>}
          </p>
          <ul class="cards">
            {props.rows.map((t) => (
              <li>
                <a href={`/tasks/${t.id}`}>{t.title}</a> <small class={t.overdue ? 'warn' : 'muted'}>hạn {formatDate(t.due_on)}</small>
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a href="/tasks">Tất cả việc</a>
      </p>
    </section>
  )
}

/** The three lists (mine, assigned by me, my organizations'), each with its filters and counts. */
export function TasksPage(props: {
  viewer: Viewer
  view: string
  views: string[]
  filter: string
  counts: Record<string, number>
  rows: TaskRowView[]
  page: number
  more: boolean
  canAssign: boolean
  notice?: string
}) {
  const href = (view: string, filter: string, page = 1) => `/tasks?view=${view}&status=${filter}${page > 1 ? `&page=${page}` : ''}`
  return (
    <Layout title="Giao việc" viewer={props.viewer} current="/tasks">
      <h1>Giao việc</h1>
      <Flash notice={props.notice} />
      {props.canAssign && (
        <p class="actions">
          <a class="button" href="/tasks/new">
            Giao việc mới
          </a>
        </p>
      )}
      <nav class="tabs" aria-label="Danh sách">
        {props.views.map((v) => (
          <a href={href(v, 'open')} aria-current={v === props.view ? 'page' : undefined}>
            {VIEW_LABELS[v]}
          </a>
        ))}
      </nav>
      <nav class="filters-bar" aria-label="Lọc theo tình trạng">
        {Object.entries(FILTER_LABELS).map(([f, label]) => (
          <a
            href={href(props.view, f)}
            aria-current={f === props.filter ? 'true' : undefined}
            class={f === 'overdue' && props.counts.overdue ? 'warn' : undefined}
          >
            {label} <span class="badge">{props.counts[f] ?? 0}</span>
          </a>
        ))}
      </nav>
      {props.rows.length === 0 ? (
        <EmptyState title="Không có việc nào trong danh sách này." />
      ) : (
        <ul class="cards">
          {props.rows.map((t) => (
            <li class={t.overdue ? 'card overdue' : 'card'}>
              <a href={`/tasks/${t.id}`}>
                <strong>{t.title}</strong>
              </a>
              <br />
              Hạn {formatDate(t.due_on)}
              {t.overdue && <strong class="warn"> · Quá hạn</strong>} · {STATUS_LABELS[t.status]}
              {props.view !== 'mine' && ` · ${t.done}/${t.assignees} hoàn thành`}
              <br />
              <small>
                {t.org_name} · ưu tiên {PRIORITY_LABELS[t.priority].toLowerCase()}
              </small>
              <progress max={100} value={t.progress} aria-label={`Tiến độ ${t.progress}%`}>
                {t.progress}%
              </progress>
            </li>
          ))}
        </ul>
      )}
      <nav class="pager" aria-label="Trang">
        {props.page > 1 && <a href={href(props.view, props.filter, props.page - 1)}>‹ Trang trước</a>}
        {props.more && <a href={href(props.view, props.filter, props.page + 1)}>Trang sau ›</a>}
      </nav>
    </Layout>
  )
}
