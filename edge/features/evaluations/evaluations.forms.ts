import * as z from 'zod'
import { field, isRealDate, toIsoDate, today } from '../../kernel/http/validation.ts'

export const BANDS = ['excellent', 'good', 'complete', 'not_complete'] as const
export type Band = (typeof BANDS)[number]
export const STEPS = ['self_assessment', 'cell_proposal', 'committee_decision', 'decided'] as const
export type Step = (typeof STEPS)[number]

const deadline = (label: string) =>
  z
    .string({ error: `${label}: bắt buộc nhập.` })
    .trim()
    .min(1, `${label}: bắt buộc nhập.`)
    .refine(isRealDate, `${label}: ngày không hợp lệ (dd/mm/yyyy).`)
    .transform(toIsoDate)
    .refine((d) => d >= today(), `${label}: không được trước hôm nay.`)

const count = (label: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN) : v),
    z
      .number({ error: `${label}: nhập số người.` })
      .int(`${label}: nhập số nguyên.`)
      .min(0, `${label}: không được âm.`)
      .max(10_000, `${label}: quá lớn.`),
  )

const points = (label: string) =>
  z.preprocess(
    (v) =>
      typeof v === 'string' ? (v.trim() === '' ? undefined : /^-?\d{1,3}([.,]\d+)?$/.test(v.trim()) ? Number(v.trim().replace(',', '.')) : Number.NaN) : v,
    z
      .number({ error: `${label}: nhập số điểm.` })
      .min(0, `${label}: từ 0 đến 100 điểm.`)
      .max(100, `${label}: từ 0 đến 100 điểm.`)
      .refine((n) => Math.round(n * 100) === n * 100, `${label}: tối đa hai chữ số thập phân.`),
  )

const band = (label: string) => z.enum(BANDS, { error: `${label}: hãy chọn một mức.` })
const optionalBand = (label: string) => z.preprocess((v) => (v === '' ? undefined : v), band(label).optional())
const codes = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^[a-z_]{1,40}$/)).max(20))

/** Opening a period: which committee, which year or term, a deadline per step, the quota. */
export const periodForm = z
  .object({
    org_id: field.uuid('Cấp ủy mở đợt đánh giá'),
    kind: z.enum(['year', 'term'], { error: 'Loại đợt: hãy chọn năm hoặc nhiệm kỳ.' }),
    year: z.coerce.number({ error: 'Năm: nhập số năm.' }).int('Năm: nhập số năm.').min(2000, 'Năm: từ 2000 đến 2100.').max(2100, 'Năm: từ 2000 đến 2100.'),
    title: field.text('Tên đợt đánh giá', 200),
    self_due: deadline('Hạn tự đánh giá'),
    proposal_due: deadline('Hạn chi bộ đề xuất'),
    decision_due: deadline('Hạn cấp ủy quyết định'),
    excellent_quota_percent: z.preprocess(
      (v) => (v === '' || v === undefined ? 20 : typeof v === 'string' ? v.trim().replace(',', '.') : v),
      z.coerce.number({ error: 'Tỉ lệ xuất sắc: nhập số phần trăm.' }).min(0, 'Tỉ lệ xuất sắc: từ 0 đến 100%.').max(100, 'Tỉ lệ xuất sắc: từ 0 đến 100%.'),
    ),
  })
  .refine((v) => v.proposal_due >= v.self_due, { message: 'Hạn chi bộ đề xuất: không được trước hạn tự đánh giá.', path: ['proposal_due'] })
  .refine((v) => v.decision_due >= v.proposal_due, { message: 'Hạn cấp ủy quyết định: không được trước hạn chi bộ đề xuất.', path: ['decision_due'] })

export type PeriodInput = z.infer<typeof periodForm>

/** The member's self-assessment: points per criterion (checked against each maximum by the route), the band proposed. */
export const selfForm = z.object({
  self_band: optionalBand('Tự xếp loại'),
  self_all_tasks_done: field.checkbox(),
  self_note: field.optionalLongText('Tự nhận xét', 5000),
})

export const proposalForm = z.object({
  proposal_points: points('Điểm chi bộ đề xuất'),
  all_tasks_done: field.checkbox(),
  conditions: codes,
  proposal_band: optionalBand('Mức chi bộ đề xuất'),
  votes_for: count('Số tán thành'),
  votes_against: count('Số không tán thành'),
  proposal_note: field.optionalLongText('Ý kiến của chi bộ', 5000),
})

export const decisionForm = z.object({
  decision_band: band('Mức xếp loại'),
  conditions: codes,
  decision_note: field.optionalLongText('Ghi chú quyết định', 5000),
})

/** Invisible format characters (zero-width spaces and joiners, bidirectional controls): a reason made only of them says nothing. */
const visible = (v: unknown) => (typeof v === 'string' ? v.replace(/\p{Cf}/gu, '') : v)

export const returnForm = z.object({
  return_reason: z.preprocess(visible, field.text('Lý do trả lại', 2000)),
})

export const BAND_LABELS: Record<Band, string> = {
  excellent: 'Hoàn thành xuất sắc nhiệm vụ',
  good: 'Hoàn thành tốt nhiệm vụ',
  complete: 'Hoàn thành nhiệm vụ',
  not_complete: 'Không hoàn thành nhiệm vụ',
}

export const STEP_LABELS: Record<Step, string> = {
  self_assessment: 'Chờ tự đánh giá',
  cell_proposal: 'Chờ chi bộ đề xuất',
  committee_decision: 'Chờ cấp ủy quyết định',
  decided: 'Đã xếp loại',
}

export const ACTION_LABELS: Record<string, string> = {
  self_assessed: 'Tự đánh giá',
  proposed: 'Chi bộ đề xuất',
  decided: 'Cấp ủy quyết định',
  returned: 'Trả lại',
}

export const messages = {
  opened: 'Đã mở đợt đánh giá. Các đảng viên đã nhận được thông báo.',
  selfSent: 'Đã gửi bản tự đánh giá. Chi bộ sẽ họp xem xét, đề xuất.',
  proposed: 'Đã ghi đề xuất của chi bộ. Cấp ủy cấp trên sẽ quyết định.',
  decided: 'Đã lưu quyết định xếp loại. Đảng viên đã nhận được thông báo.',
  returned: 'Đã trả lại bước trước, kèm lý do.',
  notYourStep: 'Bước này hiện không mở cho bạn (đã qua bước, chưa tới lượt, hoặc không thuộc thẩm quyền).',
  outOfScope: 'Chỉ mở đợt đánh giá cho tổ chức thuộc cấp ủy bạn quản lý.',
  scoreMissing: 'Nhập điểm cho tiêu chí này.',
  scoreRange: (max: number) => `Điểm từ 0 đến ${formatPoints(max)}.`,
  bandAbove: (computed: Band) => `Không được cao hơn mức tính theo điểm và điều kiện: ${BAND_LABELS[computed].toLowerCase()}.`,
  formNotAddingUp: (general: number, tasks: number) =>
    `Bộ tiêu chí phải cộng đủ 30 điểm tiêu chí chung và 70 điểm kết quả nhiệm vụ (đang là ${formatPoints(general)} và ${formatPoints(tasks)}).`,
  formLocked: 'Đã có đảng viên gửi bản tự đánh giá: bộ tiêu chí không sửa được nữa.',
  tooManyVotes: (voters: number) => `Số phiếu tán thành và không tán thành cộng lại vượt số đảng viên chính thức của chi bộ (${voters} người).`,
  noMajority: 'Đề xuất của chi bộ cần số phiếu tán thành nhiều hơn số phiếu không tán thành.',
  returnOverQuota:
    'Không trả lại được: bớt một người xếp loại hoàn thành tốt trở lên sẽ làm số “hoàn thành xuất sắc” của tổ chức cơ sở vượt tỉ lệ cho phép. Hãy xem lại các quyết định xuất sắc trước.',
  criteriaSaved: 'Đã lưu bộ tiêu chí.',
  conditionsSaved: 'Đã lưu các điều kiện hạn chế mức xếp loại.',
  conditionLabel: 'Nội dung điều kiện: bắt buộc nhập (tối đa 300 ký tự).',
  conditionBand: 'Mức tối đa: hãy chọn một mức.',
  closed: 'Đã kết thúc đợt đánh giá.',
  periodClosed: 'Đợt đánh giá đã kết thúc: không sửa được nữa.',
  criterionTitle: 'Nội dung tiêu chí: bắt buộc nhập (tối đa 300 ký tự).',
  criterionPoints: 'Điểm tối đa: nhập số lớn hơn 0, không quá 70.',
  quotaOver: (q: { over: number; allowed: number; good_or_better: number; percent: number; names: string[]; hidden: number }) =>
    `Vượt tỉ lệ xuất sắc của tổ chức cơ sở: tối đa ${q.allowed} người (${formatPoints(q.percent)}% của ${q.good_or_better} người hoàn thành tốt trở lên), ` +
    `thừa ${q.over} người. Đang xếp xuất sắc: ${[...q.names, ...(q.hidden ? [`${q.hidden} người ngoài phạm vi của bạn`] : [])].join(', ')}.`,
}

export function formatPoints(n: number | string | null | undefined): string {
  if (n === null || n === undefined || n === '') return ''
  return Number(n).toLocaleString('vi-VN', { maximumFractionDigits: 2 })
}
