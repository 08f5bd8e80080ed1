import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Field, Flash, FormErrors, SelectField } from '../components/Field.tsx'
import { Pagination } from '../components/Pagination.tsx'
import { formatDate, formatWhen } from '../components/labels.ts'
import type { CellMember } from '../../edge/features/resolution-study/resolution-study.queries.ts'

export const STUDY_STATUS: Record<string, string> = {
  none: 'Chưa nộp',
  submitted: 'Đã nộp, chờ chi bộ đọc',
  returned: 'Bị trả lại, cần sửa',
  accepted: 'Đã được chấp nhận',
}

export interface MyRecordView {
  studied_at: Date | string | null
  studied_by_proxy: boolean
  reflection: string | null
  reflection_status: string
  return_reason: string | null
}

export interface CampaignView {
  id: string
  org_name: string
  title: string
  description: string | null
  document_id: string
  extra_document_ids: string[]
  extra_links: string[]
  exam_id: string | null
  starts_on: string
  due_on: string
  closed_at: Date | string | null
  can_manage: boolean
  addressed: boolean
  oversees: boolean
  open: boolean
  mine: MyRecordView | null
  document_title: string | null
  extra_titles: (string | null)[]
  exam_title: string | null
  quiz_passed: boolean
  quiz_taken: boolean
}

/** What the member still has to do in a campaign, in words (empty: nothing left). */
export function leftToDo(c: CampaignView): string[] {
  const left: string[] = []
  if (!c.mine?.studied_at) left.push('ghi nhận đã học tập')
  const status = c.mine?.reflection_status ?? 'none'
  if (status === 'none') left.push('nộp bài thu hoạch')
  if (status === 'returned') left.push('sửa và nộp lại bài thu hoạch')
  if (c.exam_id && !c.quiz_passed) left.push('làm bài kiểm tra')
  return left
}

function Period(props: { c: CampaignView }) {
  return (
    <small class="muted">
      {formatDate(props.c.starts_on)} – hạn {formatDate(props.c.due_on)}
      {props.c.closed_at ? ' · đã kết thúc' : ''}
    </small>
  )
}

/** The home page's card (loaded from /study/summary): my open campaigns and what is left, or an empty state. */
export function StudySummary(props: { rows: CampaignView[]; toReview: { campaign_id: string; title: string; waiting: number }[] }) {
  return (
    <section class="card" aria-labelledby="study-summary-h">
      <h2 id="study-summary-h">Học tập nghị quyết</h2>
      {props.toReview.length > 0 && (
        <ul class="cards">
          {props.toReview.map((r) => (
            <li>
              <a href={`/study/${r.campaign_id}/progress`}>
                {r.waiting} bài thu hoạch chờ đọc: {r.title}
              </a>
            </li>
          ))}
        </ul>
      )}
      {props.rows.length === 0 ? (
        <p class="muted">Không có đợt học tập nào đang chờ bạn.</p>
      ) : (
        <ul class="cards">
          {props.rows.map((c) => {
            const left = leftToDo(c)
            return (
              <li>
                <a href={`/study/${c.id}`}>{c.title}</a> <small class="muted">hạn {formatDate(c.due_on)}</small>
                <br />
                <small>{left.length ? `Còn: ${left.join(', ')}.` : 'Bạn đã hoàn thành.'}</small>
              </li>
            )
          })}
        </ul>
      )}
      <p>
        <a href="/study">Tất cả đợt học tập</a>
      </p>
    </section>
  )
}

export function StudyListPage(props: { viewer: Viewer; rows: CampaignView[]; total: number; page: number; canCreate: boolean; notice?: string }) {
  return (
    <Layout title="Học tập nghị quyết" viewer={props.viewer} current="/study">
      <h1>Học tập nghị quyết</h1>
      <Flash notice={props.notice} />
      {props.canCreate && (
        <p class="actions">
          <a class="button" href="/study/new">
            Mở đợt học tập
          </a>
        </p>
      )}
      <CampaignList rows={props.rows} total={props.total} page={props.page} />
    </Layout>
  )
}

export function CampaignList(props: { rows: CampaignView[]; total: number; page: number }) {
  return (
    <div id="study-list">
      {props.rows.length === 0 ? (
        <EmptyState title="Chưa có đợt học tập nào.">
          <p class="muted">Khi cấp ủy mở đợt học tập nghị quyết cho tổ chức của bạn, đợt đó sẽ hiện ở đây.</p>
        </EmptyState>
      ) : (
        <ul class="cards">
          {props.rows.map((c) => {
            const left = c.addressed ? leftToDo(c) : []
            return (
              <li class="card">
                <a href={`/study/${c.id}`}>
                  <strong>{c.title}</strong>
                </a>
                <br />
                <small class="muted">{c.org_name}</small> · <Period c={c} />
                {c.addressed && (
                  <p>
                    <span class="badge">{left.length ? `Còn: ${left.join(', ')}` : 'Đã hoàn thành'}</span>
                  </p>
                )}
              </li>
            )
          })}
        </ul>
      )}
      <Pagination page={props.page} pageSize={20} total={props.total} href={(p) => `/study?page=${p}`} target="#study-list" />
    </div>
  )
}

export interface CampaignFormValues {
  org_id?: string
  title?: string
  description?: string
  document_id?: string
  extra_document_ids?: string
  extra_links?: string
  exam_id?: string
  starts_on?: string
  due_on?: string
}

export function CampaignForm(props: {
  viewer: Viewer
  audiences: { id: string; name: string }[]
  /** what the pickers offer: recent published items and open exams */
  choices: { documents: { id: string; title: string }[]; exams: { id: string; title: string }[] }
  values: CampaignFormValues
  errors: Record<string, string>
  /** editing an open campaign: its audience stays (records were made for it) */
  edit?: { id: string; orgName: string }
}) {
  const v = props.values
  const e = props.errors
  const title = props.edit ? 'Sửa đợt học tập' : 'Mở đợt học tập nghị quyết'
  return (
    <Layout title={title} viewer={props.viewer} current="/study">
      <p>
        <a href={props.edit ? `/study/${props.edit.id}` : '/study'}>‹ {props.edit ? 'Quay lại đợt học tập' : 'Học tập nghị quyết'}</a>
      </p>
      <h1>{title}</h1>
      <FormErrors errors={e} />
      <form method="post" action={props.edit ? `/study/${props.edit.id}` : '/study'} class="card">
        <CsrfField token={props.viewer.csrf} />
        {props.edit ? (
          <p>
            Đơn vị học tập: <strong>{props.edit.orgName}</strong>
            <input type="hidden" name="org_id" value={v.org_id ?? ''} />
          </p>
        ) : (
          <SelectField
            name="org_id"
            label="Đơn vị học tập (tổ chức và các tổ chức trực thuộc)"
            value={v.org_id}
            error={e.org_id}
            options={props.audiences.map((a) => [a.id, a.name] as const)}
          />
        )}
        <Field name="title" label="Tên đợt học tập" value={v.title} error={e.title} required maxlength={200} />
        <Field
          name="document_id"
          label="Nghị quyết (văn bản trong thư viện)"
          value={v.document_id}
          error={e.document_id}
          required
          list="study-documents"
          hint="Gõ vài chữ của tên văn bản để chọn, hoặc dán địa chỉ trang văn bản (/library/…)."
        />
        <datalist id="study-documents">
          {props.choices.documents.map((d) => (
            <option value={`/library/${d.id}`} label={d.title} />
          ))}
        </datalist>
        <TextArea
          name="extra_document_ids"
          label="Tài liệu tham khảo trong thư viện (mỗi dòng một địa chỉ trang hoặc mã, tối đa 10)"
          value={v.extra_document_ids}
          error={e.extra_document_ids}
          rows={3}
          maxlength={500}
        />
        <TextArea
          name="extra_links"
          label="Liên kết tham khảo (mỗi dòng một địa chỉ https://, tối đa 10)"
          value={v.extra_links}
          error={e.extra_links}
          rows={3}
          maxlength={5100}
        />
        <Field
          name="exam_id"
          label="Bài kiểm tra (nếu có)"
          value={v.exam_id}
          error={e.exam_id}
          list="study-exams"
          hint="Gõ vài chữ của tên bài để chọn, hoặc dán địa chỉ trang bài kiểm tra. Để trống nếu không kiểm tra."
        />
        <datalist id="study-exams">
          {props.choices.exams.map((x) => (
            <option value={`/exams/${x.id}`} label={x.title} />
          ))}
        </datalist>
        <div class="grid two">
          <Field name="starts_on" label="Ngày bắt đầu" type="date" value={v.starts_on} error={e.starts_on} required />
          <Field name="due_on" label="Hạn hoàn thành" type="date" value={v.due_on} error={e.due_on} required />
        </div>
        <TextArea name="description" label="Hướng dẫn học tập" value={v.description} error={e.description} rows={4} maxlength={5000} />
        <button type="submit">{props.edit ? 'Lưu thay đổi' : 'Mở đợt học tập'}</button>
      </form>
    </Layout>
  )
}

function TextArea(props: { name: string; label: string; value?: string | null; error?: string; rows: number; maxlength: number; hint?: string }) {
  const id = `f-${props.name}`
  const describedBy = [props.hint && `${id}-hint`, props.error && `${id}-err`].filter(Boolean).join(' ') || undefined
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows}
        maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        {props.value ?? ''}
      </textarea>
      {props.hint && <small id={`${id}-hint`}>{props.hint}</small>}
      {props.error && (
        <p class="error" id={`${id}-err`}>
          {props.error}
        </p>
      )}
    </div>
  )
}

/** A web address that may break after its slashes, dots and dashes (a long one widened a 180 px page at 200 % zoom). */
const breakable = (url: string) => url.split(/(?<=[/.?&=_-])(?!\/)/).flatMap((part, i) => (i ? [<wbr />, part] : [part]))

export function CampaignPage(props: {
  viewer: Viewer
  campaign: CampaignView
  reflection?: string
  errors?: Record<string, string>
  notice?: string
  maxReflection: number
}) {
  const c = props.campaign
  const e = props.errors ?? {}
  const mine = c.mine
  const status = mine?.reflection_status ?? 'none'
  const canWrite = c.open && status !== 'accepted'
  return (
    <Layout title={c.title} viewer={props.viewer} current="/study">
      <p>
        <a href="/study">‹ Học tập nghị quyết</a>
      </p>
      <h1>{c.title}</h1>
      <Flash notice={props.notice} />
      <dl class="profile card">
        <dt>Đơn vị học tập</dt>
        <dd>{c.org_name}</dd>
        <dt>Thời gian</dt>
        <dd>
          {formatDate(c.starts_on)} – hạn {formatDate(c.due_on)}
          {c.closed_at ? ' (đã kết thúc)' : ''}
        </dd>
        <dt>Nghị quyết</dt>
        <dd>
          <a href={`/library/${c.document_id}`}>{c.document_title ?? 'Đọc văn bản nghị quyết'}</a>
        </dd>
        {(c.extra_document_ids.length > 0 || c.extra_links.length > 0) && (
          <>
            <dt>Tài liệu tham khảo</dt>
            <dd>
              <ul>
                {c.extra_document_ids.map((id, i) => (
                  <li>
                    <a href={`/library/${id}`}>{c.extra_titles[i] ?? `Tài liệu ${i + 1} trong thư viện`}</a>
                  </li>
                ))}
                {c.extra_links.map((url) => (
                  <li>
                    <a href={url} rel="noopener noreferrer nofollow">
                      {breakable(url)}
                    </a>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {c.exam_id && (
          <>
            <dt>Bài kiểm tra</dt>
            <dd>
              <a href={`/exams/${c.exam_id}`}>{c.exam_title ?? 'Làm bài kiểm tra'}</a>
              {c.addressed && <span class="badge">{c.quiz_passed ? 'Bạn đã đạt' : c.quiz_taken ? 'Chưa đạt' : 'Chưa làm'}</span>}
            </dd>
          </>
        )}
      </dl>
      {c.description && <p class="agenda card">{c.description}</p>}

      {c.addressed && (
        <section class="card" aria-labelledby="mine-h">
          <h2 id="mine-h">Việc của tôi</h2>
          {mine?.studied_at ? (
            <p>
              ✓ Đã học tập ({formatWhen(mine.studied_at)}){mine.studied_by_proxy ? ', do bí thư chi bộ ghi nhận thay.' : '.'}
            </p>
          ) : c.open ? (
            <form method="post" action={`/study/${c.id}/studied`}>
              <CsrfField token={props.viewer.csrf} />
              <p>Sau khi đọc nghị quyết và tài liệu, hãy ghi nhận bạn đã học tập.</p>
              {e.studied && (
                <p class="error" role="alert">
                  {e.studied}
                </p>
              )}
              <button type="submit">Tôi đã học tập nghị quyết</button>
            </form>
          ) : (
            <p class="muted">Đợt học tập chưa bắt đầu hoặc đã kết thúc.</p>
          )}

          <h3>Bài thu hoạch</h3>
          <p>
            Tình trạng: <span class="badge">{STUDY_STATUS[status]}</span>
          </p>
          {status === 'returned' && mine?.return_reason && (
            <p class="alert" role="status">
              Lý do trả lại: {mine.return_reason}
            </p>
          )}
          {canWrite ? (
            <form method="post" action={`/study/${c.id}/reflection`}>
              <CsrfField token={props.viewer.csrf} />
              <TextArea
                name="reflection"
                label={status === 'none' ? 'Viết bài thu hoạch' : 'Sửa bài thu hoạch'}
                value={props.reflection ?? mine?.reflection ?? ''}
                error={e.reflection}
                rows={8}
                maxlength={props.maxReflection}
                hint={`Tối đa ${props.maxReflection} ký tự. Chi bộ sẽ đọc và có thể trả lại để bạn sửa.`}
              />
              <button type="submit">{status === 'none' ? 'Nộp bài thu hoạch' : 'Nộp lại bài thu hoạch'}</button>
            </form>
          ) : (
            mine?.reflection && <p class="agenda">{mine.reflection}</p>
          )}
        </section>
      )}

      {c.oversees && (
        <p class="actions">
          <a class="button secondary" href={`/study/${c.id}/progress`}>
            Xem kết quả học tập theo tổ chức
          </a>
        </p>
      )}
      {c.can_manage && !c.closed_at && (
        <p class="actions">
          <a class="button secondary" href={`/study/${c.id}/edit`}>
            Sửa đợt học tập
          </a>
        </p>
      )}
      {c.can_manage && !c.closed_at && (
        <form method="post" action={`/study/${c.id}/close`} hx-confirm="Kết thúc đợt học tập? Đảng viên sẽ không ghi nhận hay nộp bài được nữa.">
          <CsrfField token={props.viewer.csrf} />
          <button type="submit" class="secondary">
            Kết thúc đợt học tập
          </button>
        </form>
      )}
    </Layout>
  )
}

export interface CompletionRowView {
  id: string
  name: string
  members: number
  studied: number
  proxied: number
  handed_in: number
  accepted: number
  quiz_passed: number | null
}

/** A cell member's row: the shape the query returns (one home for it). */
export type CellMemberView = CellMember

const pct = (n: number, of: number) => (of > 0 ? `${Math.round((100 * n) / of)}%` : '–')

export function ProgressPage(props: {
  viewer: Viewer
  campaign: CampaignView
  org: { id: string; name: string }
  total: CompletionRowView
  children: CompletionRowView[]
  childCount: number
  page: number
  members?: { rows: CellMemberView[]; total: number; page: number; canProxy: boolean }
  notice?: string
  error?: string
}) {
  const c = props.campaign
  return (
    <Layout title={`Kết quả: ${c.title}`} viewer={props.viewer} current="/study">
      <p>
        <a href={`/study/${c.id}`}>‹ {c.title}</a>
      </p>
      <h1>Kết quả học tập: {props.org.name}</h1>
      <Flash notice={props.notice} error={props.error} />
      <p>
        <small class="muted">
          Hạn {formatDate(c.due_on)}. Bài kiểm tra: {c.exam_id ? <a href={`/exams/${c.exam_id}`}>xem bài kiểm tra</a> : 'không có'}.
        </small>
      </p>
      <CompletionTable
        campaignId={c.id}
        hasQuiz={!!c.exam_id}
        org={props.org}
        total={props.total}
        children={props.children}
        childCount={props.childCount}
        page={props.page}
      />
      {props.members && <CellMembers campaignId={c.id} hasQuiz={!!c.exam_id} orgId={props.org.id} csrf={props.viewer.csrf} {...props.members} />}
    </Layout>
  )
}

/** The counts of an organization and of its direct children, each over its subtree (paginated by child). */
export function CompletionTable(props: {
  campaignId: string
  hasQuiz: boolean
  org: { id: string; name: string }
  total: CompletionRowView
  children: CompletionRowView[]
  childCount: number
  page: number
}) {
  const row = (r: CompletionRowView, link: boolean) => (
    <tr>
      <th scope="row">{link ? <a href={`/study/${props.campaignId}/progress?org=${r.id}`}>{r.name}</a> : r.name}</th>
      <td data-label="Đảng viên">{r.members}</td>
      <td data-label="Đã học tập">
        {r.studied} ({pct(r.studied, r.members)}){r.proxied > 0 && <small class="muted"> · {r.proxied} ghi nhận thay</small>}
      </td>
      <td data-label="Đã nộp thu hoạch">
        {r.handed_in} ({pct(r.handed_in, r.members)})
      </td>
      <td data-label="Thu hoạch đạt">
        {r.accepted} ({pct(r.accepted, r.members)})
      </td>
      {props.hasQuiz && (
        <td data-label="Đạt bài kiểm tra">
          {r.quiz_passed ?? 0} ({pct(r.quiz_passed ?? 0, r.members)})
        </td>
      )}
    </tr>
  )
  return (
    <div id="study-progress">
      <p class="muted">Số đảng viên đang sinh hoạt và số đã hoàn thành từng việc, tính cả các tổ chức trực thuộc.</p>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">Tổ chức</th>
            <th scope="col">Đảng viên</th>
            <th scope="col">Đã học tập</th>
            <th scope="col">Đã nộp thu hoạch</th>
            <th scope="col">Thu hoạch đạt</th>
            {props.hasQuiz && <th scope="col">Đạt bài kiểm tra</th>}
          </tr>
        </thead>
        <tbody>
          {row(props.total, false)}
          {props.children.map((r) => row(r, true))}
        </tbody>
      </table>
      <Pagination
        page={props.page}
        pageSize={20}
        total={props.childCount}
        href={(p) => `/study/${props.campaignId}/progress?org=${props.org.id}&page=${p}`}
        target="#study-progress"
      />
    </div>
  )
}

export function CellMembers(props: {
  campaignId: string
  hasQuiz: boolean
  orgId: string
  csrf: string
  rows: CellMemberView[]
  total: number
  page: number
  canProxy: boolean
}) {
  return (
    <section aria-labelledby="cell-members-h" id="cell-members">
      <h2 id="cell-members-h">Đảng viên của chi bộ</h2>
      {props.rows.length === 0 ? (
        <EmptyState title="Chi bộ chưa có đảng viên nào." />
      ) : (
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Họ và tên</th>
              <th scope="col">Học tập</th>
              <th scope="col">Bài thu hoạch</th>
              {props.hasQuiz && <th scope="col">Bài kiểm tra</th>}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((m) => (
              <tr>
                <th scope="row">{m.full_name}</th>
                <td data-label="Học tập">
                  {m.studied_at ? (
                    `Đã học${m.studied_by_proxy ? ' (ghi nhận thay)' : ''}`
                  ) : props.canProxy ? (
                    <form method="post" action={`/study/${props.campaignId}/members/${m.member_id}/studied`}>
                      <CsrfField token={props.csrf} />
                      <button type="submit" class="secondary" aria-label={`Ghi nhận thay: ${m.full_name} đã dự buổi học tập của chi bộ`}>
                        Ghi nhận đã dự học
                      </button>
                    </form>
                  ) : (
                    'Chưa'
                  )}
                </td>
                <td data-label="Bài thu hoạch">
                  {m.record_id && m.reflection_status !== 'none' ? (
                    <a href={`/study/${props.campaignId}/records/${m.record_id}`}>{STUDY_STATUS[m.reflection_status]}</a>
                  ) : (
                    STUDY_STATUS.none
                  )}
                </td>
                {props.hasQuiz && <td data-label="Bài kiểm tra">{m.quiz_passed ? 'Đạt' : m.quiz_taken ? 'Chưa đạt' : 'Chưa làm'}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination
        page={props.page}
        pageSize={20}
        total={props.total}
        href={(p) => `/study/${props.campaignId}/progress?org=${props.orgId}&mpage=${p}`}
        target="#cell-members"
      />
    </section>
  )
}

export function RecordPage(props: {
  viewer: Viewer
  campaign: { id: string; title: string }
  record: {
    id: string
    full_name: string
    org_name: string
    reflection: string | null
    reflection_status: string
    return_reason: string | null
    submitted_at: Date | string | null
    studied_at: Date | string | null
    studied_by_proxy: boolean
    can_review: boolean
  }
  values?: { return_reason?: string }
  errors?: Record<string, string>
  notice?: string
}) {
  const r = props.record
  const e = props.errors ?? {}
  return (
    <Layout title={`Bài thu hoạch: ${r.full_name}`} viewer={props.viewer} current="/study">
      <p>
        <a href={`/study/${props.campaign.id}/progress`}>‹ Kết quả: {props.campaign.title}</a>
      </p>
      <h1>Bài thu hoạch của {r.full_name}</h1>
      <Flash notice={props.notice} />
      <FormErrors errors={e} />
      <p>
        <small class="muted">
          {r.org_name}
          {r.submitted_at && ` · nộp lúc ${formatWhen(r.submitted_at)}`}
          {r.studied_at && ` · đã học tập${r.studied_by_proxy ? ' (ghi nhận thay)' : ''}`}
        </small>
      </p>
      <p>
        Tình trạng: <span class="badge">{STUDY_STATUS[r.reflection_status]}</span>
      </p>
      {r.reflection_status === 'returned' && r.return_reason && <p class="alert">Lý do trả lại: {r.return_reason}</p>}
      {r.reflection ? <p class="agenda card">{r.reflection}</p> : <EmptyState title="Chưa có bài thu hoạch." />}
      {r.can_review && r.reflection_status === 'submitted' && (
        <div class="grid two">
          <form method="post" action={`/study/${props.campaign.id}/records/${r.id}/accept`} class="card">
            <CsrfField token={props.viewer.csrf} />
            <button type="submit">Chấp nhận bài thu hoạch</button>
          </form>
          <form method="post" action={`/study/${props.campaign.id}/records/${r.id}/return`} class="card">
            <CsrfField token={props.viewer.csrf} />
            <div class={e.return_reason ? 'field invalid' : 'field'}>
              <label for="f-return_reason">Lý do trả lại</label>
              <textarea
                id="f-return_reason"
                name="return_reason"
                rows={3}
                maxlength={1000}
                required
                aria-invalid={e.return_reason ? 'true' : undefined}
                aria-describedby={e.return_reason ? 'f-return_reason-err' : undefined}
              >
                {props.values?.return_reason ?? ''}
              </textarea>
              {e.return_reason && (
                <p class="error" id="f-return_reason-err">
                  {e.return_reason}
                </p>
              )}
            </div>
            <button type="submit" class="secondary">
              Trả lại để sửa
            </button>
          </form>
        </div>
      )}
    </Layout>
  )
}
