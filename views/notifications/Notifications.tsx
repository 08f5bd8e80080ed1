import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Flash } from '../components/Field.tsx'
import { formatWhen } from '../components/labels.ts'

export interface NotificationView {
  id: string
  title: string
  created_at: Date | string
  read_at: Date | string | null
}

function Items(props: { rows: NotificationView[] }) {
  return (
    <ul class="cards notices">
      {props.rows.map((n) => (
        <li class={n.read_at ? undefined : 'unread'}>
          <a href={`/notifications/${n.id}/open`}>{n.read_at ? n.title : <strong>{n.title}</strong>}</a>
          <br />
          <small class="muted">{formatWhen(n.created_at)}</small>
        </li>
      ))}
    </ul>
  )
}

export function NotificationsPage(props: { viewer: Viewer; rows: NotificationView[]; unread: number; page: number; more: boolean; notice?: string }) {
  return (
    <Layout title="Thông báo" viewer={props.viewer} current="/notifications">
      <h1>Thông báo</h1>
      <Flash notice={props.notice} />
      <p>
        Chưa đọc: <strong>{props.unread}</strong>
      </p>
      {props.unread > 0 && (
        <form method="post" action="/notifications/read-all">
          <CsrfField token={props.viewer.csrf} />
          <button type="submit" class="secondary">
            Đánh dấu tất cả đã đọc
          </button>
        </form>
      )}
      {props.rows.length === 0 ? <EmptyState title="Chưa có thông báo nào." /> : <Items rows={props.rows} />}
      <nav class="pager" aria-label="Trang">
        {props.page > 1 && <a href={`/notifications?page=${props.page - 1}`}>‹ Mới hơn</a>}
        {props.more && <a href={`/notifications?page=${props.page + 1}`}>Cũ hơn ›</a>}
      </nav>
    </Layout>
  )
}

/** The newest unread notices, for the home page (loaded by URL). */
export function LatestNotifications(props: { rows: NotificationView[]; unread: number }) {
  return (
    <section class="card" aria-labelledby="notices-h">
      <h2 id="notices-h">
        Thông báo mới {props.unread > 0 && <span class="badge">{props.unread}</span>}
      </h2>
      {props.rows.length === 0 ? <p class="muted">Không có thông báo mới.</p> : <Items rows={props.rows} />}
      <p>
        <a href="/notifications">Xem tất cả thông báo</a>
      </p>
    </section>
  )
}
