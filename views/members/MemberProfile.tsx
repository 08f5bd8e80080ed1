import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, Flash } from '../components/Field.tsx'
import { GENDER_LABELS, STATUS_LABELS, formatDate, orgLabel } from '../components/labels.ts'

type Profile = Record<string, unknown> & {
  id: string
  full_name: string
  org_name: string
  org_parent: string | null
  org_code: string | null
  status: string
  exempt: boolean
  can_manage: boolean
  has_account: boolean
  signed_in: boolean
  registered: boolean
  can_issue: boolean
}

const ROWS: [string, string, 'date' | 'text' | 'gender'][] = [
  ['other_names', 'Tên gọi khác', 'text'],
  ['birth_date', 'Ngày sinh', 'date'],
  ['gender', 'Giới tính', 'gender'],
  ['ethnicity', 'Dân tộc', 'text'],
  ['religion', 'Tôn giáo', 'text'],
  ['hometown', 'Quê quán', 'text'],
  ['birthplace', 'Nơi sinh', 'text'],
  ['permanent_address', 'Nơi thường trú', 'text'],
  ['current_address', 'Nơi ở hiện nay', 'text'],
  ['phone', 'Điện thoại', 'text'],
  ['email', 'Email', 'text'],
  ['citizen_id', 'Số CCCD', 'text'],
  ['card_number', 'Số thẻ đảng viên', 'text'],
  ['admitted_on', 'Ngày vào Đảng', 'date'],
  ['official_on', 'Ngày chính thức', 'date'],
  ['education', 'Trình độ học vấn', 'text'],
  ['theory_level', 'Lý luận chính trị', 'text'],
  ['occupation', 'Nghề nghiệp', 'text'],
  ['position', 'Chức vụ', 'text'],
  ['rewards', 'Khen thưởng', 'text'],
  ['discipline', 'Kỷ luật', 'text'],
  ['exempt_reason', 'Lý do miễn sinh hoạt', 'text'],
  ['deceased_on', 'Ngày mất', 'date'],
  ['left_on', 'Ngày ra khỏi Đảng', 'date'],
]

/** Names of the changed fields as the form calls them (the audit trail keeps the columns' names). */
const FIELD_LABELS: Record<string, string> = {
  ...Object.fromEntries(ROWS.map(([key, label]) => [key, label])),
  full_name: 'Họ và tên',
  other_names: 'Tên gọi khác',
  status: 'Tình trạng',
  exempt: 'Miễn sinh hoạt',
  org_id: 'Chi bộ',
  registered_at: 'Đăng ký tài khoản',
}

const ACTION_LABELS: Record<string, string> = {
  'member.create': 'Tạo hồ sơ',
  'member.update': 'Sửa hồ sơ',
  'member.delete': 'Xóa hồ sơ',
  'member.login_issued': 'Cấp/đặt lại mật khẩu tạm',
  'member.activation_issued': 'In phiếu kích hoạt',
}

function show(value: unknown, kind: string): string {
  if (value === null || value === undefined || value === '') return ''
  if (kind === 'date') return formatDate(String(value))
  if (kind === 'gender') return GENDER_LABELS[String(value)] ?? ''
  return String(value)
}

export interface AuditView {
  at: Date | string
  action: string
  details: Record<string, unknown>
  actor_name: string | null
}

/** "Registered" may come from an earlier system (an import's "Đã đăng ký"): only a sign-in here says "đã đăng nhập". */
function accountState(m: { has_account: boolean; signed_in: boolean; registered: boolean }, gone: boolean): string {
  if (gone && m.has_account) return 'Tài khoản đã ngừng'
  if (m.has_account && m.signed_in) return 'Đã có tài khoản, đã đăng nhập'
  if (m.has_account) return m.registered ? 'Đã có tài khoản, chưa đăng nhập (đã đăng ký ở hệ thống cũ)' : 'Đã có tài khoản, chưa đăng nhập'
  return m.registered ? 'Đã đăng ký ở hệ thống cũ, chưa có tài khoản' : 'Chưa có tài khoản'
}

export function MemberProfile(props: { viewer: Viewer; member: Profile; audit: AuditView[]; notice?: string; errors?: Record<string, string> }) {
  const m = props.member
  // a member who left or died holds no account and no standing to change: the record is kept, read-only but for corrections
  const gone = !!(m.deceased_on || m.left_on)
  const errors = props.errors ?? {}
  return (
    <Layout title={m.full_name} viewer={props.viewer} current="/members">
      <p>
        <a href="/members">‹ Danh sách đảng viên</a>
      </p>
      <h1>{m.full_name}</h1>
      <Flash notice={props.notice} error={errors._form} />
      <p>
        <span class="badge">{STATUS_LABELS[m.status] ?? m.status}</span>{' '}
        {gone ? <span class="badge">{m.deceased_on ? 'Đã từ trần' : 'Đã ra khỏi Đảng'}</span> : m.exempt && <span class="badge">Miễn sinh hoạt</span>}{' '}
        <span class="badge">{accountState(m, gone)}</span>
      </p>
      <p class="muted">{orgLabel({ name: m.org_name, parent_name: m.org_parent, short_code: m.org_code })}</p>
      {m.can_manage && (
        <p class="actions">
          <a class="button" href={`/members/${m.id}/edit`}>
            Sửa hồ sơ
          </a>
          {!gone && m.can_issue && (
            <form
              method="post"
              action="/members/activation"
              data-confirm={
                m.registered && m.has_account
                  ? `${m.full_name} đang dùng tài khoản. In phiếu mới sẽ xóa mật khẩu hiện tại và đăng xuất ${m.full_name} trên mọi máy. Tiếp tục?`
                  : undefined
              }
            >
              <CsrfField token={props.viewer.csrf} />
              <input type="hidden" name="member_id" value={m.id} />
              <button type="submit" class="secondary">
                {!m.has_account ? 'In phiếu kích hoạt' : m.registered ? 'Quên mật khẩu: in phiếu mới' : 'In lại phiếu kích hoạt'}
              </button>
            </form>
          )}
          {!gone && m.can_issue && (
            <form method="post" action={`/members/${m.id}/login`}>
              <CsrfField token={props.viewer.csrf} />
              <button type="submit" class="secondary">
                {m.has_account ? 'Đặt lại mật khẩu tạm' : 'Cấp mật khẩu tạm'}
              </button>
            </form>
          )}
        </p>
      )}
      <section class="card">
        <h2>Thông tin</h2>
        <dl class="profile">
          {ROWS.filter(([key, , kind]) => show(m[key], kind)).map(([key, label, kind]) => (
            <>
              <dt>{label}</dt>
              <dd>{show(m[key], kind)}</dd>
            </>
          ))}
        </dl>
      </section>
      {m.can_manage && !gone && <StatusForms id={m.id} csrf={props.viewer.csrf} status={m.status} exempt={m.exempt} errors={errors} />}
      {PARTY_WORK.map(([path, title]) => (
        <PartyWorkSlot url={`/${path}/members/${m.id}`} title={title} />
      ))}
      <section class="card">
        <h2>Lịch sử thay đổi</h2>
        {props.audit.length === 0 ? (
          <p class="muted">Chưa có thay đổi nào được ghi nhận.</p>
        ) : (
          <ul>
            {props.audit.map((a) => (
              <li>
                {new Date(a.at).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })} — {ACTION_LABELS[a.action] ?? a.action}
                {a.actor_name ? ` — ${a.actor_name}` : ''}
                {a.action === 'member.update' && (
                  <small>
                    {' '}
                    (
                    {Object.keys(a.details)
                      .map((key) => FIELD_LABELS[key] ?? key)
                      .join(', ')}
                    )
                  </small>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  )
}

/** The member's yearly Party work, each part drawn by its own feature into the profile (by URL, once the page is shown). */
const PARTY_WORK = [
  ['evaluations', 'Đánh giá, xếp loại'],
  ['transfers', 'Chuyển sinh hoạt đảng'],
  ['residents', 'Sinh hoạt nơi cư trú'],
] as const

function PartyWorkSlot(props: { url: string; title: string }) {
  return (
    <section class="card" hx-get={props.url} hx-trigger="load" hx-swap="outerHTML" aria-busy="true">
      <h2>{props.title}</h2>
      <p class="muted">
        <a href={props.url}>Xem</a>
      </p>
    </section>
  )
}

function StatusForms(props: { id: string; csrf: string; status: string; exempt: boolean; errors: Record<string, string> }) {
  const action = `/members/${props.id}/status`
  return (
    <section class="card">
      <h2>Thay đổi tình trạng</h2>
      <div class="grid two">
        {props.status === 'probationary' && (
          <form method="post" action={action}>
            <CsrfField token={props.csrf} />
            <input type="hidden" name="change" value="official" />
            <Field id="f-official-date" name="date" label="Công nhận chính thức từ ngày" type="date" error={props.errors.official} />
            <button type="submit">Công nhận đảng viên chính thức</button>
          </form>
        )}
        {props.exempt ? (
          <form method="post" action={action}>
            <CsrfField token={props.csrf} />
            <input type="hidden" name="change" value="unexempt" />
            <button type="submit" class="secondary">
              Thôi miễn sinh hoạt
            </button>
          </form>
        ) : (
          <form method="post" action={action}>
            <CsrfField token={props.csrf} />
            <input type="hidden" name="change" value="exempt" />
            <Field name="reason" label="Lý do miễn sinh hoạt" error={props.errors.exempt} maxlength={500} />
            <button type="submit" class="secondary">
              Miễn sinh hoạt
            </button>
          </form>
        )}
        <DatedChange action={action} csrf={props.csrf} change="deceased" label="Ngày mất" button="Ghi nhận đã mất" error={props.errors.deceased} />
        <DatedChange action={action} csrf={props.csrf} change="left" label="Ngày ra khỏi Đảng" button="Ghi nhận ra khỏi Đảng" error={props.errors.left} />
      </div>
    </section>
  )
}

function DatedChange(props: { action: string; csrf: string; change: string; label: string; button: string; error?: string }) {
  return (
    <form method="post" action={props.action}>
      <CsrfField token={props.csrf} />
      <input type="hidden" name="change" value={props.change} />
      <Field id={`f-${props.change}-date`} name="date" label={props.label} type="date" error={props.error} />
      <button type="submit" class="secondary">
        {props.button}
      </button>
    </form>
  )
}
