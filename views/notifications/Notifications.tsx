import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Flash } from '../components/Field.tsx'
import { formatWhen } from '../components/labels.ts'
import { ASSET_VERSION } from '../layout/assets.ts'

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

export function NotificationsPage(props: {
  viewer: Viewer
  rows: NotificationView[]
  unread: number
  page: number
  more: boolean
  notice?: string
  devices: number
  vapidKey: string
}) {
  return (
    <Layout title="Thông báo" viewer={props.viewer} current="/notifications" head={<script src={`/static/js/push.js?v=${ASSET_VERSION}`} defer></script>}>
      <h1>Thông báo</h1>
      <Flash notice={props.notice} />
      <section class="card" aria-labelledby="push-h">
        <h2 id="push-h">Thông báo trên điện thoại</h2>
        <p class="muted">
          {props.devices > 0 ? `Đang bật trên ${props.devices} thiết bị.` : 'Chưa bật trên thiết bị nào.'} Khi bật, bạn nhận được nhắc việc và tài liệu mới ngay
          cả khi không mở ứng dụng.
        </p>
        <div data-push data-key={props.vapidKey} hidden>
          <div class="actions">
            <button type="button" data-push-on>
              Bật thông báo trên máy này
            </button>
            <button type="button" class="secondary" data-push-off>
              Tắt trên máy này
            </button>
          </div>
        </div>
        <p data-push-status role="status" class="muted"></p>
      </section>
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

/** The number in the header's "Thông báo" link. */
export function UnreadBadge(props: { count: number }) {
  if (!props.count) return null
  return (
    <span class="badge count">
      {props.count > 99 ? '99+' : props.count}
      <span class="sr"> thông báo chưa đọc</span>
    </span>
  )
}

/** The newest unread notices, for the home page (loaded by URL). */
export function LatestNotifications(props: { rows: NotificationView[]; unread: number }) {
  return (
    <section class="card" aria-labelledby="notices-h">
      <h2 id="notices-h">Thông báo mới {props.unread > 0 && <span class="badge">{props.unread}</span>}</h2>
      {props.rows.length === 0 ? <p class="muted">Không có thông báo mới.</p> : <Items rows={props.rows} />}
      <p>
        <a href="/notifications">Xem tất cả thông báo</a>
      </p>
    </section>
  )
}
