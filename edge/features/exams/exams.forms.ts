import * as z from 'zod'
import { field } from '../../kernel/http/validation.ts'
import { cleanMultiline } from '../../kernel/http/text.ts'

export const MIN_OPTIONS = 2
export const MAX_OPTIONS = 6
export const OPTION_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const

export const bankForm = z.object({
  org_id: field.uuid('Tổ chức'),
  title: field.text('Tên ngân hàng câu hỏi', 200),
  description: field.optionalLongText('Mô tả', 2000),
})
export type BankInput = z.infer<typeof bankForm>

/** A question as written by its author (in a form or a spreadsheet row): options in order, correct ones by index. */
export interface QuestionInput {
  kind: 'single' | 'multiple'
  body: string
  options: string[]
  correct: number[]
  explanation?: string
}

/** The problems of one question, in Vietnamese (empty: the question is good). Shared by the form and the import. */
export function questionProblems(q: QuestionInput): string[] {
  const problems: string[] = []
  if (!q.body) problems.push(messages.noBody)
  else if (q.body.length > 2000) problems.push(messages.bodyTooLong)
  if (q.options.length < MIN_OPTIONS) problems.push(messages.tooFewOptions)
  if (q.options.some((o) => o.length > 1000)) problems.push(messages.optionTooLong)
  const normalized = q.options.map((o) => o.toLocaleLowerCase('vi'))
  if (new Set(normalized).size < normalized.length) problems.push(messages.sameOptions)
  if (!q.correct.length) problems.push(messages.noCorrect)
  if (q.kind === 'single' && q.correct.length > 1) problems.push(messages.singleHasMany)
  if ((q.explanation?.length ?? 0) > 2000) problems.push(messages.explanationTooLong)
  return problems
}

/** The question form: options option_1..option_6 (empty ones dropped, order kept), correct_<n> checkboxes or one `correct` radio. */
export function readQuestionForm(body: Record<string, unknown>): { question: QuestionInput; errors: Record<string, string> } {
  const text = (v: unknown) => cleanMultiline(typeof v === 'string' ? v : '') as string
  const kind = body.kind === 'multiple' ? 'multiple' : 'single'
  const options: string[] = []
  const correct: number[] = []
  const chosen = new Set(([] as unknown[]).concat(body.correct ?? []).map(String))
  for (let n = 1; n <= MAX_OPTIONS; n++) {
    const option = text(body[`option_${n}`])
    if (!option) continue
    if (chosen.has(String(n))) correct.push(options.length)
    options.push(option)
  }
  const question: QuestionInput = { kind, body: text(body.body), options, correct, explanation: text(body.explanation) || undefined }
  const errors: Record<string, string> = {}
  const problems = questionProblems(question)
  if (problems.length) errors._form = problems.join(' ')
  if (!question.body) errors.body = messages.noBody
  return { question, errors }
}

const whole = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label}: nhập số từ ${min} đến ${max}.` })
    .int(`${label}: nhập số nguyên.`)
    .min(min, `${label}: từ ${min} đến ${max}.`)
    .max(max, `${label}: từ ${min} đến ${max}.`)

/** A moment typed in a datetime-local field, read as Vietnam time (UTC+7). */
const moment = (label: string) =>
  z
    .string({ error: `${label}: bắt buộc nhập.` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `${label}: ngày giờ không hợp lệ.`)
    .transform((v) => new Date(`${v}:00+07:00`))
    .refine((d) => !Number.isNaN(d.getTime()), `${label}: ngày giờ không hợp lệ.`)

export const examForm = z
  .object({
    bank_id: field.uuid('Ngân hàng câu hỏi'),
    org_id: field.uuid('Đối tượng dự thi'),
    title: field.text('Tên bài kiểm tra', 200),
    description: field.optionalLongText('Hướng dẫn', 2000),
    question_count: z.preprocess((v) => (v === '' || v === undefined ? undefined : v), whole('Số câu hỏi', 1, 500).optional()),
    opens_at: moment('Mở từ'),
    closes_at: moment('Đóng lúc'),
    time_limit_minutes: whole('Thời gian làm bài', 1, 600),
    pass_percent: whole('Điểm đạt', 1, 100),
    attempts_allowed: whole('Số lần làm bài', 1, 20),
    shuffle_questions: field.checkbox(),
    shuffle_options: field.checkbox(),
  })
  .refine((v) => v.closes_at > v.opens_at, { message: 'Đóng lúc: phải sau thời điểm mở.', path: ['closes_at'] })
export type ExamInput = z.infer<typeof examForm>

export const messages = {
  outOfSight:
    'Bài kiểm tra này không còn trong phạm vi của bạn: bạn đã chuyển sinh hoạt sang tổ chức ngoài đối tượng dự thi. Kết quả các lần bạn đã làm vẫn được lưu.',
  bankCreated: 'Đã tạo ngân hàng câu hỏi.',
  questionAdded: 'Đã thêm câu hỏi.',
  examCreated: 'Đã tạo bài kiểm tra. Đảng viên thuộc đối tượng dự thi thấy bài khi đến giờ mở.',
  submitted: 'Đã nộp bài.',
  saved: 'Đã lưu các câu trả lời.',
  answerSaved: 'Đã lưu',
  outOfScope: 'Chỉ tạo trong phạm vi tổ chức bạn quản lý.',
  tooManyQuestions: (n: number) => `Số câu hỏi: ngân hàng chỉ có ${n} câu.`,
  audienceOutsideBank: 'Đối tượng dự thi phải thuộc tổ chức sở hữu ngân hàng câu hỏi.',
  duplicateQuestion: 'Câu hỏi này (cùng nội dung và phương án) đã có trong ngân hàng.',
  noBody: 'Chưa có nội dung câu hỏi.',
  bodyTooLong: 'Nội dung câu hỏi tối đa 2000 ký tự.',
  tooFewOptions: `Cần ít nhất ${MIN_OPTIONS} phương án trả lời (tối đa ${MAX_OPTIONS}).`,
  tooManyOptions: `Tối đa ${MAX_OPTIONS} phương án (A đến F).`,
  optionTooLong: 'Mỗi phương án tối đa 1000 ký tự.',
  sameOptions: 'Có hai phương án giống nhau.',
  noCorrect: 'Chưa chọn đáp án đúng.',
  singleHasMany: 'Câu một lựa chọn chỉ có một đáp án đúng (chọn loại "nhiều lựa chọn" nếu có nhiều đáp án).',
  explanationTooLong: 'Giải thích tối đa 2000 ký tự.',
  badKind: 'Loại câu hỏi không hợp lệ (ghi "một" hoặc "nhiều").',
  badAnswer: (v: string) => `Đáp án "${v}" không hợp lệ: ghi chữ cái của phương án, ví dụ "B" hoặc "A, C".`,
  answerWithoutOption: (letter: string) => `Đáp án ${letter} trỏ tới phương án trống.`,
  optionGap: 'Các phương án phải liền nhau từ A (có ô phương án trống ở giữa).',
  sameInFile: (line: number) => `Trùng với câu hỏi ở dòng ${line} của tệp.`,
  alreadyInBank: 'Đã có trong ngân hàng câu hỏi (không nhập lại).',
  missingColumns: (names: string) => `Thiếu cột: ${names}. Dòng đầu của tệp phải là tên cột (xem tệp mẫu).`,
  emptyFile: 'Tệp không có dòng câu hỏi nào.',
  chooseFile: 'Chọn một tệp CSV hoặc Excel để nhập.',
  imported: (n: number) => `Đã nhập ${n} câu hỏi.`,
  notOpen: 'Bài kiểm tra chưa mở hoặc đã đóng.',
  noAttemptsLeft: 'Bạn đã dùng hết số lần làm bài.',
  emptyBank: 'Ngân hàng câu hỏi chưa có câu hỏi nào.',
  closed: 'Đã hết giờ làm bài. Bài được chấm với các câu trả lời đã lưu.',
  notSaved: 'Chưa lưu được (mất kết nối?). Câu trả lời sẽ được lưu khi bạn chọn lại hoặc nộp bài.',
}
