import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState } from '../components/Field.tsx'

interface Row {
  id: string
  name: string
  members: number
  registered: number
}

function rate(r: Row): string {
  return r.members ? `${((r.registered / r.members) * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%` : '—'
}

export function RegistrationPage(props: { viewer: Viewer; total: Row | null; children: Row[]; tops: { id: string; name: string }[] }) {
  const t = props.total
  return (
    <Layout title="Thống kê đăng ký tài khoản" viewer={props.viewer} current="/reports/registration">
      <h1>Tỷ lệ đảng viên đăng ký tài khoản</h1>
      {props.tops.length > 1 && (
        <p>
          {props.tops.map((o) => (
            <a class="button secondary" href={`/reports/registration?org=${o.id}`}>
              {o.name}
            </a>
          ))}
        </p>
      )}
      {!t ? (
        <EmptyState title="Không có số liệu trong phạm vi của bạn.">
          <p>Thống kê dành cho bí thư, cấp ủy viên và cán bộ văn phòng.</p>
        </EmptyState>
      ) : (
        <>
          <section class="card">
            <h2>{t.name}</h2>
            <p>
              <strong>{t.registered.toLocaleString('vi-VN')}</strong> / {t.members.toLocaleString('vi-VN')} đảng viên đã đăng ký — <strong>{rate(t)}</strong>
            </p>
          </section>
          {props.children.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th>Tổ chức trực thuộc</th>
                  <th class="num">Đảng viên</th>
                  <th class="num">Đã đăng ký</th>
                  <th class="num">Tỷ lệ</th>
                </tr>
              </thead>
              <tbody>
                {props.children.map((r) => (
                  <tr>
                    <td>
                      <a href={`/reports/registration?org=${r.id}`}>{r.name}</a>
                    </td>
                    <td class="num">{r.members.toLocaleString('vi-VN')}</td>
                    <td class="num">{r.registered.toLocaleString('vi-VN')}</td>
                    <td class="num">{rate(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Layout>
  )
}
