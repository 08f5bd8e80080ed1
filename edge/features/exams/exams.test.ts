import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, orgIdByPath, setClock, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'
import { writeXlsx } from '../../kernel/files/xlsx.ts'

/* Banks, exams and attempts through the pages, as managers and members use them. */

let t: TestApp
let ward: Agent
let member: Agent
let bankId: string
let wardId: string

const EXPLANATION = 'Giải-thích-bí-mật-7f3a'
const system = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  t.runtime.data.asSystem('test: exams fixture', (tx) => tx.query<T>(sql, params))

/** A datetime-local value in Vietnam time, `minutes` from now. */
const local = (minutes: number) => new Date(Date.now() + minutes * 60_000 + 7 * 3600_000).toISOString().slice(0, 16)

/** Everything a response must not carry before grading: a correct flag, a tick, the explanation, or a difference between the inputs of right and wrong options. */
async function assertNoAnswers(html: string) {
  expect(html).not.toContain(EXPLANATION)
  expect(html).not.toContain('✓')
  expect(html).not.toMatch(/correct/i)
  expect(html).not.toContain('đáp án đúng')
  const keys = await system<{ id: string }>(`select unnest(correct_ids)::text as id from public.question_keys`)
  const inputs = [...html.matchAll(/<input[^>]*name="q_[^"]*"[^>]*>/g)].map((m) => m[0])
  const shape = (input: string) => input.replace(/value="[^"]*"/, '').replace(/ checked=""/, '')
  for (const input of inputs) expect(shape(input)).toBe(shape(inputs.find((i) => i.includes(/name="(q_[^"]+)"/.exec(input)![1]))!))
  // the correct options' ids appear only as plain values among the others
  for (const { id } of keys) for (const m of html.matchAll(new RegExp(id, 'g'))) expect(html.slice(m.index! - 7, m.index!)).toBe('value="')
}

async function createExam(fields: Record<string, string>): Promise<string> {
  const res = await ward.post('/exams', {
    bank_id: bankId,
    org_id: wardId,
    title: 'Kiểm tra',
    opens_at: local(-60),
    closes_at: local(24 * 60),
    time_limit_minutes: '15',
    pass_percent: '50',
    attempts_allowed: '1',
    shuffle_questions: 'on',
    shuffle_options: 'on',
    ...fields,
  })
  expect(res.status).toBe(303)
  return res.headers.get('Location')!.split('?')[0].split('/').pop()!
}

async function start(agent: Agent, examId: string): Promise<{ attemptId: string; html: string }> {
  const res = await agent.post(`/exams/${examId}/start`, {})
  expect(res.status).toBe(303)
  const location = res.headers.get('Location')!
  const html = await (await agent.get(location)).text()
  return { attemptId: location.split('/').pop()!, html }
}

const questionOrder = (html: string) => [...html.matchAll(/<fieldset id="q-([0-9a-f-]{36})"/g)].map((m) => m[1])
const optionOrder = (html: string) => [...html.matchAll(/name="q_[0-9a-f-]{36}" value="([0-9a-f-]{36})"/g)].map((m) => m[1])
const checked = (html: string) => [...html.matchAll(/value="([0-9a-f-]{36})" checked=""/g)].map((m) => m[1])

beforeAll(async () => {
  t = await testApp({ members: 200 })
  ward = await t.signIn(LOGINS.grassroots)
  member = await t.signIn(LOGINS.member)
  wardId = await orgIdByPath(t, 'ns.tp1.g1')
})
afterAll(() => t?.close())

describe('banks', () => {
  it('a member cannot see the banks nor create a bank or an exam', async () => {
    expect((await member.get('/exams/banks')).status).toBe(404)
    const bank = await member.post('/exams/banks', { org_id: await orgIdByPath(t, 'ns.tp1.g1.c1'), title: 'Ngân hàng riêng' })
    expect([400, 404]).toContain(bank.status)
    expect((await system(`select 1 from public.question_banks where title = 'Ngân hàng riêng'`)).length).toBe(0)
    const list = await (await member.get('/exams')).text()
    expect(list).not.toContain('Ngân hàng câu hỏi')
  })

  it('the ward secretary creates a bank and adds questions in the form; the form explains what is wrong', async () => {
    const res = await ward.post('/exams/banks', { org_id: wardId, title: 'Điều lệ Đảng' })
    expect(res.status).toBe(303)
    bankId = res.headers.get('Location')!.split('?')[0].split('/').pop()!
    const bad = await ward.post(`/exams/banks/${bankId}/questions`, { kind: 'single', body: 'Thiếu phương án', option_1: 'Chỉ một' })
    expect(bad.status).toBe(400)
    const badHtml = await bad.text()
    expect(badHtml).toContain('Cần ít nhất 2 phương án')
    expect(badHtml).toContain('Thiếu phương án')
    const form = new FormData()
    for (const [k, v] of Object.entries({
      kind: 'multiple',
      body: 'Đảng viên có những nhiệm vụ nào?',
      option_1: 'Tuyệt đối trung thành',
      option_2: 'Không cần sinh hoạt',
      option_3: 'Gương mẫu',
      explanation: EXPLANATION,
    }))
      form.set(k, v)
    form.append('correct', '1')
    form.append('correct', '3')
    const added = await ward.post(`/exams/banks/${bankId}/questions`, form)
    expect(added.status).toBe(303)
    const again = await ward.post(`/exams/banks/${bankId}/questions`, form)
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('đã có trong ngân hàng')
  })

  it('imports questions from XLSX: good rows imported, broken rows listed by line, nothing imported twice', async () => {
    const header = ['Câu hỏi', 'A', 'B', 'C', 'D', 'Đáp án', 'Loại', 'Giải thích']
    const rows = [
      ['Chi bộ sinh hoạt thường kỳ mấy lần?', 'Mỗi tháng một lần', 'Mỗi quý một lần', '', '', 'A', '', EXPLANATION],
      ['Đảng phí đóng khi nào?', 'Hằng tháng', 'Hằng năm', '', '', 'A', 'một', ''],
      ['', 'X', 'Y', '', '', 'A', '', ''],
      ['Chỉ có một phương án', 'Duy nhất', '', '', '', 'A', '', ''],
      ['Đáp án sai chữ', 'Một', 'Hai', '', '', 'G', '', ''],
      ['Đáp án trỏ vào ô trống', 'Một', 'Hai', '', '', 'C', '', ''],
      ['Một lựa chọn mà hai đáp án', 'Một', 'Hai', 'Ba', '', 'A, B', 'một', ''],
      ['Chi bộ sinh hoạt thường kỳ mấy lần?', 'Mỗi tháng một lần', 'Mỗi quý một lần', '', '', 'A', '', ''],
      ['Nhiệm vụ của chi bộ?', 'Lãnh đạo', 'Giáo dục', 'Bỏ mặc', '', 'A, B', '', ''],
    ]
    const upload = () => {
      const form = new FormData()
      form.set('file', new File([writeXlsx('Câu hỏi', header, rows) as Uint8Array<ArrayBuffer>], 'cau-hoi.xlsx'))
      return ward.post(`/exams/banks/${bankId}/import`, form)
    }
    const res = await upload()
    expect(res.status).toBe(200)
    const html = await res.text()
    const report = html.slice(html.indexOf('id="import-report"'), html.indexOf('</section>', html.indexOf('id="import-report"')))
    expect(report).toContain('đã nhập 3')
    const line = (n: number) => new RegExp(`<td data-label="Dòng">${n}</td>[\\s\\S]*?<td data-label="Lỗi">([^<]*)</td>`).exec(report)?.[1]
    expect(line(4)).toContain('Chưa có nội dung câu hỏi')
    expect(line(5)).toContain('Cần ít nhất 2 phương án')
    expect(line(6)).toContain('Đáp án &quot;G&quot; không hợp lệ')
    expect(line(7)).toContain('Đáp án C trỏ tới phương án trống')
    expect(line(8)).toContain('Câu một lựa chọn chỉ có một đáp án đúng')
    expect(line(9)).toContain('Trùng với câu hỏi ở dòng 2')
    expect(line(2)).toBeUndefined()
    const [{ n }] = await system<{ n: number }>(`select count(*)::int as n from public.questions where bank_id = $1`, [bankId])
    expect(n).toBe(4)
    // the same file again: nothing added, the good rows said to be there already
    const second = await (await upload()).text()
    expect(second).toContain('đã nhập 0')
    expect(second).toContain('Đã có trong ngân hàng câu hỏi (không nhập lại).')
    const [{ n: after }] = await system<{ n: number }>(`select count(*)::int as n from public.questions where bank_id = $1`, [bankId])
    expect(after).toBe(4)
    const [{ kind }] = await system<{ kind: string }>(`select kind from public.questions where body = 'Nhiệm vụ của chi bộ?'`)
    expect(kind).toBe('multiple')
  })

  it('the template downloads and imports as it is', async () => {
    const template = await ward.get('/exams/banks/template.xlsx')
    expect(template.status).toBe(200)
    const created = await ward.post('/exams/banks', { org_id: wardId, title: 'Ngân hàng từ tệp mẫu' })
    const otherBank = created.headers.get('Location')!.split('?')[0].split('/').pop()!
    const form = new FormData()
    form.set('file', new File([new Uint8Array(await template.arrayBuffer())], 'mau-cau-hoi.xlsx'))
    const html = await (await ward.post(`/exams/banks/${otherBank}/import`, form)).text()
    expect(html).toContain('đã nhập 2')
    expect(html).toContain('<strong>0 có lỗi</strong>')
  })

  it('a hostile or broken file is refused with a message', async () => {
    const form = new FormData()
    form.set('file', new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5])], 'hong.xlsx'))
    const res = await ward.post(`/exams/banks/${bankId}/import`, form)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('không phải là bảng tính Excel')
  })

  it('a cell secretary and an outsider do not see the bank', async () => {
    const cell = await t.signIn(LOGINS.cellSecretary)
    expect((await cell.get(`/exams/banks/${bankId}`)).status).toBe(404)
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    expect((await outsider.get(`/exams/banks/${bankId}`)).status).toBe(404)
    expect((await member.get(`/exams/banks/${bankId}`)).status).toBe(404)
  })
})

describe('taking an exam', () => {
  let examId: string
  let attemptId: string
  let firstHtml: string

  it('a member cannot set an exam', async () => {
    const res = await member.post('/exams', {
      bank_id: bankId,
      org_id: wardId,
      title: 'Tự ra đề',
      opens_at: local(-1),
      closes_at: local(60),
      time_limit_minutes: '5',
      pass_percent: '50',
      attempts_allowed: '1',
    })
    expect([400, 404]).toContain(res.status)
    expect((await system(`select 1 from public.exams where title = 'Tự ra đề'`)).length).toBe(0)
  })

  it('an exam cannot ask for more questions than its bank holds', async () => {
    const res = await ward.post('/exams', {
      bank_id: bankId,
      org_id: wardId,
      title: 'Quá nhiều câu',
      opens_at: local(-1),
      closes_at: local(60),
      time_limit_minutes: '5',
      pass_percent: '50',
      attempts_allowed: '1',
      question_count: '50',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Số câu hỏi: ngân hàng chỉ có 4 câu.')
  })

  it('the audience sees the exam; the page, the attempt and every fragment carry no answer', async () => {
    examId = await createExam({ title: 'Kiểm tra Điều lệ', attempts_allowed: '1' })
    const list = await (await member.get('/exams')).text()
    expect(list).toContain('Kiểm tra Điều lệ')
    await assertNoAnswers(list)
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    expect(await (await outsider.get('/exams')).text()).not.toContain('Kiểm tra Điều lệ')
    expect((await outsider.get(`/exams/${examId}`)).status).toBe(404)
    expect((await outsider.post(`/exams/${examId}/start`, {})).status).toBe(404)

    const examPage = await (await member.get(`/exams/${examId}`)).text()
    expect(examPage).toContain('Bắt đầu làm bài')
    await assertNoAnswers(examPage)
    ;({ attemptId, html: firstHtml } = await start(member, examId))
    expect(questionOrder(firstHtml)).toHaveLength(4)
    await assertNoAnswers(firstHtml)
    const clock = await member.get(`/exams/attempts/${attemptId}/clock`, { htmx: true })
    expect(clock.status).toBe(200)
    await assertNoAnswers(await clock.text())
  })

  it('each choice is saved as it is made; a lost connection resumes the same attempt, order and answers', async () => {
    const questions = questionOrder(firstHtml)
    const options = optionOrder(firstHtml)
    const firstQuestionOptions = [...firstHtml.matchAll(new RegExp(`name="q_${questions[0]}" value="([0-9a-f-]{36})"`, 'g'))].map((m) => m[1])
    const res = await member.post(
      `/exams/attempts/${attemptId}/answer`,
      { question: questions[0], [`q_${questions[0]}`]: firstQuestionOptions[1] },
      { htmx: true },
    )
    expect(res.status).toBe(200)
    const fragment = await res.text()
    expect(fragment).toContain('Đã lưu')
    await assertNoAnswers(fragment)

    // another session of the same member (the phone lost its connection, the browser was closed)
    const again = await t.signIn(LOGINS.member)
    const examPage = await (await again.get(`/exams/${examId}`)).text()
    expect(examPage).toContain('Tiếp tục làm bài')
    const resumed = await start(again, examId)
    expect(resumed.attemptId).toBe(attemptId)
    expect(questionOrder(resumed.html)).toEqual(questions)
    expect(optionOrder(resumed.html)).toEqual(options)
    expect(checked(resumed.html)).toEqual([firstQuestionOptions[1]])
    expect(resumed.html).toMatch(/Còn lại <strong>1[45] phút/)
    await assertNoAnswers(resumed.html)
  })

  it("without JavaScript the whole page is saved; a forged answer (another question's option, two for a single choice) is refused", async () => {
    const questions = questionOrder(firstHtml)
    const optionsOf = (q: string) => [...firstHtml.matchAll(new RegExp(`name="q_${q}" value="([0-9a-f-]{36})"`, 'g'))].map((m) => m[1])
    const single = await system<{ question_id: string }>(`select question_id from public.attempt_questions where attempt_id = $1 and not multiple`, [attemptId])
    const one = single[0].question_id
    const forged = await member.post(
      `/exams/attempts/${attemptId}/answer`,
      { question: one, [`q_${one}`]: optionsOf(questions.find((q) => q !== one)!)[0] },
      { htmx: true },
    )
    expect(forged.status).toBe(404)
    const form = new FormData()
    form.set('question', one)
    for (const option of optionsOf(one).slice(0, 2)) form.append(`q_${one}`, option)
    expect((await member.post(`/exams/attempts/${attemptId}/answer`, form, { htmx: true })).status).toBe(404)
    // the plain form: every question posted at once, then the page again with what was saved
    const whole: Record<string, string> = {}
    for (const q of questions) whole[`q_${q}`] = optionsOf(q)[0]
    const saved = await member.submit(`/exams/attempts/${attemptId}/save`, whole)
    const html = await saved.text()
    expect(html).toContain('Đã lưu các câu trả lời.')
    expect(checked(html).sort()).toEqual(questions.map((q) => optionsOf(q)[0]).sort())
    await assertNoAnswers(html)
  })

  it('handing in grades on the server; a second attempt is refused when one is allowed', async () => {
    const res = await member.post(`/exams/attempts/${attemptId}/submit`, {})
    expect(res.status).toBe(303)
    const result = await (await member.get(res.headers.get('Location')!)).text()
    expect(result).toContain('Kết quả bài làm')
    expect(result).toMatch(/đúng <strong>\d<\/strong>\/4 câu/)
    // the exam is still open for others: the score only, neither right and wrong per question nor the answers
    expect(result).not.toContain('✓ đáp án đúng')
    expect(result).not.toMatch(/class="badge">(Đúng|Sai)</)
    expect(result).toContain('Từng câu đúng hay sai và đáp án được hiển thị khi bài kiểm tra đóng')
    // once the exam has closed, the member's own answers are reviewed
    const [{ closes_at }] = await system<{ closes_at: string }>(`select closes_at::text from public.exams where id = $1`, [examId])
    await setClock(t, new Date(Date.parse(closes_at) + 60_000))
    try {
      const reviewed = await (await member.get(res.headers.get('Location')!)).text()
      expect(reviewed).toContain('✓ đáp án đúng')
      expect(reviewed).toMatch(/class="badge">(Đúng|Sai)</)
    } finally {
      await setClock(t, null)
    }
    const refused = await member.post(`/exams/${examId}/start`, {})
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('Bạn đã dùng hết số lần làm bài.')
    const [{ n }] = await system<{ n: number }>(`select count(*)::int as n from public.exam_attempts where exam_id = $1`, [examId])
    expect(n).toBe(1)
  })

  it('handing in with questions left blank asks once, naming them; the attempt is spent only when the member confirms', async () => {
    const exam = await createExam({ title: 'Kiểm tra có câu bỏ trống', attempts_allowed: '2' })
    const { attemptId: id, html } = await start(member, exam)
    const questions = questionOrder(html)
    const first = [...html.matchAll(new RegExp(`name="q_${questions[0]}" value="([0-9a-f-]{36})"`, 'g'))][0][1]
    const asked = await member.post(`/exams/attempts/${id}/submit`, { [`q_${questions[0]}`]: first })
    expect(asked.status).toBe(200)
    const page = await asked.text()
    expect(page).toContain(`Bạn còn ${questions.length - 1} câu chưa trả lời`)
    expect(page).toContain('name="confirm_blank" value="1"')
    const [open] = await system<{ submitted_at: string | null }>(`select submitted_at from public.exam_attempts where id = $1`, [id])
    expect(open.submitted_at).toBeNull()
    // what was chosen before asking is kept
    expect(page).toMatch(new RegExp(`value="${first}" checked`))
    const handed = await member.post(`/exams/attempts/${id}/submit`, { [`q_${questions[0]}`]: first, confirm_blank: '1' })
    expect(handed.status).toBe(303)
    const [done] = await system<{ submitted_at: string | null }>(`select submitted_at from public.exam_attempts where id = $1`, [id])
    expect(done.submitted_at).not.toBeNull()
  })

  it('an answer after the deadline is refused and the attempt graded with what was saved', async () => {
    const timed = await createExam({ title: 'Kiểm tra có giờ', attempts_allowed: '2', time_limit_minutes: '5' })
    const { attemptId: id, html } = await start(member, timed)
    const questions = questionOrder(html)
    const optionsOf = (q: string) => [...html.matchAll(new RegExp(`name="q_${q}" value="([0-9a-f-]{36})"`, 'g'))].map((m) => m[1])
    await member.post(`/exams/attempts/${id}/answer`, { question: questions[0], [`q_${questions[0]}`]: optionsOf(questions[0])[0] }, { htmx: true })
    await setClock(t, new Date(Date.now() + 6 * 60_000))
    try {
      const late = await member.post(
        `/exams/attempts/${id}/answer`,
        { question: questions[1], [`q_${questions[1]}`]: optionsOf(questions[1])[0] },
        { htmx: true },
      )
      expect(late.headers.get('HX-Redirect')).toBe(`/exams/attempts/${id}`)
      const [row] = await system<{ submitted_at: string | null; timed_out: boolean }>(
        `select submitted_at, timed_out from public.exam_attempts where id = $1`,
        [id],
      )
      expect(row.submitted_at).not.toBeNull()
      expect(row.timed_out).toBe(true)
      const chosen = await system<{ n: number }>(`select count(*)::int as n from public.attempt_questions where attempt_id = $1 and cardinality(chosen) > 0`, [
        id,
      ])
      expect(chosen[0].n).toBe(1)
      // a plain form post after the deadline is refused the same way
      const plain = await member.post(`/exams/attempts/${id}/submit`, { [`q_${questions[2]}`]: optionsOf(questions[2])[0] })
      expect(plain.status).toBe(409)
      const page = await (await member.get(`/exams/attempts/${id}`)).text()
      expect(page).toContain('Hết giờ')
      // one attempt of two used, the exam still open: the answers stay hidden
      expect(page).not.toContain(EXPLANATION)
      expect(page).not.toContain('✓')
    } finally {
      await setClock(t, null)
    }
  })

  it('N questions are drawn per attempt, and the deadline is capped by the exam closing', async () => {
    const short = await createExam({ title: 'Kiểm tra rút 2 câu', question_count: '2', time_limit_minutes: '15', closes_at: local(3) })
    const { attemptId: id, html } = await start(member, short)
    expect(questionOrder(html)).toHaveLength(2)
    const [row] = await system<{ capped: boolean }>(
      `select a.deadline = e.closes_at as capped from public.exam_attempts a join public.exams e on e.id = a.exam_id where a.id = $1`,
      [id],
    )
    expect(row.capped).toBe(true)
    await member.post(`/exams/attempts/${id}/submit`, {})
  })

  it('an attempt left open past its deadline is graded when anyone opens the exam', async () => {
    const timed = await createExam({ title: 'Kiểm tra bỏ dở', attempts_allowed: '1', time_limit_minutes: '1' })
    const { attemptId: id } = await start(member, timed)
    await setClock(t, new Date(Date.now() + 2 * 60_000))
    try {
      // the member's own list of exams grades it too; here the ward's results page does
      await ward.get(`/exams/${timed}/results`)
      const [row] = await system<{ passed: boolean | null; timed_out: boolean }>(`select passed, timed_out from public.exam_attempts where id = $1`, [id])
      expect(row.passed).toBe(false)
      expect(row.timed_out).toBe(true)
    } finally {
      await setClock(t, null)
    }
  })
})

describe('grading what time ran out', () => {
  it('the member opening the list of exams grades his/her attempt whose time ran out', async () => {
    const timed = await createExam({ title: 'Kiểm tra quên nộp', attempts_allowed: '1', time_limit_minutes: '1' })
    const { attemptId: id } = await start(member, timed)
    await setClock(t, new Date(Date.now() + 2 * 60_000))
    try {
      await member.get('/exams')
      const [row] = await system<{ submitted_at: string | null; passed: boolean | null }>(
        `select submitted_at, passed from public.exam_attempts where id = $1`,
        [id],
      )
      expect(row.submitted_at).not.toBeNull()
      expect(row.passed).toBe(false)
    } finally {
      await setClock(t, null)
    }
  })
})

describe('results', () => {
  it('managers of the subtree see results per organization and per member; the committee sees question statistics', async () => {
    const [{ id: examId }] = await system<{ id: string }>(`select id from public.exams where title = 'Kiểm tra Điều lệ'`)
    const page = await ward.get(`/exams/${examId}/results`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toMatch(/<strong>1<\/strong> đã làm bài/)
    // at 200 % zoom (180 px) the five-column table overflowed: it stacks on a phone, each figure with its label
    expect(html).toContain('<table class="stack" id="org-results">')
    expect(html).toContain('data-label="Tỷ lệ đạt"')
    const cell = await t.signIn(LOGINS.cellSecretary)
    const cellPage = await (await cell.get(`/exams/${examId}/results`)).text()
    expect(cellPage).toContain('<table class="stack" id="member-results">')
    expect(cellPage).toContain('data-label="Điểm cao nhất"')
    // the secretary sees the member's score, but not the attempt: its questions would give the key away before he/she takes the exam
    expect(cellPage).not.toMatch(/href="\/exams\/attempts\//)
    const [{ id: attemptOfMember }] = await system<{ id: string }>(`select id from public.exam_attempts where exam_id = $1 limit 1`, [examId])
    expect((await cell.get(`/exams/attempts/${attemptOfMember}`)).status).toBe(404)
    // the bank's managers (the ward wrote the key) open it, with right and wrong per question
    const wardResults = await (await ward.get(`/exams/${examId}/results?at=${await orgIdByPath(t, 'ns.tp1.g1.c1')}`)).text()
    const attemptUrl = /href="(\/exams\/attempts\/[0-9a-f-]{36})"/.exec(wardResults)![1]
    expect(await (await ward.get(attemptUrl)).text()).toMatch(/class="badge">(Đúng|Sai)</)
    const bank = await (await ward.get(`/exams/banks/${bankId}`)).text()
    expect(bank).toMatch(/trả lời đúng \(\d+\/\d+ lượt\)/)
  })

  it('an outsider and a plain member see no results', async () => {
    const [{ id: examId }] = await system<{ id: string }>(`select id from public.exams where title = 'Kiểm tra Điều lệ'`)
    expect((await member.get(`/exams/${examId}/results`)).status).toBe(404)
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    expect((await outsider.get(`/exams/${examId}/results`)).status).toBe(404)
  })

  it('the member sees his/her own attempts on the exam page', async () => {
    const [{ id: examId }] = await system<{ id: string }>(`select id from public.exams where title = 'Kiểm tra Điều lệ'`)
    const html = await (await member.get(`/exams/${examId}`)).text()
    expect(html).toContain('Lần 1')
    // three columns were 184 px wide at 200 % zoom (180 px): the table stacks on a phone
    expect(html).toMatch(/<table class="stack" id="my-attempts-table">/)
    expect(html).toContain('data-label="Điểm"')
    expect(html).toMatch(/Đạt|Chưa đạt/)
  })
})

describe('on a phone', () => {
  it('a long option (a web address, words joined by underscores) wraps inside its question instead of widening the attempt page (it was 530 px wide at 180 px)', async () => {
    const { readFile } = await import('node:fs/promises')
    const css = await readFile(new URL('../../../static/css/app.css', import.meta.url), 'utf8')
    expect(css).toMatch(/fieldset\.question\{[^}]*min-width:0[^}]*\}/)
    expect(css).toMatch(/fieldset\.question \.checks label\{[^}]*overflow-wrap:anywhere[^}]*\}/)
  })
})
