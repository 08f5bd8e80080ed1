import { Layout, type Viewer } from '../layout/Layout.tsx'
import { ASSET_VERSION } from '../layout/assets.ts'
import { BAND_LABELS, BAND_ORDER, type Counts } from './OrgBands.ts'

export interface DecisionListView {
  period: { id: string; title: string; year: number }
  org: { id: string; name: string; kind: string; parent_name: string | null }
  rows: { full_name: string; position: string | null; cell_name: string; band: string | null }[]
  counts: Counts
  /** the place written before the date, as typed on the page (blank: dots to fill in by hand) */
  place: string
  /** today in Vietnam, yyyy-mm-dd */
  today: string
}

/** Who signs for an organization, by its kind (a cell's committee is its chi ủy). */
const SIGNER: Record<string, string> = {
  cell: 'T/M CHI ỦY',
  grassroots_cell: 'T/M CHI ỦY',
  party_group: 'T/M TỔ ĐẢNG',
}

/**
 * The decision list in the layout of the Party's documents (Hướng dẫn 36-HD/VPTW): the issuing
 * organization under its superior on the left, the Party's name and the place and date on the
 * right, the title, the table, the totals per band and the signature. Printed on A4 from the
 * browser (static/css/evaluation-print.css); the page around it is hidden in print.
 */
export function OrgDecisionListPage(props: { viewer: Viewer; list: DecisionListView }) {
  const { list } = props
  const [y, m, d] = list.today.split('-')
  const total = Object.values(list.counts).reduce((s, n) => s + n, 0)
  const base = `/evaluations/ranking/${list.period.id}/${list.org.id}`
  return (
    <Layout
      title={`Danh sách xếp loại đảng viên năm ${list.period.year}`}
      viewer={props.viewer}
      current="/evaluations"
      head={
        <>
          <link rel="stylesheet" href={`/static/css/evaluation-print.css?v=${ASSET_VERSION}`} />
          <script src={`/static/js/print.js?v=${ASSET_VERSION}`} defer></script>
        </>
      }
    >
      <div class="no-print">
        <p>
          <a href={base}>‹ {list.org.name}</a>
        </p>
        <form method="get" action={`${base}/decisions`} class="inline">
          <label for="f-place">Địa danh</label>
          <input id="f-place" name="place" value={list.place} maxlength={60} />
          <button type="submit" class="secondary">
            Cập nhật
          </button>
          <button type="button" data-print>
            In (A4)
          </button>
          <a class="button secondary" href={`${base}/decisions.xlsx`} download>
            Tải Excel
          </a>
        </form>
      </div>
      <article class="document decision-list">
        <header class="official-head">
          <div class="issuer">
            {list.org.parent_name && <p>{list.org.parent_name.toUpperCase()}</p>}
            <p>
              <strong>{list.org.name.toUpperCase()}</strong>
            </p>
            <p>*</p>
          </div>
          <div class="party">
            <p>
              <strong class="underlined">ĐẢNG CỘNG SẢN VIỆT NAM</strong>
            </p>
            <p class="place-date">
              <em>
                {list.place || '…………'}, ngày {d} tháng {m} năm {y}
              </em>
            </p>
          </div>
        </header>
        <h1 class="document-title">
          DANH SÁCH XẾP LOẠI ĐẢNG VIÊN NĂM {list.period.year}
          <br />
          <small>{list.period.title}</small>
        </h1>
        <table class="official">
          <thead>
            <tr>
              <th scope="col">STT</th>
              <th scope="col">Họ và tên</th>
              <th scope="col">Chức vụ</th>
              <th scope="col">Mức xếp loại</th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((r, i) => (
              <tr>
                <td class="num">{i + 1}</td>
                <td>{r.full_name}</td>
                <td>{r.position ?? ''}</td>
                <td>{BAND_LABELS[r.band ?? 'pending']}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <section class="totals">
          <p>
            <strong>Tổng số: {total} đảng viên</strong>, trong đó:
          </p>
          <ul>
            {[...BAND_ORDER, 'pending'].map((b) => (
              <li data-total={b}>
                {BAND_LABELS[b]}: {list.counts[b] ?? 0}
              </li>
            ))}
          </ul>
        </section>
        <footer class="official-sign">
          <div>
            <p>
              <strong>{SIGNER[list.org.kind] ?? 'T/M ĐẢNG ỦY'}</strong>
            </p>
            <p>
              <strong>BÍ THƯ</strong>
            </p>
            <p class="signed"></p>
          </div>
        </footer>
      </article>
    </Layout>
  )
}
