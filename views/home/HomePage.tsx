import { Layout, type Viewer } from '../layout/Layout.tsx'
import { ROLE_LABELS } from '../components/labels.ts'

export interface HomeProps {
  viewer: Viewer
  isAdmin: boolean
  fullName: string | null
  cell: { id: string; name: string } | null
  ancestors: { id: string; name: string }[]
  roles: { role: string; org_id: string; org_name: string }[]
  cellSize: number
}

/**
 * A card another module fills in by URL. It is drawn at once with the card's heading and one
 * line, the size of the card it becomes when empty, so the page does not jump when it arrives;
 * without JavaScript its link still leads there.
 */
function Slot(props: { url: string; title: string; link: [string, string] }) {
  return (
    <section class="card" hx-get={props.url} hx-trigger="load" hx-swap="outerHTML" aria-busy="true">
      <h2>{props.title}</h2>
      <p class="muted">
        <a href={props.link[0]}>{props.link[1]}</a>
      </p>
    </section>
  )
}

export function HomePage(props: HomeProps) {
  const managing = props.roles.length > 0 || props.isAdmin
  return (
    <Layout title="Trang chủ" viewer={props.viewer} current="/">
      <h1>Xin chào, {props.fullName ?? props.viewer.name}</h1>
      {props.cell && <Slot url="/notifications/latest" title="Thông báo mới" link={['/notifications', 'Xem tất cả thông báo']} />}
      <div class="grid two">
        <section class="card" aria-labelledby="my-org">
          <h2 id="my-org">Tổ chức của tôi</h2>
          {props.cell ? (
            <>
              <p>
                <strong>{props.cell.name}</strong> · {props.cellSize} đảng viên
              </p>
              {props.ancestors.length > 0 && (
                <p class="muted">
                  {[...props.ancestors]
                    .reverse()
                    .map((a) => a.name)
                    .join(' › ')}
                </p>
              )}
              <p>
                <a href="/residents">Sinh hoạt nơi cư trú</a> · <a href="/evaluations">Đánh giá, xếp loại</a> · <a href="/transfers">Chuyển sinh hoạt</a>
              </p>
            </>
          ) : (
            <p class="muted">{props.isAdmin ? 'Tài khoản quản trị hệ thống, không gắn với hồ sơ đảng viên.' : 'Tài khoản chưa gắn với hồ sơ đảng viên.'}</p>
          )}
        </section>
        <section class="card" aria-labelledby="my-roles">
          <h2 id="my-roles">Nhiệm vụ quản lý</h2>
          {managing ? (
            <ul>
              {props.isAdmin && <li>Quản trị hệ thống</li>}
              {props.roles.map((r) => (
                <li>
                  {ROLE_LABELS[r.role] ?? r.role} — <a href={`/orgs/${r.org_id}`}>{r.org_name}</a>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Bạn là đảng viên, không giữ chức vụ quản lý.</p>
          )}
          {managing && (
            <p class="actions">
              <a class="button" href="/members">
                Danh sách đảng viên
              </a>
              <a class="button secondary" href="/reports/registration">
                Thống kê đăng ký
              </a>
            </p>
          )}
        </section>
      </div>
      <div class="grid two">
        <Slot url="/meetings/upcoming" title="Sinh hoạt sắp tới" link={['/meetings', 'Sinh hoạt chi bộ']} />
        <Slot url="/tasks/summary" title="Việc được giao" link={['/tasks', 'Xem việc được giao']} />
        <Slot url="/library/latest" title="Tài liệu, tin tức" link={['/library', 'Thư viện tài liệu']} />
        <Slot url="/study/summary" title="Học tập nghị quyết" link={['/study', 'Các đợt học tập']} />
      </div>
    </Layout>
  )
}
