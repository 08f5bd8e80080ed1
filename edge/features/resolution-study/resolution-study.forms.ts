import * as z from 'zod'
import { field, isRealDate, toIsoDate, UUID_PATTERN } from '../../kernel/http/validation.ts'
import { cleanMultiline } from '../../kernel/http/text.ts'

/** Longest reflection (bài thu hoạch): a short piece, readable on a phone. */
export const REFLECTION_MAX = 4000

const day = (label: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: `${label}: bắt buộc nhập.` })
      .min(1, `${label}: bắt buộc nhập.`)
      .refine(isRealDate, `${label}: ngày không hợp lệ (dd/mm/yyyy).`)
      .transform(toIsoDate),
  )

/** Library document ids, one per line or separated by commas; links are addresses of web pages. */
const lines = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean)
    : []

/** The id in what was typed: a bare id, or a pasted address of the item's page (…/library/<id>, …/exams/<id>). */
const idIn = (v: unknown) => {
  if (typeof v !== 'string') return v
  const found = new RegExp(UUID_PATTERN.source.replace(/^\^|\$$/g, ''), 'i').exec(v)
  return found ? found[0].toLowerCase() : v.trim()
}

const optionalUuid = (label: string) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : idIn(v)), field.uuid(label).optional())

export const campaignForm = z
  .object({
    org_id: field.uuid('Đơn vị học tập'),
    title: field.text('Tên đợt học tập', 200),
    description: field.optionalLongText('Hướng dẫn', 5000),
    document_id: z.preprocess(idIn, field.uuid('Văn bản nghị quyết')),
    extra_document_ids: z.preprocess(
      (v) => lines(v).map(idIn),
      z
        .array(z.string().regex(UUID_PATTERN, 'Tài liệu tham khảo: mỗi dòng là một mã tài liệu trong thư viện.'))
        .max(10, 'Tài liệu tham khảo: tối đa 10 tài liệu.'),
    ),
    extra_links: z.preprocess(
      lines,
      z
        .array(
          z
            .string()
            .max(500, 'Liên kết: mỗi liên kết tối đa 500 ký tự.')
            .regex(/^https?:\/\/[^\s<>"]+$/, 'Liên kết: mỗi dòng là một địa chỉ bắt đầu bằng http:// hoặc https://.'),
        )
        .max(10, 'Liên kết: tối đa 10 liên kết.'),
    ),
    exam_id: optionalUuid('Mã bài kiểm tra'),
    starts_on: day('Ngày bắt đầu'),
    due_on: day('Hạn hoàn thành'),
  })
  .refine((v) => v.due_on >= v.starts_on, { message: 'Hạn hoàn thành: phải từ ngày bắt đầu trở đi.', path: ['due_on'] })

export type CampaignInput = z.infer<typeof campaignForm>

export const reflectionForm = z.object({
  reflection: z.preprocess(
    cleanMultiline,
    z
      .string({ error: 'Bài thu hoạch: bắt buộc nhập.' })
      .min(1, 'Bài thu hoạch: bắt buộc nhập.')
      .max(REFLECTION_MAX, `Bài thu hoạch: tối đa ${REFLECTION_MAX} ký tự.`),
  ),
})

export const returnForm = z.object({
  return_reason: field.text('Lý do trả lại', 1000),
})

export const messages = {
  outOfSight:
    'Đợt học tập này không còn trong phạm vi của bạn: bạn đã chuyển sinh hoạt sang tổ chức ngoài đối tượng của đợt. Kết quả học tập của bạn vẫn được lưu.',
  created: 'Đã mở đợt học tập. Đảng viên trong phạm vi sẽ thấy đợt này trên trang chủ.',
  closed: 'Đã kết thúc đợt học tập.',
  saved: 'Đã lưu thay đổi của đợt học tập.',
  studied: 'Đã ghi nhận bạn đã học tập nghị quyết.',
  proxied: 'Đã ghi nhận thay: đảng viên đã dự buổi học tập của chi bộ.',
  submitted: 'Đã nộp bài thu hoạch. Chi bộ sẽ đọc và phản hồi.',
  accepted: 'Đã chấp nhận bài thu hoạch.',
  returned: 'Đã trả lại bài thu hoạch kèm lý do.',
  documentUnseen: 'Mã văn bản nghị quyết: không tìm thấy văn bản đã phát hành trong thư viện.',
  extraUnseen: 'Tài liệu tham khảo: có mã không tìm thấy trong thư viện (hoặc chưa phát hành).',
  examUnseen: 'Mã bài kiểm tra: không tìm thấy bài kiểm tra bạn được xem.',
  outOfScope: 'Chỉ mở đợt học tập cho tổ chức bạn quản lý.',
  notOpen: 'Đợt học tập chưa bắt đầu hoặc đã kết thúc.',
  notAllowed: 'Chỉ bí thư, phó bí thư, chi ủy viên của chi bộ mới ghi nhận thay cho đảng viên của chi bộ.',
  alreadyStudied: 'Đảng viên này đã được ghi nhận học tập trước đó.',
}
