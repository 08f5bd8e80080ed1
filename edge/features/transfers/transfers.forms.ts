import * as z from 'zod'
import { field, isRealDate, toIsoDate, today } from '../../kernel/http/validation.ts'

const date = (label: string) =>
  z
    .string({ error: `${label}: bắt buộc nhập.` })
    .trim()
    .min(1, `${label}: bắt buộc nhập.`)
    .refine(isRealDate, `${label}: ngày không hợp lệ (dd/mm/yyyy).`)
    .transform(toIsoDate)

const optionalDate = (label: string) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), date(label).optional())

const optionalUuid = (label: string) => z.preprocess((v) => (v === '' ? undefined : v), field.uuid(label).optional())

const temporaryDates = <T extends { kind: string; starts_on?: string; ends_on?: string }>(v: T) =>
  v.kind !== 'temporary' || (!!v.starts_on && !!v.ends_on && v.ends_on > v.starts_on)

/** A temporary transfer lasts at most two years (the database refuses longer ones: say so here, beside the field). */
const withinTwoYears = <T extends { kind: string; starts_on?: string; ends_on?: string }>(v: T) =>
  v.kind !== 'temporary' || !v.starts_on || !v.ends_on || v.ends_on <= `${Number(v.starts_on.slice(0, 4)) + 2}${v.starts_on.slice(4)}`

/** The yyyy-mm-dd `days` before a yyyy-mm-dd date. */
const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10)

/** Invisible format characters (zero-width spaces and joiners, bidirectional controls) have no place in a name or a number. */
const visible = (v: unknown) => (typeof v === 'string' ? v.replace(/\p{Cf}/gu, '') : v)
const visibleText = (label: string, max: number) => z.preprocess(visible, field.text(label, max))

/** Asking for a transfer: to a cell of the deployment (chosen from a search) or to an organization outside it, by name. */
export const requestForm = z
  .object({
    member_id: field.uuid('Đảng viên'),
    kind: z.enum(['permanent', 'temporary'], { error: 'Hãy chọn chuyển chính thức hoặc tạm thời.' }),
    to_org_id: optionalUuid('Chi bộ nhận'),
    to_outside: z.preprocess(visible, field.optionalText('Tổ chức đảng ngoài hệ thống', 300)),
    reason: field.optionalLongText('Lý do', 1000),
    starts_on: optionalDate('Từ ngày'),
    ends_on: optionalDate('Đến ngày'),
  })
  .refine((v) => !!v.to_org_id !== !!v.to_outside, {
    message: 'Hãy chọn một chi bộ nhận trong hệ thống, hoặc ghi tên tổ chức đảng ngoài hệ thống (không cả hai).',
    path: ['to_org_id'],
  })
  .refine(temporaryDates, { message: 'Chuyển tạm thời: ghi từ ngày và đến ngày (đến ngày sau từ ngày).', path: ['ends_on'] })
  .refine(withinTwoYears, { message: 'Chuyển tạm thời: tối đa 2 năm.', path: ['ends_on'] })

export type RequestInput = z.infer<typeof requestForm>

/** The sending side's confirmation: the month up to which the fee is paid, and nothing pending. */
export const confirmForm = z.object({
  fee_month: z
    .string({ error: 'Đảng phí: ghi tháng đã đóng đến.' })
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Đảng phí: ghi tháng đã đóng đến (tháng/năm).')
    .transform((m) => `${m}-01`),
  nothing_pending: field.checkbox().refine((v) => v, 'Hãy xác nhận đảng viên không đang bị kiểm tra, xem xét kỷ luật.'),
})

/** The introduction letter's number and date. */
export const issueForm = z.object({
  letter_number: visibleText('Số giấy giới thiệu', 40),
  letter_date: date('Ngày cấp')
    .refine((d) => d <= today(), 'Ngày cấp: không được sau hôm nay.')
    .refine((d) => d >= daysBefore(today(), 30), 'Ngày cấp: không được trước hôm nay quá 30 ngày.'),
})

/** A refusal or a return always says why. */
export const reasonForm = z.object({
  reason: z.preprocess(
    (v) => (typeof v === 'string' ? (visible(v) as string).normalize('NFC').trim() : v),
    z.string({ error: 'Hãy ghi lý do.' }).min(1, 'Hãy ghi lý do.').max(1000, 'Lý do: tối đa 1000 ký tự.'),
  ),
})

/** A transfer into the deployment from outside: the person and the outside organization's letter. */
export const incomingForm = z
  .object({
    to_org_id: field.uuid('Chi bộ nhận'),
    kind: z.enum(['permanent', 'temporary'], { error: 'Hãy chọn chuyển chính thức hoặc tạm thời.' }),
    person_name: visibleText('Họ và tên', 120),
    birth_date: field.optionalDate('Ngày sinh'),
    person_status: z.enum(['official', 'probationary'], { error: 'Hãy chọn chính thức hoặc dự bị.' }).default('official'),
    from_outside: visibleText('Tổ chức đảng chuyển đến', 300),
    letter_number: visibleText('Số giấy giới thiệu', 40),
    letter_date: date('Ngày cấp').refine((d) => d <= today(), 'Ngày cấp: không được sau hôm nay.'),
    starts_on: optionalDate('Từ ngày'),
    ends_on: optionalDate('Đến ngày'),
  })
  .refine(temporaryDates, { message: 'Chuyển tạm thời: ghi từ ngày và đến ngày (đến ngày sau từ ngày).', path: ['ends_on'] })
  .refine(withinTwoYears, { message: 'Chuyển tạm thời: tối đa 2 năm.', path: ['ends_on'] })

export const messages = {
  letterLapsed: 'Ngày cấp: giấy giới thiệu đã quá hạn tiếp nhận (30 ngày làm việc).',
  requested: 'Đã gửi đề nghị chuyển sinh hoạt đảng. Chi bộ sẽ xác nhận.',
  recorded: 'Đã ghi nhận giấy giới thiệu chuyển đến. Hãy tiếp nhận trong hạn.',
  confirmed: 'Đã xác nhận. Cấp ủy cấp trên sẽ cấp giấy giới thiệu.',
  issued: 'Đã cấp giấy giới thiệu sinh hoạt đảng.',
  accepted: 'Đã tiếp nhận sinh hoạt đảng. Đảng viên đã thuộc chi bộ mới.',
  refused: 'Đã từ chối, có ghi lý do.',
  returned: 'Đã trả lại bước trước, có ghi lý do.',
  outOfOrder: 'Hồ sơ không ở bước này (có thể người khác vừa xử lý). Hãy tải lại trang.',
  lapsed: 'Giấy giới thiệu đã quá hạn tiếp nhận: cấp ủy cấp giấy cần thu hồi và cấp giấy mới.',
  receiverClosed:
    'Chi bộ nhận đã hợp nhất hoặc giải thể sau khi cấp giấy: không tiếp nhận được. Cấp ủy cấp giấy thu hồi giấy này và cấp giấy mới cho tổ chức đã nhận lại chi bộ.',
  notYourMember:
    'Đảng viên này giữ chức vụ ngang cấp hoặc cao hơn bạn: chỉ cấp ủy cấp trên mới cấp giấy chuyển sinh hoạt chính thức cho đồng chí (việc chuyển sẽ kết thúc chức vụ của đồng chí).',
  alreadyOpen: 'Đảng viên này đang có một hồ sơ chuyển sinh hoạt cùng loại chưa xong.',
  inTransit: 'Đảng viên đang trong thời gian chuyển sinh hoạt: chi bộ chỉ đổi khi bên nhận tiếp nhận.',
  invalid: 'Thông tin chưa hợp lệ: chi bộ nhận phải là một chi bộ khác đang hoạt động; chuyển tạm thời tối đa 2 năm.',
  searchHint: 'Gõ tên chi bộ hoặc đảng bộ (không cần dấu), ví dụ “khu phố 1 minh khai”.',
  noMatch: 'Không tìm thấy chi bộ nào khớp.',
  noScope: 'Sổ chuyển sinh hoạt dành cho cấp ủy, bí thư chi bộ.',
}
