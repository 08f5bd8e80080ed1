import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Field, Flash, FormErrors, SelectField } from '../components/Field.tsx'
import { formatWhen } from '../components/labels.ts'
import { formatScore, percent } from './labels.ts'
import type { ExamRow } from '../../edge/features/exams/exams.queries.ts'

/** An exam as its pages show it: the row the exams feature reads under the viewer's RLS. */
export type ExamView = ExamRow

function MyStatus(props: { exam: ExamView }) {
  const e = props.exam
  if (!e.in_audience) return null
  if (e.open_attempt) return <span class="badge">Đang làm dở</span>
  if (e.attempts_used === 0) return <span class="badge muted">{e.is_open ? 'Chưa làm' : 'Không làm'}</span>
  return (
    <span class="badge">
      {e.passed ? 'Đạt' : 'Chưa đạt'} · {formatScore(e.best_score)}%
    </span>
  )
}

/** Exams: mine to take (with my status), then those I set or oversee. */
export function ExamsPage(props: { viewer: Viewer; exams: ExamView[]; managesBanks: boolean; notice?: string }) {
  const mine = props.exams.filter((e) => e.in_audience)
  const overseen = props.exams.filter((e) => !e.in_audience)
  return (
    <Layout title="Kiểm tra, thi" viewer={props.viewer} current="/exams">
      <h1>Kiểm tra, thi trắc nghiệm</h1>
      <Flash notice={props.notice} />
      {props.managesBanks && (
        <p class="actions">
          <a class="button secondary" href="/exams/banks">
            Ngân hàng câu hỏi
          </a>
          <a class="button secondary" href="/exams/banks#set-exam">
            Ra đề kiểm tra (chọn ngân hàng câu hỏi)
          </a>
        </p>
      )}
      <h2>Bài kiểm tra của tôi</h2>
      {mine.length === 0 ? <EmptyState title="Chưa có bài kiểm tra nào dành cho bạn." /> : <ExamList exams={mine} />}
      {overseen.length > 0 && (
        <>
          <h2>Bài kiểm tra do cấp ủy tổ chức</h2>
          <ExamList exams={overseen} />
        </>
      )}
    </Layout>
  )
}

function ExamList(props: { exams: ExamView[] }) {
  return (
    <ul class="cards" id="exam-list">
      {props.exams.map((e) => (
        <li class="card">
          <a href={`/exams/${e.id}`}>
            <strong>{e.title}</strong>
          </a>{' '}
          <MyStatus exam={e} />
          <br />
          <small class="muted">
            {e.org_name} · {e.is_open ? `mở đến ${formatWhen(e.closes_at)}` : `${formatWhen(e.opens_at)} – ${formatWhen(e.closes_at)}`} · {e.time_limit_minutes}{' '}
            phút
          </small>
        </li>
      ))}
    </ul>
  )
}

export interface MyAttemptView {
  id: string
  attempt_no: number
  submitted_at: string | null
  score: string | null
  passed: boolean | null
  timed_out: boolean
}

/** One exam: its rules, my attempts and the button to start or resume; managers find the results from here. */
export function ExamPage(props: { viewer: Viewer; exam: ExamView; attempts: MyAttemptView[]; notice?: string; error?: string }) {
  const e = props.exam
  const left = e.attempts_allowed - e.attempts_used
  return (
    <Layout title={e.title} viewer={props.viewer} current="/exams">
      <p>
        <a href="/exams">‹ Kiểm tra, thi</a>
      </p>
      <h1>{e.title}</h1>
      <Flash notice={props.notice} error={props.error} />
      {e.description && <p class="document">{e.description}</p>}
      <dl class="profile">
        <dt>Đối tượng</dt>
        <dd>Đảng viên thuộc {e.org_name}</dd>
        <dt>Thời gian mở</dt>
        <dd>
          {formatWhen(e.opens_at)} – {formatWhen(e.closes_at)}
        </dd>
        <dt>Thời gian làm bài</dt>
        <dd>{e.time_limit_minutes} phút</dd>
        <dt>Số câu hỏi</dt>
        <dd>{e.question_count ?? 'Toàn bộ ngân hàng câu hỏi'}</dd>
        <dt>Điểm đạt</dt>
        <dd>{e.pass_percent}%</dd>
        <dt>Số lần làm bài</dt>
        <dd>{e.attempts_allowed}</dd>
      </dl>
      {e.in_audience && (
        <section class="card" id="my-attempts" aria-label="Bài làm của tôi">
          {props.attempts.length > 0 && (
            <table class="stack" id="my-attempts-table">
              <thead>
                <tr>
                  <th>Lần</th>
                  <th>Kết quả</th>
                  <th class="num">Điểm</th>
                </tr>
              </thead>
              <tbody>
                {props.attempts.map((a) => (
                  <tr>
                    <td>
                      <a href={`/exams/attempts/${a.id}`}>Lần {a.attempt_no}</a>
                    </td>
                    <td data-label="Kết quả">{a.submitted_at ? (a.passed ? 'Đạt' : 'Chưa đạt') + (a.timed_out ? ' (hết giờ)' : '') : 'Đang làm'}</td>
                    <td class="num" data-label="Điểm">
                      {a.submitted_at ? `${formatScore(a.score)}%` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {e.open_attempt ? (
            <form method="post" action={`/exams/${e.id}/start`}>
              <CsrfField token={props.viewer.csrf} />
              <button type="submit">Tiếp tục làm bài</button>
            </form>
          ) : e.is_open && left > 0 ? (
            <form method="post" action={`/exams/${e.id}/start`}>
              <CsrfField token={props.viewer.csrf} />
              <p class="muted">
                Còn {left} lần làm bài. Đồng hồ tính giờ chạy trên máy chủ từ lúc bấm bắt đầu, kể cả khi mất kết nối; mở lại trang để làm tiếp.
              </p>
              <button type="submit">{e.attempts_used ? 'Làm lại' : 'Bắt đầu làm bài'}</button>
            </form>
          ) : (
            <p class="muted">{left <= 0 ? 'Bạn đã dùng hết số lần làm bài.' : 'Bài kiểm tra chưa mở hoặc đã đóng.'}</p>
          )}
        </section>
      )}
      {e.sees_results && (
        <p class="actions">
          <a class="button secondary" href={`/exams/${e.id}/results`}>
            Kết quả theo tổ chức
          </a>
        </p>
      )}
    </Layout>
  )
}

export interface OrgResultView {
  id: string
  name: string
  path: string
  members: number
  participants: number
  passed: number
  leaf: boolean
}

export interface MemberResultView {
  member_id: string
  name: string
  best_attempt: string | null
  attempts: number
  best_score: string | null
  passed: boolean
}

/** Results of an exam at one organization: its totals, each organization below it, and its own members. */
export function ResultsPage(props: {
  viewer: Viewer
  /** manages: the caller manages the exam's bank, and so may open members' attempts */
  exam: { id: string; title: string; manages: boolean }
  at: { id: string; name: string }
  roots: { id: string; name: string }[]
  totals: { members: number; participants: number; passed: number }
  orgs: OrgResultView[]
  members: MemberResultView[]
}) {
  const t = props.totals
  return (
    <Layout title={`Kết quả: ${props.exam.title}`} viewer={props.viewer} current="/exams">
      <p>
        <a href={`/exams/${props.exam.id}`}>‹ {props.exam.title}</a>
      </p>
      <h1>Kết quả: {props.at.name}</h1>
      {props.roots.length > 1 && (
        <nav class="tabs">
          {props.roots.map((r) => (
            <a href={`/exams/${props.exam.id}/results?at=${r.id}`}>{r.name}</a>
          ))}
        </nav>
      )}
      <p id="totals">
        {t.members} đảng viên · <strong>{t.participants}</strong> đã làm bài ({percent(t.participants, t.members)}) · <strong>{t.passed}</strong> đạt (
        {percent(t.passed, t.participants)} số người làm bài)
      </p>
      {props.orgs.length > 0 && (
        <table class="stack" id="org-results">
          <thead>
            <tr>
              <th>Tổ chức</th>
              <th class="num">Đảng viên</th>
              <th class="num">Đã làm</th>
              <th class="num">Đạt</th>
              <th class="num">Tỷ lệ đạt</th>
            </tr>
          </thead>
          <tbody>
            {props.orgs.map((o) => (
              <tr>
                <td>
                  <a href={`/exams/${props.exam.id}/results?at=${o.id}`}>{o.name}</a>
                </td>
                <td class="num" data-label="Đảng viên">
                  {o.members}
                </td>
                <td class="num" data-label="Đã làm">
                  {o.participants}
                </td>
                <td class="num" data-label="Đạt">
                  {o.passed}
                </td>
                <td class="num" data-label="Tỷ lệ đạt">
                  {percent(o.passed, o.participants)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.members.length > 0 && (
        <table class="stack" id="member-results">
          <thead>
            <tr>
              <th>Đảng viên</th>
              <th class="num">Số lần</th>
              <th class="num">Điểm cao nhất</th>
              <th>Kết quả</th>
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr>
                <td>{m.best_attempt && props.exam.manages ? <a href={`/exams/attempts/${m.best_attempt}`}>{m.name}</a> : m.name}</td>
                <td class="num" data-label="Số lần">
                  {m.attempts}
                </td>
                <td class="num" data-label="Điểm cao nhất">
                  {m.attempts ? `${formatScore(m.best_score)}%` : ''}
                </td>
                <td data-label="Kết quả">{m.attempts ? (m.passed ? 'Đạt' : 'Chưa đạt') : 'Chưa làm'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  )
}

export interface ExamFormValues {
  bank_id?: string
  org_id?: string
  title?: string
  description?: string
  question_count?: string
  opens_at?: string
  closes_at?: string
  time_limit_minutes?: string
  pass_percent?: string
  attempts_allowed?: string
  shuffle_questions?: boolean
  shuffle_options?: boolean
}

/** Setting an exam from a bank: audience, window, time limit, pass mark, attempts, shuffling. */
export function ExamForm(props: {
  viewer: Viewer
  bank: { id: string; title: string; question_count: number }
  audiences: { id: string; name: string; path: string }[]
  values: ExamFormValues
  errors: Record<string, string>
}) {
  const v = props.values
  const e = props.errors
  return (
    <Layout title="Tạo bài kiểm tra" viewer={props.viewer} current="/exams">
      <p>
        <a href={`/exams/banks/${props.bank.id}`}>‹ {props.bank.title}</a>
      </p>
      <h1>Tạo bài kiểm tra</h1>
      <FormErrors errors={e} />
      <form method="post" action="/exams" class="card">
        <CsrfField token={props.viewer.csrf} />
        <input type="hidden" name="bank_id" value={props.bank.id} />
        <Field name="title" label="Tên bài kiểm tra" value={v.title} error={e.title} required maxlength={200} />
        <div class={e.description ? 'field invalid' : 'field'}>
          <label for="f-description">Hướng dẫn</label>
          <textarea id="f-description" name="description" rows={3} maxlength={2000}>
            {v.description ?? ''}
          </textarea>
        </div>
        <SelectField
          name="org_id"
          label="Đối tượng dự thi (đảng viên thuộc tổ chức)"
          value={v.org_id}
          error={e.org_id}
          options={props.audiences.map((o) => [o.id, o.name] as const)}
        />
        <div class="grid two">
          <Field name="opens_at" label="Mở từ" type="datetime-local" value={v.opens_at} error={e.opens_at} required />
          <Field name="closes_at" label="Đóng lúc" type="datetime-local" value={v.closes_at} error={e.closes_at} required />
          <Field
            name="time_limit_minutes"
            label="Thời gian làm bài (phút)"
            inputmode="numeric"
            value={v.time_limit_minutes}
            error={e.time_limit_minutes}
            required
          />
          <Field
            name="question_count"
            label={`Số câu hỏi (để trống: cả ${props.bank.question_count} câu)`}
            inputmode="numeric"
            value={v.question_count}
            error={e.question_count}
            hint="Mỗi lần làm bài rút ngẫu nhiên số câu này từ ngân hàng."
          />
          <Field name="pass_percent" label="Điểm đạt (%)" inputmode="numeric" value={v.pass_percent} error={e.pass_percent} required />
          <Field name="attempts_allowed" label="Số lần làm bài" inputmode="numeric" value={v.attempts_allowed} error={e.attempts_allowed} required />
        </div>
        <label class="choice">
          <input type="checkbox" name="shuffle_questions" checked={v.shuffle_questions} /> Đảo thứ tự câu hỏi mỗi lần làm bài
        </label>
        <label class="choice">
          <input type="checkbox" name="shuffle_options" checked={v.shuffle_options} /> Đảo thứ tự phương án trả lời
        </label>
        <button type="submit">Tạo bài kiểm tra</button>
      </form>
    </Layout>
  )
}
