import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Flash } from '../components/Field.tsx'
import { ASSET_VERSION } from '../layout/assets.ts'

export interface ItemView {
  kind: string
  id: string
  title: string
  starts_at: Date | string
  all_day: boolean
  place: string | null
  org_name: string
  url: string
}

const KIND = { event: 'Sự kiện', meeting: 'Sinh hoạt', task: 'Hạn việc' } as Record<string, string>
const DAYS = ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7']
const VIEWS = { month: 'Tháng', week: 'Tuần', agenda: 'Sắp tới' } as Record<string, string>

const vn = (d: Date | string) => new Date(new Date(d).getTime() + 7 * 3600_000)
const dayKey = (d: Date | string) => vn(d).toISOString().slice(0, 10)
const hhmm = (d: Date | string) => vn(d).toISOString().slice(11, 16)
const label = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`)
  return `${DAYS[d.getUTCDay()]} ${iso.slice(8, 10)}/${iso.slice(5, 7)}`
}

/** The calendar of one period: each day with its items; a day list on phones, a month grid on wide screens. */
export function CalendarPage(props: {
  viewer: Viewer
  view: string
  days: string[]
  title: string
  prev: string
  next: string
  items: ItemView[]
  canAddEvents: boolean
  feed: { exists: boolean; url?: string }
  notice?: string
  today: string
}) {
  const byDay = new Map<string, ItemView[]>()
  for (const item of props.items) {
    const key = dayKey(item.starts_at)
    byDay.set(key, [...(byDay.get(key) ?? []), item])
  }
  const shownDays = props.view === 'agenda' ? props.days.filter((d) => byDay.has(d)) : props.days
  return (
    <Layout
      title="Lịch làm việc"
      viewer={props.viewer}
      current="/calendar"
      head={props.feed.url ? <script src={`/static/js/copy.js?v=${ASSET_VERSION}`} defer></script> : undefined}
    >
      <h1>Lịch làm việc</h1>
      <Flash notice={props.notice} />
      <nav class="tabs" aria-label="Kiểu xem">
        {Object.entries(VIEWS).map(([v, l]) => (
          <a href={`/calendar?view=${v}`} aria-current={v === props.view ? 'page' : undefined}>
            {l}
          </a>
        ))}
      </nav>
      <p class="pager">
        <a href={props.prev}>‹ Trước</a> <strong>{props.title}</strong> <a href={props.next}>Sau ›</a>
      </p>
      <p class="actions">
        {props.canAddEvents && (
          <a class="button secondary" href="/calendar/events/new">
            Thêm sự kiện
          </a>
        )}
        <a class="button secondary" href="/calendar/holidays">
          Ngày nghỉ lễ
        </a>
      </p>
      {props.items.length === 0 && <EmptyState title="Không có lịch trong thời gian này." />}
      <ol class={`calendar ${props.view}`}>
        {shownDays.map((day) => (
          <li class={`${byDay.has(day) ? 'busy' : 'free'}${day === props.today ? ' today' : ''}`}>
            <h2 class="day">{label(day)}</h2>
            <ul>
              {(byDay.get(day) ?? []).map((item) => (
                <li class={`item ${item.kind}`}>
                  <a href={item.url}>
                    {!item.all_day && <span class="time">{hhmm(item.starts_at)} </span>}
                    {item.title}
                  </a>
                  <small>
                    {' '}
                    · {KIND[item.kind]} · {item.org_name}
                    {item.place && ` · ${item.place}`}
                  </small>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      <section class="card" aria-labelledby="feed-h">
        <h2 id="feed-h">Lịch trên điện thoại</h2>
        <p class="muted">
          Thêm lịch này vào ứng dụng lịch của điện thoại (Google Calendar, Lịch của iPhone) bằng một địa chỉ riêng. Ai có địa chỉ này đều xem được lịch của bạn:
          đừng chia sẻ; nếu lộ, hãy thu hồi.
        </p>
        {props.feed.url && (
          <p>
            <label for="feed-url">Địa chỉ lịch của bạn</label>
            <input id="feed-url" readonly value={props.feed.url} />
          </p>
        )}
        {props.feed.url && (
          <p class="actions">
            <a class="button" href={props.feed.url.replace(/^https?:/, 'webcal:')}>
              Thêm vào lịch của điện thoại
            </a>
            <button type="button" class="secondary" data-copy="#feed-url">
              Chép địa chỉ
            </button>
          </p>
        )}
        <div class="actions">
          <form method="post" action="/calendar/feed">
            <CsrfField token={props.viewer.csrf} />
            <button type="submit">{props.feed.exists ? 'Tạo địa chỉ mới (thu hồi địa chỉ cũ)' : 'Tạo địa chỉ lịch'}</button>
          </form>
          {props.feed.exists && (
            <form method="post" action="/calendar/feed/revoke">
              <CsrfField token={props.viewer.csrf} />
              <button type="submit" class="secondary">
                Thu hồi
              </button>
            </form>
          )}
        </div>
      </section>
    </Layout>
  )
}
