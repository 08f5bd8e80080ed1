import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, FormErrors, SelectField } from '../components/Field.tsx'
import { ASSET_VERSION } from '../layout/assets.ts'

export interface Slip {
  id: string
  full_name: string
  org_id: string
  org_name: string
  parent_name: string | null
  login: string
  code: string
}

export interface SlipBatch {
  /** the codes' last valid day (iso) */
  until: string
  /** where members go to activate, printed on each slip */
  site: string
  slips: Slip[]
  skipped: { id: string; full_name: string; org_name: string; outcome: string }[]
}

const SKIPPED: Record<string, string> = {
  activated: 'Đã có mật khẩu (đã kích hoạt, hoặc đã nhận mật khẩu tạm). Quên mật khẩu: in phiếu mới từ hồ sơ của người đó.',
  has_code: 'Đã có mã còn hạn từ lần in trước. Muốn thay phiếu cũ, chọn “In lại cho người đã có mã”.',
  not_yours: 'Người cùng cấp hoặc cấp trên: phiếu do cấp ủy cấp trên in.',
  login_taken: 'Số điện thoại đã là tên đăng nhập của người khác (máy dùng chung) và hồ sơ chưa có số thẻ đảng viên.',
  left: 'Đã chuyển ra, ra khỏi Đảng hoặc từ trần.',
  no_contact: 'Hồ sơ chưa có số điện thoại hay số thẻ đảng viên.',
}

const vnDate = (iso: string) => iso.split('-').reverse().join('/')

export function ActivationPage(props: {
  viewer: Viewer
  orgs?: { id: string; name: string; depth: number }[]
  values: { org_id?: string; days?: number; reissue?: boolean }
  errors?: Record<string, string>
  batch?: SlipBatch
}) {
  return (
    <Layout
      title="Phiếu kích hoạt tài khoản"
      viewer={props.viewer}
      current="/members"
      head={<script src={`/static/js/print.js?v=${ASSET_VERSION}`} defer></script>}
    >
      <p class="no-print">
        <a href="/members">‹ Danh sách đảng viên</a>
      </p>
      <h1 class="no-print">Phiếu kích hoạt tài khoản</h1>
      {props.batch ? <Batch batch={props.batch} /> : <RequestForm {...props} orgs={props.orgs ?? []} />}
    </Layout>
  )
}

function RequestForm(props: {
  viewer: Viewer
  orgs: { id: string; name: string; depth: number }[]
  values: { org_id?: string; days?: number; reissue?: boolean }
  errors?: Record<string, string>
}) {
  const minDepth = Math.min(...props.orgs.map((o) => o.depth))
  return (
    <>
      <p>
        Mỗi đảng viên nhận một phiếu có tên đăng nhập và mã kích hoạt dùng một lần. Đảng viên vào trang <strong>Kích hoạt tài khoản</strong>, nhập mã và ngày
        sinh, rồi tự đặt mật khẩu. Mã chỉ hiện ra một lần, ngay trên trang in này: hãy in ngay và cắt phiếu trao tận tay.
      </p>
      <form method="post" action="/members/activation" class="card" novalidate>
        <FormErrors errors={props.errors ?? {}} />
        <CsrfField token={props.viewer.csrf} />
        <SelectField
          name="org_id"
          label="In phiếu cho đảng viên của"
          value={props.values.org_id}
          error={props.errors?.org_id}
          blank="— Chọn tổ chức —"
          options={props.orgs.map((o) => [o.id, `${'\u2003'.repeat(o.depth - minDepth)}${o.name}`] as const)}
        />
        <SelectField
          name="days"
          label="Mã có hiệu lực trong"
          value={String(props.values.days ?? 30)}
          error={props.errors?.days}
          options={[7, 14, 30, 60, 90].map((d) => [String(d), `${d} ngày`] as const)}
        />
        <div class="field">
          <label>
            <input type="checkbox" name="reissue" checked={props.values.reissue} /> In lại cho người đã có mã còn hạn (phiếu cũ của họ hết hiệu lực)
          </label>
        </div>
        <button type="submit">Cấp mã và in phiếu</button>
        <p class="muted">Người đã kích hoạt không nhận phiếu mới. Người quên mật khẩu: vào hồ sơ của người đó để in phiếu mới.</p>
      </form>
    </>
  )
}

/** The slips of one printing, cell by cell (each cell starts a new sheet), with what was skipped and why above them. */
function Batch(props: { batch: SlipBatch }) {
  const b = props.batch
  // by organization id: cells are often named alike from ward to ward ("Chi bộ khu phố 1")
  const byOrg = new Map<string, Slip[]>()
  for (const s of b.slips) byOrg.set(s.org_id, [...(byOrg.get(s.org_id) ?? []), s])
  return (
    <>
      <section class="card no-print" aria-labelledby="batch-h">
        {b.slips.length > 0 ? (
          <>
            <h2 id="batch-h">
              Đã cấp {b.slips.length.toLocaleString('vi-VN')} mã kích hoạt, hiệu lực đến hết ngày {vnDate(b.until)}
            </h2>
            <p class="notice" role="status">
              Mã chỉ hiện một lần trên trang này và không lưu ở đâu để xem lại. Hãy in ngay; nếu mất phiếu, in phiếu mới cho người đó (mã cũ hết hiệu lực).
            </p>
          </>
        ) : (
          <>
            <h2 id="batch-h">Không cấp mã nào</h2>
            <p class="notice" role="status">
              Mọi đảng viên đã chọn đều đã kích hoạt tài khoản hoặc đã có mã còn hạn (lý do từng người ở dưới). Muốn thay phiếu cũ:{' '}
              <a href="/members/activation">chọn lại và đánh dấu “In lại cho người đã có mã”</a>.
            </p>
          </>
        )}
        {b.slips.length > 0 && (
          <p class="actions">
            <button type="button" data-print>
              In phiếu (A4, {Math.ceil(b.slips.length / 8).toLocaleString('vi-VN')} trang trở lên)
            </button>
          </p>
        )}
        {b.skipped.length > 0 && (
          // folded when long: a ward's skipped list must not stand between the secretary and the slips
          <details open={b.skipped.length <= 20}>
            <summary>Không in phiếu ({b.skipped.length.toLocaleString('vi-VN')} người): xem lý do</summary>
            <table class="stack" id="slips-skipped">
              <thead>
                <tr>
                  <th>Họ và tên</th>
                  <th>Tổ chức</th>
                  <th>Lý do</th>
                </tr>
              </thead>
              <tbody>
                {b.skipped.slice(0, 1000).map((s) => (
                  <tr>
                    <td>
                      <a href={`/members/${s.id}`}>{s.full_name}</a>
                    </td>
                    <td data-label="Tổ chức">{s.org_name}</td>
                    <td data-label="Lý do">{SKIPPED[s.outcome] ?? s.outcome}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {b.skipped.length > 1000 && <p class="muted">… và {(b.skipped.length - 1000).toLocaleString('vi-VN')} người khác.</p>}
          </details>
        )}
      </section>
      <div class="slips">
        {[...byOrg.values()].map((slips) => (
          <section class="slip-sheet" aria-label={`Phiếu của ${slips[0].org_name}${slips[0].parent_name ? `, ${slips[0].parent_name}` : ''}`}>
            {slips.map((s) => (
              <SlipCard slip={s} until={b.until} site={b.site} />
            ))}
          </section>
        ))}
      </div>
    </>
  )
}

function SlipCard(props: { slip: Slip; until: string; site: string }) {
  const s = props.slip
  return (
    <article class="slip">
      <h2>Phiếu kích hoạt Sổ tay đảng viên</h2>
      <p class="slip-who">
        <strong>{s.full_name}</strong>
        <br />
        {s.parent_name ? `${s.org_name} · ${s.parent_name}` : s.org_name}
      </p>
      <dl>
        <dt>Tên đăng nhập</dt>
        <dd class="slip-login">{s.login}</dd>
        <dt>Mã kích hoạt</dt>
        <dd class="slip-code">{s.code}</dd>
        <dt>Hiệu lực đến</dt>
        <dd>hết ngày {vnDate(props.until)}</dd>
      </dl>
      <p class="slip-how">
        Vào <strong>{props.site}/activate</strong>, nhập tên đăng nhập, ngày sinh và mã trên, rồi tự đặt mật khẩu. Mã chỉ dùng được một lần; không đưa phiếu cho
        người khác.
      </p>
    </article>
  )
}
