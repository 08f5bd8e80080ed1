import { CsrfField, Flash } from '../components/Field.tsx'

export interface AttendanceView {
  member_id: string
  full_name: string
  status: string | null
  reason: string | null
  by_proxy: boolean
  exempt?: boolean
}

export interface AttendanceCountsView {
  members: number
  exempt: number
  present: number
  absent_excused: number
  absent_unexcused: number
  unrecorded: number
}

const hhmm = (at: Date | string) => new Date(new Date(at).getTime() + 7 * 3600_000).toISOString().slice(11, 16)

const STATUS = { present: 'Có mặt', absent_excused: 'Vắng có lý do', absent_unexcused: 'Vắng không lý do' } as Record<string, string>

/** The attendance block of a meeting (id="attendance"), swapped whole after each change. */
export function Attendance(props: {
  meetingId: string
  rows: AttendanceView[]
  counts: AttendanceCountsView
  /** when members may check themselves in, and the database's clock */
  window: { opens: Date | string; closes: Date | string; now: Date | string }
  myId: string | null
  canManage: boolean
  open: boolean
  /** the minutes are approved: the attendance is final */
  locked?: boolean
  csrf: string
  notice?: string
  error?: string
  /** the per-member list starts open (after the secretary saved a row in it) */
  expanded?: boolean
}) {
  const c = props.counts
  const now = new Date(props.window.now).getTime()
  const early = now < new Date(props.window.opens).getTime()
  const late = now >= new Date(props.window.closes).getTime()
  const me = props.rows.find((r) => r.member_id === props.myId)
  const action = `/meetings/${props.meetingId}`
  return (
    <section class="card" id="attendance" aria-labelledby="attendance-h">
      <h2 id="attendance-h">Điểm danh</h2>
      <Flash notice={props.notice} error={props.error} />
      <p>
        Có mặt <strong>{c.present}</strong> · vắng có lý do <strong>{c.absent_excused}</strong> · vắng không lý do <strong>{c.absent_unexcused}</strong> · chưa
        điểm danh <strong>{c.unrecorded}</strong> / {c.members - c.exempt}
        {c.exempt > 0 && <> · miễn sinh hoạt {c.exempt}</>}
      </p>
      {me && !me.status && props.open && early && <p class="muted">Điểm danh mở lúc {hhmm(props.window.opens)} (một giờ trước giờ họp).</p>}
      {me && !me.status && props.open && late && <p class="muted">Đã hết giờ tự điểm danh. Bí thư chi bộ ghi điểm danh giúp bạn.</p>}
      {me && !me.status && props.open && !early && !late && (
        <form method="post" action={`${action}/check-in`} hx-post={`${action}/check-in`} hx-target="#attendance" hx-swap="outerHTML">
          <CsrfField token={props.csrf} />
          <button type="submit">Tôi có mặt</button>
        </form>
      )}
      {me?.status && <p>Bạn: {STATUS[me.status]}</p>}
      {props.locked && <p class="muted">Biên bản đã duyệt: điểm danh đã chốt, không sửa được nữa.</p>}
      {props.canManage && (
        // the secretary's list is long: it folds away so members' parts of the page stay near
        <details open={props.expanded}>
          <summary>Ghi điểm danh từng người ({props.rows.length})</summary>
          <table class="stack">
            <tbody>
              {props.rows.map((r) => (
                <tr>
                  <td>
                    {r.full_name}
                    {r.by_proxy && <small> (điểm danh hộ)</small>}
                    {r.exempt && <small> (miễn sinh hoạt)</small>}
                  </td>
                  <td>
                    <form
                      method="post"
                      action={`${action}/attendance`}
                      hx-post={`${action}/attendance`}
                      hx-target="#attendance"
                      hx-swap="outerHTML"
                      class="inline"
                    >
                      <CsrfField token={props.csrf} />
                      <input type="hidden" name="member_id" value={r.member_id} />
                      <label class="sr" for={`st-${r.member_id}`}>
                        Tình trạng của {r.full_name}
                      </label>
                      <select id={`st-${r.member_id}`} name="status">
                        <option value="">— Chưa điểm danh —</option>
                        {Object.entries(STATUS).map(([v, l]) => (
                          <option value={v} selected={r.status === v}>
                            {l}
                          </option>
                        ))}
                      </select>
                      <input name="reason" value={r.reason ?? ''} maxlength={500} placeholder="Lý do vắng" aria-label={`Lý do vắng của ${r.full_name}`} />
                      <label>
                        <input type="checkbox" name="by_proxy" checked={r.by_proxy} /> Điểm danh hộ
                      </label>
                      <button type="submit" class="secondary">
                        Lưu
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  )
}
