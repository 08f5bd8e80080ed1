import { EmptyState } from '../components/Field.tsx'
import { Pagination } from '../components/Pagination.tsx'
import { GENDER_LABELS, STATUS_LABELS } from '../components/labels.ts'

export interface MemberRowView {
  id: string
  full_name: string
  birth_date: string | null
  gender: string | null
  status: string
  exempt: boolean
  deceased_on: string | null
  left_on: string | null
  org_name: string
}

function statusText(m: MemberRowView): string {
  if (m.deceased_on) return 'Đã mất'
  if (m.left_on) return 'Đã ra khỏi Đảng'
  return `${STATUS_LABELS[m.status] ?? m.status}${m.exempt ? ' · miễn sinh hoạt' : ''}`
}

/** The swappable result list: table, count and pager (id="member-rows"). */
export function MemberRows(props: { rows: MemberRowView[]; total: number; capped?: boolean; page: number; pageSize: number; href: (page: number) => string }) {
  return (
    <section id="member-rows" aria-live="polite">
      <p class="muted">
        {props.capped ? 'Hơn ' : ''}
        {props.total.toLocaleString('vi-VN')} đảng viên{props.total > 0 && ` · trang ${props.page}`}
        {props.capped && ' · hãy thu hẹp bằng tìm kiếm hoặc bộ lọc'}
      </p>
      {props.rows.length === 0 ? (
        <EmptyState title="Không có đảng viên nào khớp điều kiện tìm.">
          <p>Thử bỏ bớt bộ lọc, hoặc tìm theo một phần của tên (không cần gõ dấu).</p>
        </EmptyState>
      ) : (
        <table class="stack">
          <thead>
            <tr>
              <th>Họ và tên</th>
              <th>Năm sinh</th>
              <th>Giới tính</th>
              <th>Tình trạng</th>
              <th>Chi bộ</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((m) => (
              <tr>
                <td>
                  <a href={`/members/${m.id}`}>{m.full_name}</a>
                </td>
                <td data-label="Năm sinh">{m.birth_date?.slice(0, 4)}</td>
                <td data-label="Giới tính">{m.gender ? GENDER_LABELS[m.gender] : ''}</td>
                <td data-label="Tình trạng">{statusText(m)}</td>
                <td data-label="Chi bộ">{m.org_name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination page={props.page} pageSize={props.pageSize} total={props.total} open={props.capped} href={props.href} target="#member-rows" />
    </section>
  )
}
