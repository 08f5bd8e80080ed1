import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Flash } from '../components/Field.tsx'
import { formatWhen } from '../components/labels.ts'

export interface MaterialView {
  id: string
  kind: 'document' | 'draft_resolution' | 'final_resolution'
  title: string
  file_name: string | null
  content_type: string | null
  byte_size: number | null
  published_at: Date | string | null
}

export interface BoardView {
  meeting_id: string
  meeting_title: string
  starts_at: Date | string
  meeting_open: boolean
  can_manage: boolean
  materials: MaterialView[]
}

const KIND = { document: 'Tài liệu', draft_resolution: 'Dự thảo nghị quyết', final_resolution: 'Nghị quyết' }
const TYPE: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'image/png': 'Ảnh',
  'image/jpeg': 'Ảnh',
  'image/webp': 'Ảnh',
}

function size(bytes: number | null): string {
  if (!bytes) return ''
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`
}

/** The materials of a meeting (id="materials"): what members may read and, for the secretary, how to prepare and publish them. */
export function MaterialsBlock(props: {
  board: BoardView
  csrf: string
  notice?: string
  error?: string
  warning?: string
  draft?: { title?: string; body?: string }
}) {
  const b = props.board
  const base = `/materials/meetings/${b.meeting_id}`
  const waiting = b.materials.filter((m) => !m.published_at && m.kind !== 'final_resolution').length
  const finalWaiting = b.materials.some((m) => !m.published_at && m.kind === 'final_resolution')
  return (
    <section class="card" id="materials" aria-labelledby="materials-h">
      <h2 id="materials-h">Tài liệu sinh hoạt</h2>
      <Flash notice={props.notice} error={props.error} />
      {props.warning && (
        <p class="alert" role="alert">
          {props.warning}
        </p>
      )}
      {b.materials.length === 0 && (
        <p class="muted">{b.can_manage ? 'Chưa có tài liệu. Tải tài liệu và viết dự thảo nghị quyết bên dưới.' : 'Chưa có tài liệu được phát hành.'}</p>
      )}
      <ul class="cards">
        {b.materials.map((m) => (
          <li class="material">
            <a href={m.kind === 'document' ? `/materials/${m.id}/file` : `/materials/${m.id}`}>
              <strong>{m.title}</strong>
            </a>
            <br />
            <small class="muted">
              {KIND[m.kind]}
              {m.content_type && ` · ${TYPE[m.content_type]} ${size(m.byte_size)}`}
              {m.published_at ? ` · phát hành ${formatWhen(m.published_at)}` : ' · chưa phát hành'}
            </small>
            {b.can_manage && !m.published_at && (
              <form method="post" action={`/materials/${m.id}/remove`} class="inline">
                <CsrfField token={props.csrf} />
                <button type="submit" class="link">
                  Xóa
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {b.can_manage && b.meeting_open && (
        <>
          {waiting > 0 && (
            <form method="post" action={`${base}/publish`}>
              <CsrfField token={props.csrf} />
              <button type="submit">Phát hành {waiting} tài liệu tới đảng viên</button>
            </form>
          )}
          <details>
            <summary>Tải tài liệu lên (PDF, Word .docx, ảnh; tối đa 10 MB)</summary>
            <form method="post" action={`${base}/files`} enctype="multipart/form-data">
              <CsrfField token={props.csrf} />
              <div class="field">
                <label for="f-file">Tệp</label>
                <input id="f-file" type="file" name="file" required accept=".pdf,.docx,.png,.jpg,.jpeg,.webp,application/pdf,image/*" />
              </div>
              <div class="field">
                <label for="f-title">Tên tài liệu (để trống: lấy theo tên tệp)</label>
                <input id="f-title" name="title" maxlength={200} />
              </div>
              <button type="submit">Tải lên</button>
            </form>
          </details>
          <ResolutionForm base={base} csrf={props.csrf} kind="draft_resolution" draft={props.draft} />
        </>
      )}
      {b.can_manage && (
        <>
          <ResolutionForm base={base} csrf={props.csrf} kind="final_resolution" draft={props.draft} />
          {finalWaiting && (
            <form method="post" action={`${base}/publish-final`}>
              <CsrfField token={props.csrf} />
              <button type="submit">Ban hành nghị quyết tới chi bộ</button>
            </form>
          )}
        </>
      )}
    </section>
  )
}

function ResolutionForm(props: { base: string; csrf: string; kind: 'draft_resolution' | 'final_resolution'; draft?: { title?: string; body?: string } }) {
  const id = props.kind === 'final_resolution' ? 'final' : 'draft'
  return (
    <details>
      <summary>{props.kind === 'final_resolution' ? 'Sau buổi sinh hoạt: nghị quyết chính thức' : 'Viết dự thảo nghị quyết'}</summary>
      <form method="post" action={`${props.base}/resolution`}>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="kind" value={props.kind} />
        <div class="field">
          <label for={`f-${id}-title`}>Tên nghị quyết</label>
          <input
            id={`f-${id}-title`}
            name="title"
            maxlength={200}
            required
            value={props.draft?.title ?? (props.kind === 'final_resolution' ? 'Nghị quyết' : 'Dự thảo nghị quyết')}
          />
        </div>
        <div class="field">
          <label for={`f-${id}-body`}>Nội dung</label>
          <textarea id={`f-${id}-body`} name="body" rows={12} maxlength={100000} required>
            {props.draft?.body ?? ''}
          </textarea>
        </div>
        <button type="submit">Lưu</button>
      </form>
    </details>
  )
}

/** A resolution to read (large text for phones) or print on A4. */
export function ResolutionPage(props: {
  viewer: Viewer
  meetingId: string
  meetingTitle: string
  title: string
  body: string
  kind: string
  publishedAt: Date | string | null
}) {
  return (
    <Layout title={props.title} viewer={props.viewer} current="/meetings">
      <p class="no-print">
        <a href={`/meetings/${props.meetingId}`}>‹ {props.meetingTitle}</a>
      </p>
      <article class="document">
        <h1>{props.title}</h1>
        <p class="muted no-print">
          {KIND[props.kind as 'document']}
          {props.publishedAt ? ` · phát hành ${formatWhen(props.publishedAt)}` : ' · chưa phát hành'}
        </p>
        <div class="agenda reading">{props.body}</div>
      </article>
    </Layout>
  )
}
