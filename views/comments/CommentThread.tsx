import { CsrfField, Flash } from '../components/Field.tsx'

export interface CommentView {
  id: string
  body: string
  author_name: string
  created_at: Date | string
  taken_into_resolution: boolean
  hidden: boolean
  hidden_reason: string | null
  mine: boolean
}

// made once: toLocaleString with options builds a new formatter each call (milliseconds, on every live comment)
const TIME = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' })

function time(at: Date | string): string {
  return TIME.format(new Date(at))
}

/**
 * All comments of a meeting (id="comments"). New ones arrive through the live stream into the
 * list, for the poster too; posting swaps only the form, and a secretary's action only the
 * flash line (plus the changed comment): the list and its stream are never replaced.
 */
export function CommentThread(props: {
  meetingId: string
  comments: CommentView[]
  canComment: boolean
  closed?: boolean
  canManage: boolean
  csrf: string
  draft?: string
  notice?: string
  error?: string
}) {
  const base = `/comments/meetings/${props.meetingId}`
  const shown = props.comments.filter((c) => !c.hidden)
  return (
    <section class="card" id="comments" aria-labelledby="comments-h">
      <h2 id="comments-h">Ý kiến góp ý dự thảo nghị quyết</h2>
      <div id="comment-flash" role="status">
        <Flash notice={props.notice} error={props.error} />
      </div>
      <CommentCount shown={shown.length} taken={shown.filter((c) => c.taken_into_resolution).length} />
      <ol
        class="comments"
        id="comment-list"
        hx-sse:connect={`${base}/stream?after=${props.comments.at(-1)?.id ?? ''}`}
        hx-sse:close="ended"
        hx-swap="beforeend"
      >
        <li class="empty muted">Chưa có ý kiến nào.</li>
        {props.comments.map((c) => (
          <CommentItem comment={c} base={base} canManage={props.canManage && !props.closed} csrf={props.csrf} />
        ))}
      </ol>
      {props.canComment && <CommentForm meetingId={props.meetingId} csrf={props.csrf} />}
      {props.closed && <p class="muted">Biên bản đã được duyệt: không nhận thêm ý kiến.</p>}
    </section>
  )
}

/** The thread's counter (id="comment-count"): hidden comments left out; live frames carry it (oob) so it follows the list. */
export function CommentCount(props: { shown: number; taken: number; oob?: boolean }) {
  return (
    <p class="muted" id="comment-count" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.shown} ý kiến{props.taken > 0 && ` · ${props.taken} được tiếp thu`}
    </p>
  )
}

/** The box to write a comment (id="comment-form"), with the outcome of the last post. */
export function CommentForm(props: { meetingId: string; csrf: string; draft?: string; notice?: string; error?: string }) {
  const base = `/comments/meetings/${props.meetingId}`
  return (
    <form id="comment-form" method="post" action={base} hx-post={base} hx-target="#comment-form" hx-swap="outerHTML">
      <CsrfField token={props.csrf} />
      <Flash notice={props.notice} error={props.error} />
      <div class={props.error ? 'field invalid' : 'field'}>
        <label for="f-comment">Ý kiến của bạn</label>
        <textarea id="f-comment" name="body" rows={3} maxlength={2000} required>
          {props.draft ?? ''}
        </textarea>
      </div>
      <button type="submit">Gửi ý kiến</button>
    </form>
  )
}

/**
 * One comment: in the thread, and as the data of a live SSE frame (new ones are appended;
 * a changed one carries oob so it replaces itself in place).
 */
export function CommentItem(props: { comment: CommentView; base: string; canManage: boolean; csrf: string; oob?: boolean }) {
  const c = props.comment
  const base = props.base
  // the target is the flash line: a live frame may replace this item while the request is on its way
  const swap = { 'hx-target': '#comment-flash', 'hx-swap': 'innerHTML' }
  return (
    <li id={`comment-${c.id}`} class={c.hidden ? 'hidden-comment' : undefined} hx-swap-oob={props.oob ? 'true' : undefined}>
      <p>
        <strong>{c.author_name}</strong> <small>{time(c.created_at)}</small>
        {c.taken_into_resolution && <span class="badge">Đã tiếp thu vào nghị quyết</span>}
      </p>
      {c.hidden ? <p class="muted">Ý kiến đã bị ẩn: {c.hidden_reason}</p> : <p class="agenda">{c.body}</p>}
      {props.canManage && !c.hidden && (
        <div class="actions">
          <form method="post" action={`${base}/${c.id}/taken`} hx-post={`${base}/${c.id}/taken`} {...swap}>
            <CsrfField token={props.csrf} />
            <input type="hidden" name="taken" value={c.taken_into_resolution ? 'false' : 'true'} />
            <button type="submit" class="secondary">
              {c.taken_into_resolution ? 'Bỏ đánh dấu tiếp thu' : 'Tiếp thu vào nghị quyết'}
            </button>
          </form>
          <form method="post" action={`${base}/${c.id}/hide`} hx-post={`${base}/${c.id}/hide`} {...swap} class="inline">
            <CsrfField token={props.csrf} />
            <input name="reason" maxlength={500} placeholder="Lý do ẩn" aria-label="Lý do ẩn ý kiến" required />
            <button type="submit" class="secondary">
              Ẩn
            </button>
          </form>
        </div>
      )}
    </li>
  )
}
