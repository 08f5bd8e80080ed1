import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Flash } from '../components/Field.tsx'
import { formatDate, formatWhen, STATUS_LABELS as MEMBER_STATUS } from '../components/labels.ts'
import { KIND_LABELS, STEP_LABELS, statusLabel } from './labels.ts'

export interface TransferPageView {
  id: string
  kind: string
  status: string
  person_name: string
  person_birth_date: string | null
  person_status: string | null
  from_name: string
  to_name: string
  from_org_id: string | null
  reason: string | null
  starts_on: string | null
  ends_on: string | null
  fee_paid_through: string | null
  issuer_name: string | null
  letter_number: string | null
  letter_date: string | null
  deadline: string | null
  refusal: string | null
  overdue: boolean
  actions: string[]
  /** the viewer is the member moved (a refusal of his/her own request is a withdrawal) */
  mine?: boolean
}

export interface EventView {
  step: string
  note: string | null
  actor_name: string | null
  at: string
}

/** What was typed into a step's form, shown again when the step is refused (`action`: the form that was sent). */
export interface StepValues {
  action: string
  values: Record<string, string>
}

function ReasonForm(props: { id: string; action: 'refuse' | 'return'; csrf: string; label: string; typed?: StepValues }) {
  return (
    <form method="post" action={`/transfers/${props.id}/${props.action}`} class="report">
      <CsrfField token={props.csrf} />
      <div class="field">
        <label for={`f-${props.action}-reason`}>Lý do {props.action === 'refuse' ? 'từ chối' : 'trả lại'}</label>
        <input
          id={`f-${props.action}-reason`}
          name="reason"
          maxlength={1000}
          required
          value={props.typed?.action === props.action ? props.typed.values.reason : undefined}
        />
      </div>
      <button type="submit" class="secondary">
        {props.label}
      </button>
    </form>
  )
}

/** One transfer: the facts, each step taken, and the forms of the steps the viewer may take now. */
export function TransferPage(props: { viewer: Viewer; transfer: TransferPageView; events: EventView[]; notice?: string; error?: string; typed?: StepValues }) {
  const t = props.transfer
  const typed = (action: string, name: string) => (props.typed?.action === action ? props.typed.values[name] : undefined)
  const csrf = props.viewer.csrf
  const can = (action: string) => t.actions.includes(action)
  const thisMonth = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7)
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)
  return (
    <Layout title={`Chuyển sinh hoạt: ${t.person_name}`} viewer={props.viewer}>
      <h1>Chuyển sinh hoạt đảng {KIND_LABELS[t.kind].toLowerCase()}</h1>
      <Flash notice={props.notice} error={props.error} />
      <dl class="facts">
        <dt>Đảng viên</dt>
        <dd>
          {t.person_name}
          {t.person_birth_date && `, sinh ngày ${formatDate(t.person_birth_date)}`}
          {t.person_status && ` (${MEMBER_STATUS[t.person_status]})`}
        </dd>
        <dt>Từ</dt>
        <dd>{t.from_name}</dd>
        <dt>Đến</dt>
        <dd>{t.to_name}</dd>
        {t.kind === 'temporary' && (
          <>
            <dt>Thời gian</dt>
            <dd>
              {formatDate(t.starts_on)} – {formatDate(t.ends_on)}
            </dd>
          </>
        )}
        {t.reason && (
          <>
            <dt>Lý do</dt>
            <dd>{t.reason}</dd>
          </>
        )}
        {t.fee_paid_through && (
          <>
            <dt>Đảng phí</dt>
            <dd>Đã đóng đến hết tháng {formatDate(t.fee_paid_through).slice(3)}</dd>
          </>
        )}
        {t.letter_number && (
          <>
            <dt>Giấy giới thiệu</dt>
            <dd>
              Số {t.letter_number}, ngày {formatDate(t.letter_date)}
              {t.issuer_name && ` — ${t.issuer_name}`}
              {t.from_org_id && (
                <>
                  {' '}
                  · <a href={`/transfers/${t.id}/letter`}>In giấy giới thiệu</a>
                </>
              )}
            </dd>
          </>
        )}
        {t.deadline && (
          <>
            <dt>Hạn tiếp nhận</dt>
            <dd class={t.overdue ? 'warn' : undefined}>
              {formatDate(t.deadline)}
              {t.overdue && ' — đã quá hạn'}
            </dd>
          </>
        )}
        <dt>Tình trạng</dt>
        <dd>
          <strong>{statusLabel(t)}</strong>
          {t.refusal && ` — ${t.refusal}`}
        </dd>
      </dl>

      {can('confirm') && (
        <form method="post" action={`/transfers/${t.id}/confirm`} class="report">
          <h2>Chi bộ xác nhận</h2>
          <CsrfField token={csrf} />
          <div class="field">
            <label for="f-fee_month">Đã đóng đảng phí đến hết tháng</label>
            <input id="f-fee_month" name="fee_month" type="month" value={typed('confirm', 'fee_month') ?? thisMonth} required />
          </div>
          <label class="choice">
            <input type="checkbox" name="nothing_pending" required checked={typed('confirm', 'nothing_pending') === 'on'} /> Đảng viên không đang bị kiểm tra,
            xem xét kỷ luật
          </label>
          <button type="submit">Xác nhận</button>
        </form>
      )}
      {can('issue') && (
        <form method="post" action={`/transfers/${t.id}/issue`} class="report">
          <h2>Cấp giấy giới thiệu</h2>
          <CsrfField token={csrf} />
          <div class="field">
            <label for="f-letter_number">Số giấy giới thiệu</label>
            <input id="f-letter_number" name="letter_number" maxlength={40} required value={typed('issue', 'letter_number')} />
          </div>
          <div class="field">
            <label for="f-letter_date">Ngày cấp</label>
            <input id="f-letter_date" name="letter_date" type="date" value={typed('issue', 'letter_date') ?? today} required />
          </div>
          <button type="submit">Cấp giấy</button>
        </form>
      )}
      {can('accept') && (
        <form method="post" action={`/transfers/${t.id}/accept`} class="report">
          <h2>Tiếp nhận</h2>
          <CsrfField token={csrf} />
          <p>Khi tiếp nhận, đảng viên chuyển sang sinh hoạt tại {t.to_name} ngay.</p>
          <button type="submit">Tiếp nhận</button>
        </form>
      )}
      {can('return') && <ReasonForm id={t.id} action="return" csrf={csrf} label="Trả lại bước trước" typed={props.typed} />}
      {can('refuse') && (
        <ReasonForm id={t.id} action="refuse" csrf={csrf} label={t.mine && t.status === 'requested' ? 'Rút đề nghị' : 'Từ chối'} typed={props.typed} />
      )}

      <h2>Các bước</h2>
      <ol class="history">
        {props.events.map((e) => (
          <li>
            <strong>{STEP_LABELS[e.step]}</strong> · {formatWhen(e.at)}
            {e.actor_name && ` · ${e.actor_name}`}
            {e.note && (
              <>
                <br />
                <small>{e.note}</small>
              </>
            )}
          </li>
        ))}
      </ol>
    </Layout>
  )
}
