import { Layout, type Viewer } from '../layout/Layout.tsx'
import { messages } from '../../edge/features/cell-meetings/cell-meetings.forms.ts'
import { CsrfField, Flash } from '../components/Field.tsx'
import { KIND_LABELS, formatWhen, meetingPhase } from './labels.ts'
import type { Child } from 'hono/jsx'

export interface MeetingView {
  id: string
  title: string
  kind: string
  starts_at: Date | string
  place: string | null
  status: string
  org_name: string
  agenda: string | null
  chair_name: string | null
  note_taker_name: string | null
  can_manage: boolean
  recorded_late?: boolean
  cancel_reason?: string | null
  now?: Date | string
}

export function MeetingPage(props: { viewer: Viewer; meeting: MeetingView; notice?: string; error?: string; attendance?: Child }) {
  const m = props.meeting
  return (
    <Layout title={m.title} viewer={props.viewer} current="/meetings">
      <p>
        <a href="/meetings">‹ Sinh hoạt chi bộ</a>
      </p>
      <h1>{m.title}</h1>
      <Flash notice={props.notice} error={props.error} />
      <p>
        <span class="badge">{KIND_LABELS[m.kind]}</span> <span class="badge">{meetingPhase(m, m.now)}</span>
        {m.recorded_late && <small class="muted"> Ghi lại sau khi đã diễn ra</small>}
      </p>
      {/* a long page on a phone: each part is one tap away, and the bar stays at hand */}
      <nav class="jump" aria-label="Các phần của buổi sinh hoạt">
        <a href="#s-materials">Tài liệu</a>
        <a href="#s-comments">Ý kiến</a>
        <a href="#s-vote">Biểu quyết</a>
        <a href="#attendance">Điểm danh</a>
        <a href="#s-minutes">Biên bản</a>
      </nav>
      <dl class="profile card">
        <dt>Chi bộ</dt>
        <dd>{m.org_name}</dd>
        <dt>Thời gian</dt>
        <dd>{formatWhen(m.starts_at)}</dd>
        <dt>Địa điểm</dt>
        <dd>{m.place ?? 'Chưa xác định'}</dd>
        <dt>Chủ trì</dt>
        <dd>{m.chair_name ?? 'Chưa phân công'}</dd>
        <dt>Thư ký</dt>
        <dd>{m.note_taker_name ?? 'Chưa phân công'}</dd>
      </dl>
      <section class="card">
        <h2>Chương trình</h2>
        {m.agenda ? <p class="agenda">{m.agenda}</p> : <p class="muted">Chưa có chương trình.</p>}
      </section>
      <div id="s-materials" class="block">
        <div hx-get={`/materials/meetings/${m.id}`} hx-trigger="load" hx-swap="outerHTML">
          <p class="card">
            <a href={`/materials/meetings/${m.id}`}>Tài liệu sinh hoạt</a>
          </p>
        </div>
      </div>
      <div id="s-comments" class="block">
        <div hx-get={`/comments/meetings/${m.id}`} hx-trigger="load" hx-swap="outerHTML">
          <p class="card">
            <a href={`/comments/meetings/${m.id}`}>Xem và gửi ý kiến góp ý dự thảo nghị quyết</a>
          </p>
        </div>
      </div>
      <div id="s-vote" class="block">
        <div hx-get={`/votes/meetings/${m.id}`} hx-trigger="load" hx-swap="outerHTML">
          <p class="card">
            <a href={`/votes/meetings/${m.id}`}>Biểu quyết nghị quyết</a>
          </p>
        </div>
      </div>
      {props.attendance}
      <p class="card" id="s-minutes">
        <a href={`/minutes/meetings/${m.id}`}>Biên bản buổi sinh hoạt</a>
      </p>
      {m.can_manage && m.status === 'scheduled' && (
        <p class="actions">
          <a class="button" href={`/meetings/${m.id}/edit`}>
            Sửa lịch
          </a>
        </p>
      )}
      {m.can_manage && m.status === 'scheduled' && (
        <details class="card" id="cancel" open={props.error === messages.cancelReason}>
          <summary>Hủy buổi sinh hoạt</summary>
          <form method="post" action={`/meetings/${m.id}/cancel`} data-confirm="Hủy buổi sinh hoạt này? Mọi đảng viên của chi bộ sẽ được báo, kèm lý do.">
            <CsrfField token={props.viewer.csrf} />
            <div class="field">
              <label for="f-cancel-reason">Lý do hủy (đảng viên của chi bộ sẽ được báo kèm lý do)</label>
              <input id="f-cancel-reason" name="reason" maxlength={500} required />
            </div>
            <button type="submit" class="secondary">
              Hủy buổi sinh hoạt
            </button>
          </form>
        </details>
      )}
      {m.status === 'cancelled' && m.cancel_reason && <p class="card">Lý do hủy: {m.cancel_reason}</p>}
    </Layout>
  )
}
