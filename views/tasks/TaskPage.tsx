import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Flash } from '../components/Field.tsx'
import { formatDate, formatWhen } from '../components/labels.ts'
import { PRIORITY_LABELS, STATUS_LABELS } from './labels.ts'

export interface AssigneeView {
  id: string
  name: string
  is_org: boolean
  status: string
  progress: number
  report: string | null
  review_note: string | null
  reported_at: Date | string | null
  mine: boolean
}

export interface FileView {
  id: string
  assignee_id: string | null
  file_name: string
  byte_size: number
}

function Files(props: { files: FileView[] }) {
  if (!props.files.length) return null
  return (
    <ul class="files">
      {props.files.map((f) => (
        <li>
          <a href={`/tasks/files/${f.id}`}>{f.file_name}</a> <small class="muted">{Math.max(1, Math.round(f.byte_size / 1024))} KB</small>
        </li>
      ))}
    </ul>
  )
}

export interface TaskView {
  id: string
  title: string
  description: string | null
  due_on: string
  priority: string
  org_name: string
  assigner_name: string | null
  overdue: boolean
  can_review: boolean
  assignee_count: number
  done_count: number
  assignees: AssigneeView[]
  files: FileView[]
  fanout?: FanoutView
}

export interface FanoutView {
  status: string
  assigned: number
}

/** The background assignment to every member (id="fanout"): asks again every few seconds while it runs. */
export function FanoutProgress(props: { taskId: string; progress: FanoutView }) {
  const p = props.progress
  const running = p.status === 'pending'
  return (
    <section
      class="card"
      id="fanout"
      role="status"
      hx-get={running ? `/tasks/${props.taskId}/fanout` : undefined}
      hx-trigger={running ? 'load delay:3s' : undefined}
      hx-swap="outerHTML"
    >
      {running && (
        <p>
          Đang giao việc cho từng đảng viên: đã giao <strong>{p.assigned.toLocaleString('vi-VN')}</strong> người…
        </p>
      )}
      {p.status === 'done' && (
        <p>
          Đã giao xong cho <strong>{p.assigned.toLocaleString('vi-VN')}</strong> đảng viên. <a href={`/tasks/${props.taskId}`}>Tải lại trang</a> để xem danh
          sách.
        </p>
      )}
      {p.status === 'failed' && (
        <p class="alert" role="alert">
          Giao việc dừng lại sau {p.assigned.toLocaleString('vi-VN')} người (có thể bạn không còn quản lý tổ chức này). Hãy kiểm tra rồi giao lại, hoặc báo quản
          trị hệ thống.
        </p>
      )}
    </section>
  )
}

/** One task: what is asked, each assignee's progress, the assignee's report form and the assigner's review. */
export function TaskPage(props: { viewer: Viewer; task: TaskView; notice?: string; error?: string }) {
  const t = props.task
  return (
    <Layout title={t.title} viewer={props.viewer} current="/tasks">
      <p>
        <a href="/tasks">‹ Giao việc</a>
      </p>
      <h1>{t.title}</h1>
      <Flash notice={props.notice} error={props.error} />
      {t.fanout && t.fanout.status !== 'done' && <FanoutProgress taskId={t.id} progress={t.fanout} />}
      {t.can_review && (
        <p class="actions">
          <a class="button secondary" href={`/tasks/${t.id}/edit`}>
            Sửa nội dung, hạn
          </a>
        </p>
      )}
      <dl class="profile card">
        <dt>Hạn hoàn thành</dt>
        <dd>
          {formatDate(t.due_on)}
          {t.overdue && <strong class="warn"> · Quá hạn</strong>}
        </dd>
        <dt>Ưu tiên</dt>
        <dd>{PRIORITY_LABELS[t.priority]}</dd>
        <dt>Giao từ</dt>
        <dd>
          {t.org_name}
          {t.assigner_name && ` · ${t.assigner_name}`}
        </dd>
      </dl>
      {(t.description || t.files.some((f) => !f.assignee_id)) && (
        <section class="card">
          <h2>Nội dung</h2>
          {t.description && <p class="agenda">{t.description}</p>}
          <Files files={t.files.filter((f) => !f.assignee_id)} />
        </section>
      )}
      <section class="card" aria-labelledby="assignees-h">
        <h2 id="assignees-h">Người nhận việc ({t.assignee_count})</h2>
        <p class="muted">
          Hoàn thành {t.done_count}/{t.assignee_count}
          {t.assignees.length < t.assignee_count && ` · hiển thị ${t.assignees.length} người, báo cáo chờ duyệt trước`}
        </p>
        <ul class="cards">
          {t.assignees.map((a) => (
            <li class="assignee">
              <strong>{a.name}</strong> · {STATUS_LABELS[a.status]} · {a.progress}%
              <progress max={100} value={a.progress} aria-label={`Tiến độ của ${a.name}`}>
                {a.progress}%
              </progress>
              {a.report && <p class="agenda">{a.report}</p>}
              <Files files={t.files.filter((f) => f.assignee_id === a.id)} />
              {a.reported_at && <small class="muted">Báo cáo lúc {formatWhen(a.reported_at)}</small>}
              {a.review_note && <p class="muted">Nhận xét: {a.review_note}</p>}
              {a.mine && a.status !== 'done' && <ReportForm assignee={a} csrf={props.viewer.csrf} />}
              {t.can_review && a.status === 'reported' && <ReviewForm assignee={a} csrf={props.viewer.csrf} />}
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  )
}

function ReportForm(props: { assignee: AssigneeView; csrf: string }) {
  const a = props.assignee
  return (
    <form method="post" action={`/tasks/assignments/${a.id}/report`} class="report" enctype="multipart/form-data">
      <CsrfField token={props.csrf} />
      <div class="field">
        <label for={`p-${a.id}`}>Tiến độ (%)</label>
        <input id={`p-${a.id}`} name="progress" type="number" min={0} max={100} step={5} value={String(a.progress)} inputmode="numeric" />
      </div>
      <div class="field">
        <label for={`r-${a.id}`}>Báo cáo</label>
        <textarea id={`r-${a.id}`} name="report" rows={3} maxlength={5000}>
          {a.report ?? ''}
        </textarea>
      </div>
      <div class="field">
        <label for={`f-${a.id}`}>Tệp minh chứng (không bắt buộc)</label>
        <input id={`f-${a.id}`} type="file" name="files" multiple accept=".pdf,.docx,.png,.jpg,.jpeg,.webp" />
      </div>
      <label>
        <input type="checkbox" name="finished" /> Đã hoàn thành, gửi người giao việc duyệt
      </label>
      <button type="submit">Gửi báo cáo</button>
    </form>
  )
}

function ReviewForm(props: { assignee: AssigneeView; csrf: string }) {
  const a = props.assignee
  return (
    <form method="post" action={`/tasks/assignments/${a.id}/review`} class="report">
      <CsrfField token={props.csrf} />
      <div class="field">
        <label for={`n-${a.id}`}>Nhận xét (bắt buộc khi trả lại)</label>
        <textarea id={`n-${a.id}`} name="note" rows={2} maxlength={2000}></textarea>
      </div>
      <div class="actions">
        <button type="submit" name="decision" value="accept">
          Chấp nhận kết quả
        </button>
        <button type="submit" name="decision" value="return" class="secondary">
          Trả lại
        </button>
      </div>
    </form>
  )
}
