import { Hono } from 'hono'
import type { AppContext, AppEnv } from '../../kernel/http/context.ts'
import { sessionOf } from '../../kernel/http/context.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { uuidParam } from '../../kernel/http/params.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isHtmx, redirectTo } from '../../kernel/http/htmx.ts'
import { doneMessage } from '../../kernel/http/flash.ts'
import { isUuid, parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { readSpreadsheet, spreadsheetRefusal } from '../../kernel/files/spreadsheet.ts'
import { ExamForm, ExamPage, ExamsPage, ResultsPage, type ExamFormValues } from '../../../views/exams/ExamPages.tsx'
import { BankPage, BanksPage, type QuestionFormValues, type QuestionImportReport } from '../../../views/exams/BankPages.tsx'
import { AttemptPage, AttemptResult, Clock, SaveState } from '../../../views/exams/AttemptPage.tsx'
import { bankForm, examForm, messages, readQuestionForm } from './exams.forms.ts'
import { checkQuestionSheet, fingerprintOf, TEMPLATE_HEADER, TEMPLATE_ROWS } from './exams.sheet.ts'
import { tableDownload } from '../../kernel/files/table-download.ts'
import * as q from './exams.queries.ts'

/** Question banks, timed exams, attempts and results (khảo thí). */
export const exams = new Hono<AppEnv>()
exams.use(requireUser)

const REFUSALS: Record<q.StartRefusal, string> = {
  not_found: messages.notOpen,
  not_open: messages.notOpen,
  no_attempts_left: messages.noAttemptsLeft,
  empty: messages.emptyBank,
}

exams.get('/', async (c) => {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    await q.gradeDue(tx, null)
    return { exams: await q.exams(tx), roots: await q.managedRoots(tx) }
  })
  return c.html(<ExamsPage viewer={viewerOf(c)} exams={found.exams} managesBanks={found.roots.length > 0} />)
})

// banks ------------------------------------------------------------------------------------

async function banksPage(c: AppContext, values?: Record<string, string>, errors?: FieldErrors, status: 200 | 400 = 200) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({ banks: await q.banks(tx), orgs: await q.managedRoots(tx) }))
  if (!found.orgs.length) notFound()
  return c.html(<BanksPage viewer={viewerOf(c)} banks={found.banks} orgs={found.orgs} values={values} errors={errors} />, status)
}

exams.get('/banks', (c) => banksPage(c))

exams.post('/banks', async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(bankForm, body)
  if (!form.ok) return banksPage(c, body, form.errors, 400)
  const id = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.createBank(tx, form.value))
    .catch((error) => {
      if ((error as { code?: string }).code === '42501') return null
      throw error
    })
  if (!id) return banksPage(c, body, { _form: messages.outOfScope }, 400)
  return c.redirect(`/exams/banks/${id}?done=bankCreated`, 303)
})

async function bankPage(
  c: AppContext,
  id: string,
  extra: { values?: QuestionFormValues; errors?: FieldErrors; importErrors?: FieldErrors; report?: QuestionImportReport; notice?: string } = {},
  status: 200 | 400 = 200,
) {
  const bank = await c.get('data').withUser(sessionOf(c), (tx) => q.bank(tx, id))
  if (!bank) notFound()
  return c.html(<BankPage viewer={viewerOf(c)} bank={bank} notice={extra.notice ?? doneMessage(c, messages)} {...extra} />, status)
}

/** The import's template: the columns it reads, with two example questions (one of each kind). */
exams.get('/banks/template.xlsx', (c) =>
  tableDownload(
    c,
    { format: 'xlsx', name: 'mau-cau-hoi', sheet: 'Câu hỏi' },
    [...TEMPLATE_HEADER],
    TEMPLATE_ROWS.map((r) => [...r]),
  ),
)

exams.get('/banks/:id', (c) => bankPage(c, uuidParam(c, 'id')))

exams.post('/banks/:id/questions', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody({ all: true })
  const { question, errors } = readQuestionForm(body)
  const values: QuestionFormValues = {
    kind: String(body.kind ?? 'single'),
    body: String(body.body ?? ''),
    explanation: String(body.explanation ?? ''),
    options: Array.from({ length: 6 }, (_, i) => String(body[`option_${i + 1}`] ?? '')),
    correct: ([] as unknown[]).concat(body.correct ?? []).map(String),
  }
  if (Object.keys(errors).length) return bankPage(c, id, { values, errors }, 400)
  const fingerprint = await fingerprintOf(question)
  const added = await c.get('data').withUser(sessionOf(c), async (tx) => {
    if (!(await q.bank(tx, id))) notFound()
    return q.addQuestions(tx, id, [{ question, fingerprint }])
  })
  if (!added.size) return bankPage(c, id, { values, errors: { _form: messages.duplicateQuestion } }, 400)
  return c.redirect(`/exams/banks/${id}?done=questionAdded`, 303)
})

/** Good rows are added at once, bad rows listed with their line and what is wrong; a row already in the bank is skipped and said so. */
exams.post('/banks/:id/import', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody()
  const file = body.file
  if (!(file instanceof File) || file.size === 0) return bankPage(c, id, { importErrors: { file: messages.chooseFile } }, 400)
  let sheet: Awaited<ReturnType<typeof checkQuestionSheet>>
  try {
    // the kernel's bounded readers: a hostile workbook is refused, never inflated without limit
    const { table } = readSpreadsheet(new Uint8Array(await file.arrayBuffer()), file.name)
    sheet = await checkQuestionSheet(table)
  } catch (error) {
    const refusal = spreadsheetRefusal(error)
    if (refusal) return bankPage(c, id, { importErrors: { file: refusal } }, 400)
    throw error
  }
  const report: QuestionImportReport = {
    fileName: file.name.normalize('NFC').slice(0, 255),
    total: sheet.rows.length,
    imported: 0,
    skipped: [],
    fileErrors: sheet.fileErrors,
    ignoredColumns: sheet.ignoredColumns,
    rowErrors: sheet.rows.filter((r) => r.errors.length).map((r) => ({ line: r.line, body: r.question.body, errors: r.errors })),
  }
  if (sheet.fileErrors.length) return bankPage(c, id, { report }, 400)
  const good = sheet.rows.filter((r) => !r.errors.length)
  await c.get('data').withUser(sessionOf(c), async (tx) => {
    if (!(await q.bank(tx, id))) notFound()
    const items = good.map((r) => ({ question: r.question, fingerprint: sheet.fingerprints.get(r)! }))
    const existing = await q.existingFingerprints(
      tx,
      id,
      items.map((i) => i.fingerprint),
    )
    report.skipped = good
      .filter((r) => existing.has(sheet.fingerprints.get(r)!))
      .map((r) => ({ line: r.line, body: r.question.body, errors: [messages.alreadyInBank] }))
    const added = await q.addQuestions(
      tx,
      id,
      items.filter((i) => !existing.has(i.fingerprint)),
    )
    report.imported = added.size
  })
  return bankPage(c, id, { report, notice: messages.imported(report.imported) })
})

// exams ------------------------------------------------------------------------------------

async function examFormPage(c: AppContext, values: ExamFormValues, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const bankId = values.bank_id
  if (!isUuid(bankId)) notFound()
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({ bank: await q.bank(tx, bankId), audiences: await q.audienceChoices(tx, bankId) }))
  if (!found.bank || !found.audiences.length) notFound()
  return c.html(<ExamForm viewer={viewerOf(c)} bank={found.bank} audiences={found.audiences} values={values} errors={errors} />, status)
}

/** A datetime-local value in Vietnam time, `days` from now. */
const localInput = (days: number) => new Date(Date.now() + days * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 16)

exams.get('/new', (c) =>
  examFormPage(c, {
    bank_id: c.req.query('bank'),
    opens_at: localInput(0),
    closes_at: localInput(7),
    time_limit_minutes: '20',
    pass_percent: '70',
    attempts_allowed: '1',
    shuffle_questions: true,
    shuffle_options: true,
  }),
)

exams.post('/', async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const values: ExamFormValues = { ...body, shuffle_questions: body.shuffle_questions === 'on', shuffle_options: body.shuffle_options === 'on' }
  const form = parseForm(examForm, body)
  if (!form.ok) return examFormPage(c, values, form.errors, 400)
  const input = form.value
  const id = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const bank = await q.bank(tx, input.bank_id)
      if (!bank) return null
      if (input.question_count && input.question_count > bank.question_count) return { tooMany: bank.question_count }
      return q.createExam(tx, input)
    })
    .catch((error) => {
      if ((error as { code?: string }).code === '42501') return null
      throw error
    })
  if (!id) return examFormPage(c, values, { _form: messages.audienceOutsideBank }, 400)
  if (typeof id !== 'string') return examFormPage(c, values, { question_count: messages.tooManyQuestions(id.tooMany) }, 400)
  return c.redirect(`/exams/${id}?done=examCreated`, 303)
})

async function examPage(c: AppContext, id: string, extra: { error?: string } = {}, status: 200 | 400 | 409 = 200) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    await q.gradeDue(tx, id)
    const exam = await q.exam(tx, id)
    return { exam, attempts: await q.myAttempts(tx, id) }
  })
  if (!found.exam) notFound(found.attempts.length ? messages.outOfSight : undefined)
  return c.html(<ExamPage viewer={viewerOf(c)} exam={found.exam} attempts={found.attempts} notice={doneMessage(c, messages)} error={extra.error} />, status)
}

exams.get('/:id', (c) => examPage(c, uuidParam(c, 'id')))

/** Starts an attempt, or resumes the open one (a lost connection, another phone): the same questions, order and answers. */
exams.post('/:id/start', async (c) => {
  const id = uuidParam(c, 'id')
  const outcome = await c.get('data').withUser(sessionOf(c), (tx) => q.start(tx, id))
  if ('refused' in outcome) {
    if (outcome.refused === 'not_found') notFound()
    return examPage(c, id, { error: REFUSALS[outcome.refused] }, 409)
  }
  return c.redirect(`/exams/attempts/${outcome.id}`, 303)
})

exams.get('/:id/results', async (c) => {
  const id = uuidParam(c, 'id')
  const asked = c.req.query('at') ?? ''
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    await q.gradeDue(tx, id)
    const exam = await q.exam(tx, id)
    if (!exam?.sees_results) return undefined
    const roots = await q.resultRoots(tx, id)
    if (!roots.length) return undefined
    // a drill-down (?at=<organization id>, never its internal path) stays inside the roots the caller may see
    const [picked] = isUuid(asked) ? await tx.query<{ path: string }>(`select path::text as path from public.organizations where id = $1`, [asked]) : []
    const inside = picked && roots.some((r) => picked.path === r.path || picked.path.startsWith(`${r.path}.`))
    const at = inside ? picked.path : roots[0].path
    const [org] = await tx.query<{ id: string; name: string }>(`select id, name from public.organizations where path = $1::extensions.ltree`, [at])
    if (!org) return undefined
    return {
      exam,
      roots,
      at: { id: org.id, name: org.name },
      totals: await q.resultTotals(tx, id, at),
      orgs: await q.resultsByOrg(tx, id, at),
      members: await q.resultsByMember(tx, id, at),
    }
  })
  if (!found) notFound()
  return c.html(<ResultsPage viewer={viewerOf(c)} {...found} />)
})

// attempts ---------------------------------------------------------------------------------

/** An attempt: the questions while it is open, else (handed in, or time ran out: graded now) the result. */
async function attemptPage(c: AppContext, id: string, extra: { notice?: string; error?: string; blank?: number[] } = {}, status: 200 | 409 = 200) {
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => {
    let attempt = await q.attempt(tx, id)
    if (!attempt) return undefined
    if (!attempt.submitted_at && attempt.seconds_left <= 0) {
      await q.gradeDue(tx, attempt.exam_id)
      attempt = (await q.attempt(tx, id))!
    }
    const exam = (await q.exam(tx, attempt.exam_id))!
    // another member's attempt is the bank's managers' to read; managers of the audience see scores in the results
    if (!attempt.mine && !exam.manages) return undefined
    const questions = await q.attemptQuestions(tx, id)
    const review = attempt.submitted_at ? await q.review(tx, id) : new Map()
    return { attempt, exam, questions, review }
  })
  if (!found) notFound()
  const { attempt, exam, questions, review } = found
  if (!attempt.submitted_at && attempt.mine)
    return c.html(
      <AttemptPage
        viewer={viewerOf(c)}
        examTitle={exam.title}
        attempt={attempt}
        questions={questions}
        notice={extra.notice ?? doneMessage(c, messages)}
        error={extra.error}
        blank={extra.blank}
      />,
      status,
    )
  return c.html(
    <AttemptResult
      viewer={viewerOf(c)}
      examTitle={exam.title}
      passPercent={exam.pass_percent}
      attempt={attempt}
      questions={attempt.submitted_at ? questions : []}
      review={review}
      closesAt={exam.closes_at}
      notice={extra.notice ?? (attempt.timed_out && attempt.mine ? messages.closed : doneMessage(c, messages))}
    />,
    status,
  )
}

exams.get('/attempts/:id', (c) => attemptPage(c, uuidParam(c, 'id')))

/** The clock fragment; once time is up the member is sent to the (now graded) result. */
exams.get('/attempts/:id/clock', async (c) => {
  const id = uuidParam(c, 'id')
  const attempt = await c.get('data').withUser(sessionOf(c), (tx) => q.attempt(tx, id))
  if (!attempt?.mine) notFound()
  if (attempt.submitted_at || attempt.seconds_left <= 0) return redirectTo(c, `/exams/attempts/${id}`)
  return c.html(<Clock attempt={attempt} />)
})

/** The options chosen for one question, as posted by a form field named q_<question id>. */
function chosenOf(body: Record<string, string | File | (string | File)[]>, questionId: string): string[] {
  return ([] as unknown[])
    .concat(body[`q_${questionId}`] ?? [])
    .map(String)
    .filter(isUuid)
}

/** One choice, saved as it is made (htmx): answers with the question's save state, or sends the member to the result when time is up. */
exams.post('/attempts/:id/answer', async (c) => {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody({ all: true })
  const questionId = String(body.question ?? '')
  if (!isUuid(questionId)) notFound()
  const outcome = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const saved = await q.saveAnswer(tx, id, questionId, chosenOf(body, questionId))
    // time ran out: graded now with what was saved, so the page the member is sent to shows the result
    if (saved === 'closed') await q.submit(tx, id)
    return saved
  })
  if (outcome === 'unknown') notFound()
  if (outcome === 'closed') {
    if (isHtmx(c)) return redirectTo(c, `/exams/attempts/${id}`)
    return attemptPage(c, id, { error: messages.closed }, 409)
  }
  if (!isHtmx(c)) return c.redirect(`/exams/attempts/${id}`, 303)
  return c.html(<SaveState questionId={questionId} saved />)
})

/** Saves every question of the page (the form posted whole, without JavaScript); `finish` hands the attempt in. */
async function saveAll(c: AppContext, finish: boolean) {
  const id = uuidParam(c, 'id')
  const body = await c.req.parseBody({ all: true })
  const outcome = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const attempt = await q.attempt(tx, id)
    if (!attempt?.mine) return 'unknown' as const
    if (attempt.submitted_at) return 'closed' as const
    let closed = false
    const blank: number[] = []
    for (const question of await q.attemptQuestions(tx, id)) {
      // a field absent from the post is a question left unanswered: nothing to save
      if (!(`q_${question.question_id}` in body)) {
        if (!question.chosen.length) blank.push(question.position)
        continue
      }
      const chosen = chosenOf(body, question.question_id)
      if (!chosen.length) blank.push(question.position)
      if ((await q.saveAnswer(tx, id, question.question_id, chosen)) === 'closed') closed = true
    }
    // handing in spends an attempt: with questions left blank the member is asked once (unless time is up)
    if (finish && !closed && blank.length && body.confirm_blank !== '1') return { blank }
    if (finish || closed) await q.submit(tx, id)
    return closed ? ('closed' as const) : ('saved' as const)
  })
  if (outcome === 'unknown') notFound()
  if (outcome === 'closed') return attemptPage(c, id, { error: messages.closed }, 409)
  if (typeof outcome === 'object') return attemptPage(c, id, { blank: outcome.blank })
  return c.redirect(`/exams/attempts/${id}?done=${finish ? 'submitted' : 'saved'}`, 303)
}

exams.post('/attempts/:id/save', (c) => saveAll(c, false))
exams.post('/attempts/:id/submit', (c) => saveAll(c, true))
