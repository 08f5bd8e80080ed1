import { foldAccents } from '../../kernel/http/text.ts'
import { MAX_OPTIONS, messages, OPTION_LETTERS, questionProblems, type QuestionInput } from './exams.forms.ts'

/** Rows per import: a bank of a few thousand questions, far below what the bounded readers allow. */
export const MAX_QUESTION_ROWS = 5000

type Column = 'body' | 'kind' | 'answer' | 'explanation' | `option_${number}`

const headerKey = (value: string) => foldAccents(value.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ').trim()

/** Header names accepted for each column, compared without accents or case (what a committee's clerk types). */
const HEADERS: Record<string, Column> = {
  'cau hoi': 'body',
  'noi dung': 'body',
  'noi dung cau hoi': 'body',
  loai: 'kind',
  'loai cau hoi': 'kind',
  'dap an': 'answer',
  'dap an dung': 'answer',
  'giai thich': 'explanation',
}
for (const [i, letter] of OPTION_LETTERS.entries()) {
  for (const name of [letter, `phuong an ${letter}`, `dap an ${letter}`, `lua chon ${letter}`]) HEADERS[headerKey(name)] = `option_${i + 1}`
}

/** The template offered for download: every column the import reads, and one question of each kind. */
export const TEMPLATE_HEADER = ['Câu hỏi', 'A', 'B', 'C', 'D', 'E', 'F', 'Đáp án', 'Loại', 'Giải thích'] as const
export const TEMPLATE_ROWS = [
  ['Chi bộ sinh hoạt thường kỳ bao lâu một lần?', 'Mỗi tháng một lần', 'Mỗi quý một lần', 'Mỗi năm một lần', '', '', '', 'A', 'một', 'Hướng dẫn 42-HD/BTCTW.'],
  [
    'Những việc nào là nhiệm vụ của đảng viên?',
    'Chấp hành Cương lĩnh, Điều lệ Đảng',
    'Đóng đảng phí đúng quy định',
    'Tùy ý bỏ sinh hoạt',
    '',
    '',
    '',
    'A, B',
    'nhiều',
    '',
  ],
] as const

export interface QuestionRow {
  /** the line of the file (the header is line 1) */
  line: number
  question: QuestionInput
  errors: string[]
}

export interface QuestionSheet {
  fileErrors: string[]
  ignoredColumns: string[]
  rows: QuestionRow[]
}

function kindOf(value: string): 'single' | 'multiple' | 'invalid' | undefined {
  const v = headerKey(value)
  if (!v) return undefined
  if (['mot', 'mot lua chon', 'mot dap an', 'don', 'single', '1'].includes(v)) return 'single'
  if (['nhieu', 'nhieu lua chon', 'nhieu dap an', 'multiple', 'n'].includes(v)) return 'multiple'
  return 'invalid'
}

/** The fingerprint that says "the same question": its text and options, whitespace and case aside. */
export async function fingerprintOf(q: Pick<QuestionInput, 'body' | 'options'>): Promise<string> {
  const text = [q.body, ...q.options].map((s) => s.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim()).join('\u0001')
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Reads a table of questions: maps the header, checks each row with the form's rules, marks repeats inside the file. */
export async function checkQuestionSheet(table: string[][]): Promise<QuestionSheet & { fingerprints: Map<QuestionRow, string> }> {
  const [header = [], ...body] = table
  const columns = header.map((h) => HEADERS[headerKey(h ?? '')])
  const ignoredColumns = header.filter((h, i) => h?.trim() && !columns[i])
  const fileErrors: string[] = []
  const missing = [
    !columns.includes('body') && '"Câu hỏi"',
    !columns.includes('option_1') && '"A"',
    !columns.includes('option_2') && '"B"',
    !columns.includes('answer') && '"Đáp án"',
  ].filter(Boolean)
  if (missing.length) fileErrors.push(messages.missingColumns(missing.join(', ')))
  const filled = body.map((cells, index) => ({ cells, line: index + 2 })).filter((r) => r.cells.some((c) => (c ?? '').trim()))
  if (!missing.length && filled.length === 0) fileErrors.push(messages.emptyFile)
  if (filled.length > MAX_QUESTION_ROWS) fileErrors.push(`Tệp có ${filled.length} câu hỏi; mỗi lần nhập tối đa ${MAX_QUESTION_ROWS}.`)
  const fingerprints = new Map<QuestionRow, string>()
  if (fileErrors.length) return { fileErrors, ignoredColumns, rows: [], fingerprints }

  const seen = new Map<string, number>()
  const rows: QuestionRow[] = []
  for (const { cells, line } of filled) {
    const raw: Partial<Record<Column, string>> = {}
    columns.forEach((column, i) => {
      if (column && raw[column] === undefined) raw[column] = (cells[i] ?? '').normalize('NFC').replace(/\r\n?/g, '\n').trim()
    })
    const errors: string[] = []
    const slots = Array.from({ length: MAX_OPTIONS }, (_, i) => raw[`option_${i + 1}`] ?? '')
    const lastFilled = slots.reduce((last, s, i) => (s !== '' ? i : last), -1)
    if (slots.slice(0, lastFilled + 1).some((s) => s === '')) errors.push(messages.optionGap)
    const options = slots.filter((s) => s !== '')
    const answer = (raw.answer ?? '').toUpperCase()
    const letters = answer.split(/[\s,;/+&]+/).filter(Boolean)
    const correct: number[] = []
    if (answer && !letters.every((l) => /^[A-F]$/.test(l))) errors.push(messages.badAnswer(raw.answer ?? ''))
    else
      for (const letter of new Set(letters)) {
        const index = OPTION_LETTERS.indexOf(letter as (typeof OPTION_LETTERS)[number])
        if (slots[index] === '') errors.push(messages.answerWithoutOption(letter))
        else correct.push(slots.slice(0, index).filter((s) => s !== '').length)
      }
    const kind = kindOf(raw.kind ?? '')
    if (kind === 'invalid') errors.push(messages.badKind)
    const question: QuestionInput = {
      kind: kind === 'single' || kind === 'multiple' ? kind : correct.length > 1 ? 'multiple' : 'single',
      body: raw.body ?? '',
      options,
      correct: correct.sort((a, b) => a - b),
      explanation: raw.explanation || undefined,
    }
    for (const problem of questionProblems(question)) {
      // a bad answer letter already said why no correct option was found
      if (problem === messages.noCorrect && answer) continue
      errors.push(problem)
    }
    const row: QuestionRow = { line, question, errors }
    if (!errors.length) {
      const fingerprint = await fingerprintOf(question)
      const first = seen.get(fingerprint)
      if (first) errors.push(messages.sameInFile(first))
      else {
        seen.set(fingerprint, line)
        fingerprints.set(row, fingerprint)
      }
    }
    rows.push(row)
  }
  return { fileErrors, ignoredColumns, rows, fingerprints }
}
