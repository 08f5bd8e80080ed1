import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Flash } from '../components/Field.tsx'
import { formatWhen } from '../components/labels.ts'
import { formatLeft, formatScore, LETTERS } from './labels.ts'

export interface AttemptView {
  id: string
  exam_id: string
  attempt_no: number
  deadline: string
  submitted_at: string | null
  timed_out: boolean
  question_count: number
  correct_count: number | null
  score: string | null
  passed: boolean | null
  seconds_left: number
  member_name: string | null
  mine: boolean
}

export interface AttemptQuestionView {
  question_id: string
  position: number
  multiple: boolean
  body: string
  options: { id: string; body: string }[]
  chosen: string[]
}

/** The time left by the server's clock (id="clock"); asks again every 30 s, and the server sends the member to the result when time is up. */
export function Clock(props: { attempt: AttemptView }) {
  const a = props.attempt
  return (
    <p id="clock" class="notice" role="timer" hx-get={`/exams/attempts/${a.id}/clock`} hx-trigger="every 30s" hx-swap="outerHTML">
      Còn lại <strong>{formatLeft(a.seconds_left)}</strong> (hết giờ lúc {formatWhen(a.deadline)}). Câu trả lời được lưu ngay khi bạn chọn.
    </p>
  )
}

/** Whether one question's choice reached the server (id="s-<question>"): what an answer post returns. */
export function SaveState(props: { questionId: string; saved: boolean }) {
  return (
    <p id={`s-${props.questionId}`} class="muted save-state" role="status">
      {props.saved ? 'Đã lưu' : ''}
    </p>
  )
}

/**
 * One question of an open attempt. Each change posts this question's choice (the enclosing form's
 * values go along; the server keeps only this question's field); coming back online posts it again,
 * so a choice made while offline is not lost (app.js says meanwhile that it was not sent). Quick
 * changes queue behind the one in flight and only the latest waits (htmx's default would keep the
 * second and drop the rest, saving a choice the page no longer shows). Without JavaScript the
 * whole form is posted.
 */
export function QuestionFieldset(props: { attemptId: string; question: AttemptQuestionView }) {
  const q = props.question
  return (
    <fieldset
      id={`q-${q.question_id}`}
      class="question"
      hx-post={`/exams/attempts/${props.attemptId}/answer`}
      hx-trigger="change, online from:window"
      hx-sync="this:queue last"
      hx-vals={JSON.stringify({ question: q.question_id })}
      hx-target={`#s-${q.question_id}`}
      hx-swap="outerHTML"
    >
      <legend>
        Câu {q.position}. {q.body}
      </legend>
      <p class="muted">{q.multiple ? 'Chọn tất cả các phương án đúng.' : 'Chọn một phương án.'}</p>
      <div class="checks">
        {q.options.map((o, i) => (
          <label>
            <input type={q.multiple ? 'checkbox' : 'radio'} name={`q_${q.question_id}`} value={o.id} checked={q.chosen.includes(o.id)} /> {LETTERS[i]}. {o.body}
          </label>
        ))}
      </div>
      <SaveState questionId={q.question_id} saved={q.chosen.length > 0} />
    </fieldset>
  )
}

/** Taking an exam: every question on one page, the clock above, hand in at the bottom. */
export function AttemptPage(props: {
  viewer: Viewer
  examTitle: string
  attempt: AttemptView
  questions: AttemptQuestionView[]
  notice?: string
  error?: string
  /** positions of the questions left blank when the member handed in: asked once before the attempt is spent */
  blank?: number[]
}) {
  const a = props.attempt
  const blank = props.blank ?? []
  return (
    <Layout title={props.examTitle} viewer={props.viewer} current="/exams">
      <p>
        <a href={`/exams/${a.exam_id}`}>‹ {props.examTitle}</a>
      </p>
      <h1>{props.examTitle}</h1>
      <p class="muted">
        Lần làm bài thứ {a.attempt_no} · {props.questions.length} câu hỏi
      </p>
      <Flash notice={props.notice} error={props.error} />
      {blank.length > 0 && (
        <div class="alert" role="alert" id="blank-warning">
          <p>
            Bạn còn {blank.length} câu chưa trả lời (câu {blank.join(', ')}). Nộp bài bây giờ thì các câu này tính là sai, và lần làm bài này được tính.
          </p>
          <p>Làm tiếp các câu đó rồi nộp, hoặc bấm “Vẫn nộp bài” ở cuối trang.</p>
        </div>
      )}
      <Clock attempt={a} />
      <form method="post" action={`/exams/attempts/${a.id}/submit`} id="attempt">
        <CsrfField token={props.viewer.csrf} />
        {props.questions.map((q) => (
          <QuestionFieldset attemptId={a.id} question={q} />
        ))}
        <div class="actions">
          <button type="submit" class="secondary" formaction={`/exams/attempts/${a.id}/save`}>
            Lưu câu trả lời
          </button>
          {blank.length > 0 ? (
            <button type="submit" name="confirm_blank" value="1">
              Vẫn nộp bài
            </button>
          ) : (
            <button type="submit">Nộp bài</button>
          )}
        </div>
      </form>
    </Layout>
  )
}

export interface ReviewView {
  is_correct: boolean
  correct_ids: string[]
  explanation: string | null
}

/** A graded attempt: the score, and each question right or wrong; the answers themselves only where the review is open. */
export function AttemptResult(props: {
  viewer: Viewer
  examTitle: string
  passPercent: number
  attempt: AttemptView
  questions: AttemptQuestionView[]
  review: Map<string, ReviewView>
  /** when the exam closes: the member's own answers are reviewed from then */
  closesAt?: string
  notice?: string
}) {
  const a = props.attempt
  return (
    <Layout title={`Kết quả: ${props.examTitle}`} viewer={props.viewer} current="/exams">
      <p>
        <a href={`/exams/${a.exam_id}`}>‹ {props.examTitle}</a>
      </p>
      <h1>Kết quả bài làm</h1>
      <Flash notice={props.notice} />
      <section class="card" id="result" aria-label="Kết quả">
        {!a.mine && a.member_name && <p>Đảng viên: {a.member_name}</p>}
        <p>
          Lần làm bài thứ {a.attempt_no}: đúng <strong>{a.correct_count ?? 0}</strong>/{a.question_count} câu, điểm <strong>{formatScore(a.score)}%</strong>{' '}
          (điểm đạt {props.passPercent}%).
        </p>
        <p>
          <strong class={a.passed ? 'badge' : 'badge muted'}>{a.passed ? 'Đạt' : 'Chưa đạt'}</strong>
          {a.timed_out && <span class="muted"> · Hết giờ: bài được chấm với các câu trả lời đã lưu.</span>}
        </p>
        {a.submitted_at && <p class="muted">Nộp lúc {formatWhen(a.submitted_at)}</p>}
        {props.review.size === 0 && (
          <p class="muted">Từng câu đúng hay sai và đáp án được hiển thị khi bài kiểm tra đóng{props.closesAt ? ` (${formatWhen(props.closesAt)})` : ''}.</p>
        )}
      </section>
      <ul class="cards questions">
        {props.questions.map((q) => {
          const r = props.review.get(q.question_id)
          return (
            <li class="card">
              <p>
                <strong>Câu {q.position}.</strong> {q.body} {r && <span class="badge">{r.is_correct ? 'Đúng' : 'Sai'}</span>}
              </p>
              <ul>
                {q.options.map((o, i) => (
                  <li>
                    {LETTERS[i]}. {o.body}
                    {q.chosen.includes(o.id) && <em> (bạn chọn)</em>}
                    {r?.correct_ids.includes(o.id) && <strong> ✓ đáp án đúng</strong>}
                  </li>
                ))}
              </ul>
              {r?.explanation && <p class="muted">Giải thích: {r.explanation}</p>}
            </li>
          )
        })}
      </ul>
    </Layout>
  )
}
