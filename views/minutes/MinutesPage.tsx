import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Flash } from '../components/Field.tsx'
import { ASSET_VERSION } from '../layout/assets.ts'

export interface MinutesView {
  meeting_id: string
  meeting_title: string
  org_name: string
  part: string[]
  can_manage: boolean
  body: string | null
  status: 'none' | 'draft' | 'approved'
  /** the meeting has started: minutes are made from then on */
  started?: boolean
  revision: number | null
  approved_at: Date | string | null
  chair_name: string | null
  note_taker_name: string | null
}

const STATUS = { none: 'Chưa lập', draft: 'Dự thảo', approved: 'Đã duyệt, đã khóa' }

/** The minutes of one meeting: the A4 document itself, and around it what the viewer may do with it. */
export function MinutesPage(props: { viewer: Viewer; minutes: MinutesView; draft?: string; notice?: string; error?: string }) {
  const m = props.minutes
  const base = `/minutes/meetings/${m.meeting_id}`
  const noteTaker = m.part.includes('note_taker')
  const chair = m.part.includes('chair')
  return (
    <Layout
      title={`Biên bản: ${m.meeting_title}`}
      viewer={props.viewer}
      current="/meetings"
      head={<script src={`/static/js/print.js?v=${ASSET_VERSION}`} defer></script>}
    >
      <p class="no-print">
        <a href={`/meetings/${m.meeting_id}`}>‹ {m.meeting_title}</a>
      </p>
      <h1 class="no-print">Biên bản</h1>
      <Flash notice={props.notice} error={props.error} />
      <p class="no-print">
        <span class="badge">{STATUS[m.status]}</span>
      </p>
      {m.status === 'none' && (
        <section class="card no-print">
          <p>Chưa có biên bản cho buổi sinh hoạt này.</p>
          {m.started === false ? (
            <p class="muted">Biên bản được lập từ khi buổi sinh hoạt bắt đầu.</p>
          ) : noteTaker || m.can_manage ? (
            <form method="post" action={base}>
              <CsrfField token={props.viewer.csrf} />
              <p class="muted">
                Dự thảo được lập từ dữ liệu của buổi sinh hoạt: số đảng viên, điểm danh, ý kiến, kết quả biểu quyết. Thư ký sửa lại trước khi chủ trì duyệt.
              </p>
              <button type="submit">Lập dự thảo biên bản</button>
            </form>
          ) : (
            <p class="muted">Thư ký buổi sinh hoạt lập biên bản; chủ trì duyệt.</p>
          )}
        </section>
      )}
      {m.status === 'draft' && noteTaker && (
        <form method="post" action={`${base}/edit`} class="card no-print">
          <CsrfField token={props.viewer.csrf} />
          <input type="hidden" name="revision" value={String(m.revision)} />
          <div class={props.error ? 'field invalid' : 'field'}>
            <label for="f-minutes">Nội dung biên bản (lần sửa {m.revision})</label>
            <textarea id="f-minutes" name="body" rows={24} maxlength={50000} required>
              {props.draft ?? m.body ?? ''}
            </textarea>
          </div>
          <button type="submit">Lưu biên bản</button>
        </form>
      )}
      {m.status === 'draft' && !noteTaker && !chair && (
        <p class="muted no-print">
          {m.note_taker_name ? `Thư ký ${m.note_taker_name} sửa biên bản` : 'Chủ trì viết biên bản (buổi sinh hoạt không có thư ký)'};{' '}
          {m.chair_name ? `chủ trì ${m.chair_name} duyệt.` : 'bí thư chi bộ duyệt (buổi sinh hoạt không có chủ trì).'}
        </p>
      )}
      {m.body && <MinutesDocument minutes={m} />}
      <div class="actions no-print">
        {m.status === 'draft' && chair && (
          <form
            method="post"
            action={`${base}/approve`}
            data-confirm="Duyệt biên bản sẽ khóa biên bản và chốt điểm danh, chủ trì, thư ký và giờ họp; sau đó không sửa được nữa. Duyệt biên bản?"
          >
            <CsrfField token={props.viewer.csrf} />
            <input type="hidden" name="revision" value={String(m.revision)} />
            <button type="submit">Duyệt và khóa biên bản</button>
          </form>
        )}
        {m.body && (
          <button type="button" class="secondary" data-print>
            In biên bản (A4)
          </button>
        )}
      </div>
    </Layout>
  )
}

/** The printed document: the Party's letterhead, the text, and the two signatures. */
function MinutesDocument(props: { minutes: MinutesView }) {
  const m = props.minutes
  return (
    <article class="document">
      <header class="letterhead">
        <p>
          <strong>{m.org_name.toUpperCase()}</strong>
        </p>
        <p>
          <strong>ĐẢNG CỘNG SẢN VIỆT NAM</strong>
        </p>
      </header>
      {/* from the meeting, like the signatures below: the text never holds an older chair or note-taker */}
      <p>
        Chủ trì: {m.chair_name ?? '…'}
        <br />
        Thư ký: {m.note_taker_name ?? '…'}
      </p>
      <div class="agenda">{m.body}</div>
      <footer class="signatures">
        <div>
          <p>
            <strong>CHỦ TRÌ</strong>
          </p>
          <p class="signed">{m.status === 'approved' ? m.chair_name : ''}</p>
        </div>
        <div>
          <p>
            <strong>THƯ KÝ</strong>
          </p>
          <p class="signed">{m.note_taker_name}</p>
        </div>
      </footer>
    </article>
  )
}
