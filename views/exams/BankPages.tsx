import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Field, Flash, FormErrors, SelectField } from '../components/Field.tsx'
import { FileReportHead } from '../components/FileReport.tsx'
import { KIND_LABELS, LETTERS, percent } from './labels.ts'

export interface BankView {
  id: string
  title: string
  description: string | null
  org_name: string
  question_count: number
}

/** The banks the manager keeps, and a form to open a new one. */
export function BanksPage(props: {
  viewer: Viewer
  banks: BankView[]
  orgs: { id: string; name: string }[]
  values?: { org_id?: string; title?: string; description?: string }
  errors?: Record<string, string>
}) {
  const v = props.values ?? {}
  const e = props.errors ?? {}
  return (
    <Layout title="Ngân hàng câu hỏi" viewer={props.viewer} current="/exams">
      <p>
        <a href="/exams">‹ Kiểm tra, thi</a>
      </p>
      <h1>Ngân hàng câu hỏi</h1>
      {props.banks.length === 0 ? (
        <EmptyState title="Chưa có ngân hàng câu hỏi nào." />
      ) : (
        <ul class="cards" id="banks">
          {props.banks.map((b) => (
            <li class="card">
              <a href={`/exams/banks/${b.id}`}>
                <strong>{b.title}</strong>
              </a>
              <br />
              <small class="muted">
                {b.org_name} · {b.question_count} câu hỏi
              </small>
            </li>
          ))}
        </ul>
      )}
      <h2>Tạo ngân hàng mới</h2>
      <FormErrors errors={e} />
      <form method="post" action="/exams/banks" class="card">
        <CsrfField token={props.viewer.csrf} />
        <SelectField name="org_id" label="Của tổ chức" value={v.org_id} error={e.org_id} options={props.orgs.map((o) => [o.id, o.name] as const)} />
        <Field name="title" label="Tên ngân hàng câu hỏi" value={v.title} error={e.title} required maxlength={200} />
        <div class="field">
          <label for="f-description">Mô tả</label>
          <textarea id="f-description" name="description" rows={2} maxlength={2000}>
            {v.description ?? ''}
          </textarea>
        </div>
        <button type="submit">Tạo</button>
      </form>
    </Layout>
  )
}

export interface BankQuestionView {
  id: string
  position: number
  kind: string
  body: string
  options: { id: string; body: string; correct: boolean }[]
  explanation: string | null
  answered: number
  right: number
}

export interface QuestionFormValues {
  kind?: string
  body?: string
  explanation?: string
  options?: string[]
  correct?: string[]
}

export interface QuestionImportReport {
  fileName: string
  total: number
  imported: number
  skipped: { line: number; body: string; errors: string[] }[]
  fileErrors: string[]
  ignoredColumns: string[]
  rowErrors: { line: number; body: string; errors: string[] }[]
}

/** A bank for its managers: questions with answers and statistics, adding one, importing many, setting an exam. */
export function BankPage(props: {
  viewer: Viewer
  bank: BankView & { questions: BankQuestionView[] }
  values?: QuestionFormValues
  errors?: Record<string, string>
  importErrors?: Record<string, string>
  report?: QuestionImportReport
  notice?: string
}) {
  const b = props.bank
  return (
    <Layout title={b.title} viewer={props.viewer} current="/exams">
      <p>
        <a href="/exams/banks">‹ Ngân hàng câu hỏi</a>
      </p>
      <h1>{b.title}</h1>
      <p class="muted">
        {b.org_name} · {b.question_count} câu hỏi
      </p>
      <Flash notice={props.notice} />
      {b.question_count > 0 && (
        <p class="actions">
          <a class="button" href={`/exams/new?bank=${b.id}`}>
            Tạo bài kiểm tra từ ngân hàng này
          </a>
        </p>
      )}
      {props.report && <ImportReportView report={props.report} />}
      <h2>Câu hỏi và tỷ lệ trả lời đúng</h2>
      {b.questions.length === 0 ? (
        <EmptyState title="Chưa có câu hỏi. Thêm từng câu bên dưới hoặc nhập từ tệp Excel/CSV." />
      ) : (
        <ul class="cards questions" id="questions">
          {b.questions.map((q) => (
            <li class="card">
              <p>
                <strong>Câu {q.position}.</strong> {q.body} <small class="muted">({KIND_LABELS[q.kind]})</small>
              </p>
              <ul>
                {q.options.map((o, i) => (
                  <li>
                    {LETTERS[i]}. {o.body}
                    {o.correct && <strong> ✓</strong>}
                  </li>
                ))}
              </ul>
              {q.explanation && <p class="muted">Giải thích: {q.explanation}</p>}
              <p class="muted stat">{q.answered ? `${percent(q.right, q.answered)} trả lời đúng (${q.right}/${q.answered} lượt)` : 'Chưa có lượt trả lời.'}</p>
            </li>
          ))}
        </ul>
      )}
      <QuestionForm bankId={b.id} csrf={props.viewer.csrf} values={props.values ?? {}} errors={props.errors ?? {}} />
      <ImportForm bankId={b.id} csrf={props.viewer.csrf} errors={props.importErrors ?? {}} />
    </Layout>
  )
}

function QuestionForm(props: { bankId: string; csrf: string; values: QuestionFormValues; errors: Record<string, string> }) {
  const v = props.values
  const e = props.errors
  return (
    <section aria-labelledby="add-h">
      <h2 id="add-h">Thêm câu hỏi</h2>
      <FormErrors errors={e} />
      <form method="post" action={`/exams/banks/${props.bankId}/questions`} class="card" id="question-form">
        <CsrfField token={props.csrf} />
        <SelectField name="kind" label="Loại câu hỏi" value={v.kind ?? 'single'} options={Object.entries(KIND_LABELS)} />
        <div class={e.body ? 'field invalid' : 'field'}>
          <label for="f-body">Nội dung câu hỏi</label>
          <textarea id="f-body" name="body" rows={3} maxlength={2000} required>
            {v.body ?? ''}
          </textarea>
          {e.body && <p class="error">{e.body}</p>}
        </div>
        <fieldset>
          <legend>Phương án (2–6; đánh dấu các phương án đúng)</legend>
          {LETTERS.map((letter, i) => (
            <div class="field option">
              <label for={`f-option_${i + 1}`}>Phương án {letter}</label>
              <input id={`f-option_${i + 1}`} name={`option_${i + 1}`} value={v.options?.[i] ?? ''} maxlength={1000} />
              <label class="choice">
                <input type="checkbox" name="correct" value={String(i + 1)} checked={v.correct?.includes(String(i + 1))} /> Đúng
              </label>
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="f-explanation">Giải thích (không bắt buộc)</label>
          <textarea id="f-explanation" name="explanation" rows={2} maxlength={2000}>
            {v.explanation ?? ''}
          </textarea>
        </div>
        <button type="submit">Thêm câu hỏi</button>
      </form>
    </section>
  )
}

function ImportForm(props: { bankId: string; csrf: string; errors: Record<string, string> }) {
  return (
    <section aria-labelledby="import-h">
      <h2 id="import-h">Nhập câu hỏi từ tệp</h2>
      <form method="post" action={`/exams/banks/${props.bankId}/import`} enctype="multipart/form-data" class="card">
        <CsrfField token={props.csrf} />
        <div class={props.errors.file ? 'field invalid' : 'field'}>
          <label for="f-file">Tệp CSV hoặc Excel (.xlsx)</label>
          <input id="f-file" type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
          {props.errors.file && <p class="error">{props.errors.file}</p>}
          <small>
            Dòng đầu là tiêu đề: Câu hỏi, A, B, C, D, E, F (phương án, ít nhất A và B), Đáp án (chữ cái, ví dụ “B” hoặc “A, C”), Loại (“một” hoặc “nhiều”, không
            bắt buộc), Giải thích (không bắt buộc). Dòng hợp lệ được nhập ngay; dòng lỗi được liệt kê để sửa và nhập lại; câu đã có không bị nhập hai lần.{' '}
            <a href="/exams/banks/template.xlsx">Tải tệp mẫu (.xlsx)</a>
          </small>
        </div>
        <button type="submit">Nhập</button>
      </form>
    </section>
  )
}

function RowList(props: { rows: QuestionImportReport['rowErrors']; heading: string; id: string }) {
  if (!props.rows.length) return null
  return (
    <table class="stack" id={props.id}>
      <thead>
        <tr>
          <th>Dòng</th>
          <th>Câu hỏi</th>
          <th>{props.heading}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.slice(0, 500).map((r) => (
          <tr>
            <td data-label="Dòng">{r.line}</td>
            <td>{r.body.length > 80 ? `${r.body.slice(0, 80)}…` : r.body}</td>
            <td data-label={props.heading}>{r.errors.join(' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function ImportReportView(props: { report: QuestionImportReport }) {
  const r = props.report
  return (
    <section class="card" aria-labelledby="report-h" id="import-report">
      <FileReportHead
        fileName={r.fileName}
        fileErrors={r.fileErrors}
        ignoredColumns={r.ignoredColumns}
        summary={
          <>
            {r.total} dòng câu hỏi: <strong>đã nhập {r.imported}</strong>, <strong>{r.rowErrors.length} có lỗi</strong> (chưa nhập)
            {r.skipped.length > 0 && <>, {r.skipped.length} đã có từ trước (bỏ qua)</>}.
          </>
        }
      />
      <RowList rows={r.rowErrors} heading="Lỗi" id="import-errors" />
      {r.skipped.length > 0 && (
        <>
          <h3>Đã có trong ngân hàng (không nhập lại)</h3>
          <RowList rows={r.skipped} heading="Ghi chú" id="import-skipped" />
        </>
      )}
    </section>
  )
}
