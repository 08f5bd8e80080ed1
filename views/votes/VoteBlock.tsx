import { CsrfField, Flash } from '../components/Field.tsx'

export interface TallyView {
  for: number
  against: number
  abstain: number
  eligible: number
  passed: boolean
}

export interface VoteStateView {
  status: 'none' | 'open' | 'closed'
  tally: TallyView
}

export const CHOICES = { for: 'Tán thành', against: 'Không tán thành', abstain: 'Không biểu quyết' } as Record<string, string>

/** The tally everyone sees (id="vote-tally"): the content of every live frame. */
export function VoteTally(props: { state: VoteStateView; oob?: boolean }) {
  const { status, tally } = props.state
  const voted = tally.for + tally.against + tally.abstain
  return (
    <div id="vote-tally" hx-swap-oob={props.oob ? 'true' : undefined}>
      {status === 'none' && <p class="muted">Chưa mở biểu quyết.</p>}
      {status !== 'none' && (
        <>
          <p>
            {status === 'open' ? <span class="badge">Đang biểu quyết</span> : <span class="badge">Đã kết thúc</span>} {voted} / {tally.eligible} đảng viên chính
            thức có mặt đã biểu quyết
          </p>
          <ul class="tally">
            {Object.entries(CHOICES).map(([choice, label]) => (
              <li>
                {label}: <strong>{tally[choice as 'for']}</strong>
              </li>
            ))}
          </ul>
          {status === 'closed' && (
            <p>
              <strong>{tally.passed ? 'Nghị quyết được thông qua' : 'Nghị quyết chưa được thông qua'}</strong> ({tally.for}/{tally.eligible} tán thành; cần quá
              nửa số đảng viên chính thức có mặt).
            </p>
          )}
        </>
      )}
    </div>
  )
}

/** The voter's own choice and buttons (id="vote-form"), or why there are none. */
export function VoteForm(props: {
  meetingId: string
  status: VoteStateView['status']
  inCell: boolean
  canVote: boolean
  myChoice: string | null
  csrf: string
  oob?: boolean
}) {
  const action = `/votes/meetings/${props.meetingId}`
  return (
    <div id="vote-form" hx-swap-oob={props.oob ? 'true' : undefined} hx-get={`${action}/form`} hx-trigger="attendance-changed from:body" hx-swap="outerHTML">
      {props.myChoice && (
        <p>
          Bạn đã chọn: <strong>{CHOICES[props.myChoice]}</strong>
        </p>
      )}
      {props.status === 'open' && props.canVote && (
        <form id="vote-buttons" method="post" action={action} hx-post={action} hx-target="#vote-flash" hx-swap="innerHTML" class="choices">
          <CsrfField token={props.csrf} />
          {Object.entries(CHOICES).map(([choice, label]) => (
            <button
              type="submit"
              name="choice"
              value={choice}
              class={props.myChoice === choice ? undefined : 'secondary'}
              aria-pressed={String(props.myChoice === choice)}
            >
              {label}
            </button>
          ))}
        </form>
      )}
      {props.status === 'open' && props.inCell && !props.canVote && <p class="muted">Chỉ đảng viên chính thức đã điểm danh có mặt mới biểu quyết.</p>}
    </div>
  )
}

/**
 * The outcome of the user's last action (id="vote-flash"), and the target of every button here:
 * live frames may replace the buttons while a request is on its way, and htmx drops a response
 * whose target is gone, so the target is this, which frames never touch.
 */
export function VoteFlash(props: { notice?: string; error?: string }) {
  return (
    <div id="vote-flash">
      <Flash notice={props.notice} error={props.error} />
    </div>
  )
}

/** The secretary's open / close buttons (id="vote-controls"). */
export function VoteControls(props: {
  meetingId: string
  status: VoteStateView['status']
  canManage: boolean
  started?: boolean
  csrf: string
  oob?: boolean
}) {
  const action = `/votes/meetings/${props.meetingId}`
  const button = (to: 'open' | 'close', label: string, confirm?: string) => (
    <form method="post" action={`${action}/${to}`} hx-post={`${action}/${to}`} hx-target="#vote-flash" hx-swap="innerHTML" hx-confirm={confirm}>
      <CsrfField token={props.csrf} />
      <button type="submit">{label}</button>
    </form>
  )
  return (
    <div id="vote-controls" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.canManage && props.status === 'none' && props.started !== false && button('open', 'Mở biểu quyết')}
      {props.canManage && props.status === 'none' && props.started === false && <p class="muted">Biểu quyết mở được từ giờ họp.</p>}
      {props.canManage && props.status === 'open' && button('close', 'Kết thúc biểu quyết', 'Kết thúc biểu quyết? Sau đó không ai đổi được phiếu.')}
    </div>
  )
}

/** The vote section of the meeting page, following the live tally (hx-sse). */
export function VoteBlock(props: {
  meetingId: string
  state: VoteStateView
  form: Parameters<typeof VoteForm>[0]
  controls: Parameters<typeof VoteControls>[0]
  notice?: string
  error?: string
}) {
  return (
    <section class="card" id="vote" aria-labelledby="vote-h">
      <h2 id="vote-h">Biểu quyết nghị quyết</h2>
      <VoteFlash notice={props.notice} error={props.error} />
      <div hx-sse:connect={`/votes/meetings/${props.meetingId}/stream`} hx-sse:close="ended" hx-swap="innerHTML" aria-live="polite">
        <VoteTally state={props.state} />
      </div>
      <VoteForm {...props.form} />
      <VoteControls {...props.controls} />
    </section>
  )
}
