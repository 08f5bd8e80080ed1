import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState } from '../components/Field.tsx'
import { ORG_KIND_LABELS, formatDate } from '../components/labels.ts'
import { CHECKS, LIST_SIZE, type Check, type CheckCounts, type FlaggedMember, type QualityReport } from '../../edge/features/members/members.quality.queries.ts'

/** What each check is called on the page (the module's catalogue of them). */
export const CHECK_LABELS: Record<Check, string> = {
  missing_phone: 'Thiếu số điện thoại',
  missing_birth: 'Thiếu ngày sinh',
  missing_card: 'Thiếu số thẻ',
  missing_admitted: 'Thiếu ngày vào Đảng',
  duplicate_card: 'Trùng số thẻ',
  duplicate_person: 'Có thể trùng người',
  impossible_dates: 'Ngày không hợp lý',
  shared_phone: 'Dùng chung số điện thoại',
}

const CHECK_HINTS: Record<Check, string> = {
  missing_phone: 'không có số điện thoại: không nhận được phiếu kích hoạt theo số điện thoại, không nhận được tin nhắc',
  missing_birth: 'không có ngày sinh: không kích hoạt được tài khoản, không tính được độ tuổi',
  missing_card: 'không có số thẻ đảng viên',
  missing_admitted: 'không có ngày vào Đảng',
  duplicate_card: 'hai hồ sơ cùng số thẻ, chỉ khác cách viết (dấu chấm, khoảng trắng)',
  duplicate_person: 'hai hồ sơ cùng họ tên và ngày sinh: có thể là một người được nhập hai lần',
  impossible_dates: 'ngày chính thức trước ngày vào Đảng, vào Đảng trước 18 tuổi, hoặc ngày sau hôm nay',
  shared_phone: 'nhiều hồ sơ cùng một số điện thoại (máy dùng chung trong gia đình): chỉ một người đăng nhập được bằng số đó',
}

/** Which date cannot be true, in words, with the dates as recorded. */
function dateProblem(m: FlaggedMember): string {
  const d = formatDate
  switch (m.date_problem) {
    case 'born_in_future':
      return `ngày sinh ${d(m.birth_date)} sau hôm nay`
    case 'admitted_in_future':
      return `ngày vào Đảng ${d(m.admitted_on)} sau hôm nay`
    case 'official_in_future':
      return `ngày chính thức ${d(m.official_on)} sau hôm nay`
    case 'official_before_admitted':
      return `ngày chính thức ${d(m.official_on)} trước ngày vào Đảng ${d(m.admitted_on)}`
    case 'admitted_under_18':
      return `vào Đảng ${d(m.admitted_on)} khi chưa đủ 18 tuổi (sinh ${d(m.birth_date)})`
    default:
      return ''
  }
}

export interface QualityPageProps {
  viewer: Viewer
  tops: { id: string; name: string }[]
  report: QualityReport
  check?: Check
  /** the members to fix, when a check is chosen or the organization has nothing below it */
  list?: { rows: FlaggedMember[]; page: number }
}

const href = (org: string, check?: Check, page?: number) =>
  `/members/quality?org=${org}${check ? `&check=${check}` : ''}${page && page > 1 ? `&page=${page}` : ''}`

function Counts(props: { org: string; counts: CheckCounts; name: string; kind?: string; open?: boolean }) {
  const c = props.counts
  return (
    <tr>
      <th scope="row">
        {props.open ? <a href={href(props.org)}>{props.name}</a> : props.name}
        {props.kind && <small class="muted"> {ORG_KIND_LABELS[props.kind] ?? ''}</small>}
      </th>
      <td data-label="Đảng viên">{c.members}</td>
      <td data-label="Có vấn đề">{c.with_problems}</td>
      {CHECKS.map((k) => (
        <td data-label={CHECK_LABELS[k]}>
          {c[k] ? (
            <a class="count" href={href(props.org, k)}>
              {c[k]}
            </a>
          ) : (
            0
          )}
        </td>
      ))}
    </tr>
  )
}

export function QualityPage(props: QualityPageProps) {
  const r = props.report
  const o = r.org
  return (
    <Layout title="Chuẩn hóa dữ liệu đảng viên" viewer={props.viewer} current="/members">
      <p>
        <a href="/members">‹ Danh sách đảng viên</a>
        {o.parent_id && props.tops.every((t) => t.id !== o.id) && (
          <>
            {' · '}
            <a href={href(o.parent_id)}>Cấp trên</a>
          </>
        )}
      </p>
      <h1>Chuẩn hóa dữ liệu: {o.name}</h1>
      <p>
        Hồ sơ đảng viên đang sinh hoạt của {o.name}: {r.total.members} đảng viên, <strong>{r.total.with_problems} hồ sơ cần xem lại</strong>.
        {r.total.with_problems > 0 ? ' Bấm vào một số để xem danh sách và sửa từng hồ sơ.' : ' Không có hồ sơ nào cần sửa.'}
      </p>
      {r.total.members === 0 ? (
        <EmptyState title="Chưa có hồ sơ đảng viên nào.">
          <p>
            <a href="/members/import">Nhập danh sách từ tệp</a>
          </p>
        </EmptyState>
      ) : (
        <table class="stack quality">
          <thead>
            <tr>
              <th scope="col">Tổ chức</th>
              <th scope="col">Đảng viên</th>
              <th scope="col">Có vấn đề</th>
              {CHECKS.map((k) => (
                <th scope="col">{CHECK_LABELS[k]}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.children.map((c) => (
              <Counts org={c.id} counts={c} name={c.name} kind={c.kind} open />
            ))}
            {r.direct.members > 0 && <Counts org={o.id} counts={r.direct} name={`Sinh hoạt trực tiếp tại ${o.name}`} />}
          </tbody>
          <tfoot>
            <Counts org={o.id} counts={r.total} name={`Toàn ${o.name}`} />
          </tfoot>
        </table>
      )}
      <details>
        <summary>Các mục kiểm tra</summary>
        <dl>
          {CHECKS.map((k) => (
            <>
              <dt>{CHECK_LABELS[k]}</dt>
              <dd>{CHECK_HINTS[k]}</dd>
            </>
          ))}
        </dl>
      </details>
      {props.list && <Flagged org={o.id} check={props.check} list={props.list} />}
    </Layout>
  )
}

function Flagged(props: { org: string; check?: Check; list: NonNullable<QualityPageProps['list']> }) {
  const { rows, page } = props.list
  const shown = rows.slice(0, LIST_SIZE)
  return (
    <section aria-labelledby="flagged-h">
      <h2 id="flagged-h">{props.check ? CHECK_LABELS[props.check] : 'Hồ sơ cần xem lại'}</h2>
      {props.check && (
        <p>
          <a href={href(props.org)}>Xem mọi vấn đề</a>
        </p>
      )}
      {shown.length === 0 ? (
        <EmptyState title="Không có hồ sơ nào cần xem lại ở mục này." />
      ) : (
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Họ và tên</th>
              <th scope="col">Chi bộ</th>
              <th scope="col">Vấn đề</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr>
                <th scope="row">
                  <a href={`/members/${m.id}`}>{m.full_name}</a>
                </th>
                <td data-label="Chi bộ">{m.org_name}</td>
                <td data-label="Vấn đề">
                  {m.problems.map((p) => (p === 'impossible_dates' && m.date_problem ? `${CHECK_LABELS[p]}: ${dateProblem(m)}` : CHECK_LABELS[p])).join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(page > 1 || rows.length > LIST_SIZE) && (
        <nav class="pager" aria-label="Phân trang">
          {page > 1 ? (
            <a href={href(props.org, props.check, page - 1)} rel="prev">
              ‹ Trước
            </a>
          ) : (
            <span aria-disabled="true">‹ Trước</span>
          )}
          <span>Trang {page}</span>
          {rows.length > LIST_SIZE ? (
            <a href={href(props.org, props.check, page + 1)} rel="next">
              Sau ›
            </a>
          ) : (
            <span aria-disabled="true">Sau ›</span>
          )}
        </nav>
      )}
    </section>
  )
}
