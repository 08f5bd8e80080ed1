import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState } from '../components/Field.tsx'
import { ORG_KIND_LABELS } from '../components/labels.ts'
import { ASSET_VERSION } from '../layout/assets.ts'

interface Counts {
  members: number
  registered: number
  active: number
  visits: number
}

interface Row extends Counts {
  id: string
  name: string
  kind: string
}

export interface RegistrationReport {
  days: number
  total: Row
  children: Row[]
  direct: Counts | null
  subtotals: (Counts & { kind: string; orgs: number })[]
}

// One formatter each, made once: toLocaleString with a locale builds a new one per call, and a
// province's report formats some 5,000 numbers (1,000 communes).
const PERCENT = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 })
const NUMBER = new Intl.NumberFormat('vi-VN')

function rate(r: Counts): string {
  return r.members ? `${PERCENT.format((r.registered / r.members) * 100)}%` : '—'
}

const n = (v: number) => NUMBER.format(v)

const PERIODS = [
  [7, '7 ngày'],
  [30, '30 ngày'],
  [90, '90 ngày'],
  [365, 'Một năm'],
] as const

function Cells(props: { r: Counts }) {
  return (
    <>
      <td class="num">{n(props.r.members)}</td>
      <td class="num">{n(props.r.registered)}</td>
      <td class="num">{rate(props.r)}</td>
      <td class="num">{n(props.r.active)}</td>
      <td class="num">{n(props.r.visits)}</td>
    </>
  )
}

export function RegistrationPage(props: { viewer: Viewer; report: RegistrationReport | null; tops: { id: string; name: string }[] }) {
  const r = props.report
  const t = r?.total
  return (
    <Layout
      title="Thống kê đăng ký tài khoản"
      viewer={props.viewer}
      current="/reports/registration"
      head={<script src={`/static/js/print.js?v=${ASSET_VERSION}`} defer></script>}
    >
      <h1>Tỷ lệ đảng viên đăng ký tài khoản</h1>
      <nav class="filters-bar no-print" aria-label="Báo cáo">
        <strong aria-current="true">Đăng ký tài khoản</strong>
        <a href="/reports/evaluations">Xếp loại</a>
      </nav>
      {props.tops.length > 1 && (
        <p class="no-print">
          {props.tops.map((o) => (
            <a class="button secondary" href={`/reports/registration?org=${o.id}`}>
              {o.name}
            </a>
          ))}
        </p>
      )}
      {!r || !t ? (
        <EmptyState title="Không có số liệu trong phạm vi của bạn.">
          <p>Thống kê dành cho bí thư, cấp ủy viên và cán bộ văn phòng.</p>
        </EmptyState>
      ) : (
        <>
          <section class="card">
            <h2>{t.name}</h2>
            <p>Số liệu ngày {new Date().toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' })}</p>
            <p>
              <strong>{n(t.registered)}</strong> / {n(t.members)} đảng viên đã đăng ký — <strong>{rate(t)}</strong>
            </p>
            <p>
              <strong>{n(t.active)}</strong> đảng viên đăng nhập trong {r.days} ngày qua · <strong>{n(t.visits)}</strong> lượt truy cập (số ngày mỗi người mở
              ứng dụng, cộng lại)
            </p>
            <nav class="filters-bar no-print" aria-label="Khoảng thời gian">
              {PERIODS.map(([days, label]) =>
                days === r.days ? <strong aria-current="true">{label}</strong> : <a href={`/reports/registration?org=${t.id}&days=${days}`}>{label}</a>,
              )}
            </nav>
            <p class="actions no-print">
              <a class="button secondary" href={`/reports/registration.xlsx?org=${t.id}&days=${r.days}`} download>
                Tải Excel
              </a>
              <a class="button secondary" href={`/reports/registration.csv?org=${t.id}&days=${r.days}`} download>
                Tải CSV
              </a>
              <button type="button" class="secondary" data-print>
                In (A4)
              </button>
            </p>
          </section>
          {r.children.length > 0 && (
            <table class="report">
              <caption class="sr">Đăng ký và sử dụng theo tổ chức trực thuộc {t.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Tổ chức trực thuộc</th>
                  <th scope="col" class="num">
                    Đảng viên
                  </th>
                  <th scope="col" class="num">
                    Đã đăng ký
                  </th>
                  <th scope="col" class="num">
                    Tỷ lệ
                  </th>
                  <th scope="col" class="num">
                    Đăng nhập {r.days} ngày
                  </th>
                  <th scope="col" class="num">
                    Lượt truy cập {r.days} ngày
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.children.map((c) => (
                  <tr data-org={c.id} data-kind={c.kind}>
                    <td>
                      <a href={`/reports/registration?org=${c.id}&days=${r.days}`}>{c.name}</a>
                    </td>
                    <Cells r={c} />
                  </tr>
                ))}
                {r.direct && (
                  <tr data-direct="">
                    <td>Sinh hoạt trực tiếp tại {t.name}</td>
                    <Cells r={r.direct} />
                  </tr>
                )}
              </tbody>
              <tbody class="subtotals">
                {r.subtotals.map((s) => (
                  <tr data-subtotal={s.kind}>
                    <th scope="row">
                      Cộng {ORG_KIND_LABELS[s.kind] ?? s.kind} ({n(s.orgs)})
                    </th>
                    <Cells r={s} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr data-total="">
                  <th scope="row">Toàn {t.name}</th>
                  <Cells r={t} />
                </tr>
              </tfoot>
            </table>
          )}
        </>
      )}
    </Layout>
  )
}
