import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState } from '../components/Field.tsx'
import { ASSET_VERSION } from '../layout/assets.ts'

type Counts = Record<'excellent' | 'good' | 'complete' | 'not_complete' | 'pending', number>

interface Row {
  id: string
  name: string
  kind: string
  members: Counts
  orgs: Counts
}

export interface EvaluationsReport {
  period: { id: string; title: string; year: number }
  total: Row
  children: Row[]
  direct: Counts | null
}

/** Short headings (the full band in each one's title), so that the table fits a 360 px screen; each row's total sits with its name. */
const BANDS = [
  ['excellent', 'XS', 'Hoàn thành xuất sắc nhiệm vụ'],
  ['good', 'Tốt', 'Hoàn thành tốt nhiệm vụ'],
  ['complete', 'HT', 'Hoàn thành nhiệm vụ'],
  ['not_complete', 'KHT', 'Không hoàn thành nhiệm vụ'],
  ['pending', 'Chưa', 'Chưa có quyết định xếp loại'],
] as const

const NUMBER = new Intl.NumberFormat('vi-VN')
const all = (c: Counts) => BANDS.reduce((s, [b]) => s + c[b], 0)

function Cells(props: { c: Counts }) {
  return (
    <>
      {BANDS.map(([b]) => (
        <td class="num" data-band={b}>
          {NUMBER.format(props.c[b])}
        </td>
      ))}
    </>
  )
}

/** One table per subject (members, organizations): a row per child, then the total. */
function Distribution(props: { report: EvaluationsReport; of: 'members' | 'orgs'; caption: string }) {
  const r = props.report
  const href = (id: string) => `/reports/evaluations?period=${r.period.id}&org=${id}`
  return (
    <table class="report" data-of={props.of}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Tổ chức trực thuộc</th>
          {BANDS.map(([, short, label]) => (
            <th scope="col" class="num">
              <abbr title={label}>{short}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {r.children.map((c) => (
          <tr data-org={c.id}>
            <td>
              <a href={href(c.id)}>{c.name}</a> <small>({NUMBER.format(all(c[props.of]))})</small>
            </td>
            <Cells c={c[props.of]} />
          </tr>
        ))}
        {props.of === 'members' && r.direct && (
          <tr data-direct="">
            <td>
              Sinh hoạt trực tiếp tại {r.total.name} <small>({NUMBER.format(all(r.direct))})</small>
            </td>
            <Cells c={r.direct} />
          </tr>
        )}
      </tbody>
      <tfoot>
        <tr data-total="">
          <th scope="row">
            Toàn {r.total.name} <small>({NUMBER.format(all(r.total[props.of]))})</small>
          </th>
          <Cells c={r.total[props.of]} />
        </tr>
      </tfoot>
    </table>
  )
}

/** The evaluation distribution of a period over a subtree, per child organization (members and organizations per band). */
export function EvaluationsPage(props: {
  viewer: Viewer
  periods: { id: string; title: string }[]
  tops: { id: string; name: string }[]
  report: EvaluationsReport | null
}) {
  const r = props.report
  return (
    <Layout
      title="Thống kê xếp loại đảng viên"
      viewer={props.viewer}
      current="/reports/registration"
      head={<script src={`/static/js/print.js?v=${ASSET_VERSION}`} defer></script>}
    >
      <h1>Kết quả đánh giá, xếp loại</h1>
      <nav class="filters-bar no-print" aria-label="Báo cáo">
        <a href="/reports/registration">Đăng ký tài khoản</a>
        <strong aria-current="true">Xếp loại</strong>
      </nav>
      {props.periods.length > 1 && (
        <nav class="filters-bar no-print" aria-label="Kỳ đánh giá">
          {props.periods.map((p) =>
            p.id === r?.period.id ? (
              <strong aria-current="true">{p.title}</strong>
            ) : (
              <a href={`/reports/evaluations?period=${p.id}${r ? `&org=${r.total.id}` : ''}`}>{p.title}</a>
            ),
          )}
        </nav>
      )}
      {props.tops.length > 1 && r && (
        <p class="no-print">
          {props.tops.map((o) => (
            <a class="button secondary" href={`/reports/evaluations?period=${r.period.id}&org=${o.id}`}>
              {o.name}
            </a>
          ))}
        </p>
      )}
      {!r ? (
        <EmptyState title="Không có số liệu xếp loại trong phạm vi của bạn.">
          <p>Thống kê dành cho bí thư, cấp ủy viên và cán bộ văn phòng, khi đã có kỳ đánh giá.</p>
        </EmptyState>
      ) : (
        <>
          <section class="card">
            <h2>
              {r.total.name} — {r.period.title}
            </h2>
            <p>
              <strong>{NUMBER.format(all(r.total.members) - r.total.members.pending)}</strong> / {NUMBER.format(all(r.total.members))} đảng viên đã có quyết
              định xếp loại; xuất sắc {NUMBER.format(r.total.members.excellent)}, tốt {NUMBER.format(r.total.members.good)}, hoàn thành{' '}
              {NUMBER.format(r.total.members.complete)}, không hoàn thành {NUMBER.format(r.total.members.not_complete)}.
            </p>
            <p class="actions no-print">
              <button type="button" class="secondary" data-print>
                In (A4)
              </button>
            </p>
          </section>
          <p class="muted">XS: hoàn thành xuất sắc; Tốt: hoàn thành tốt; HT: hoàn thành; KHT: không hoàn thành nhiệm vụ; Chưa: chưa có quyết định.</p>
          <Distribution report={r} of="members" caption="Đảng viên theo mức xếp loại" />
          <Distribution report={r} of="orgs" caption="Tổ chức đảng theo mức xếp loại" />
        </>
      )}
    </Layout>
  )
}
