import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Field, Flash, FormErrors } from '../components/Field.tsx'
import { formatDate } from '../components/labels.ts'
import type { Holiday } from '../../edge/features/calendar/calendar.queries.ts'

/** The public holidays of a year: every deadline counted in working days skips them. Their keepers add and remove them. */
export function HolidaysPage(props: {
  viewer: Viewer
  year: number
  days: Holiday[]
  keeps: boolean
  values?: Record<string, string>
  errors?: Record<string, string>
  notice?: string
}) {
  const errors = props.errors ?? {}
  return (
    <Layout title={`Ngày nghỉ lễ năm ${props.year}`} viewer={props.viewer} current="/calendar">
      <p>
        <a href="/calendar">‹ Lịch công tác</a>
      </p>
      <h1>Ngày nghỉ lễ năm {props.year}</h1>
      <Flash notice={props.notice} />
      <p class="muted">
        Các thời hạn tính theo ngày làm việc (giấy giới thiệu sinh hoạt đảng, nhắc việc) bỏ qua thứ Bảy, Chủ nhật và các ngày dưới đây. Tết Nguyên Đán, Giỗ Tổ
        Hùng Vương và ngày nghỉ thêm dịp Quốc khánh do cấp ủy nhập khi Chính phủ công bố.
      </p>
      <p class="pager">
        <a href={`/calendar/holidays?year=${props.year - 1}`}>‹ {props.year - 1}</a> <strong>{props.year}</strong>{' '}
        <a href={`/calendar/holidays?year=${props.year + 1}`}>{props.year + 1} ›</a>
      </p>
      {props.days.length === 0 ? (
        <EmptyState title="Chưa có ngày nghỉ lễ nào của năm này." />
      ) : (
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Ngày</th>
              <th scope="col">Ngày nghỉ</th>
              {props.keeps && <th scope="col">Bỏ</th>}
            </tr>
          </thead>
          <tbody>
            {props.days.map((h) => (
              <tr>
                <th scope="row">{formatDate(h.day)}</th>
                <td data-label="Ngày nghỉ">{h.name}</td>
                {props.keeps && (
                  <td>
                    <form method="post" action={`/calendar/holidays/${h.day}/delete`} data-confirm={`Bỏ ngày nghỉ ${formatDate(h.day)} (${h.name})?`}>
                      <CsrfField token={props.viewer.csrf} />
                      <button type="submit" class="secondary">
                        Bỏ
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.keeps && (
        <form method="post" action="/calendar/holidays" class="card" novalidate>
          <h2>Thêm ngày nghỉ lễ</h2>
          <FormErrors errors={errors} />
          <CsrfField token={props.viewer.csrf} />
          <Field name="day" label="Ngày" type="date" value={props.values?.day} error={errors.day} required />
          <Field name="name" label="Tên ngày nghỉ (ví dụ: Tết Nguyên Đán)" value={props.values?.name} error={errors.name} required maxlength={200} />
          <button type="submit">Thêm</button>
        </form>
      )}
    </Layout>
  )
}
