import * as z from 'zod'
import { field, isRealDate, toIsoDate } from '../../kernel/http/validation.ts'
import { UPLOAD_MESSAGES } from '../../../views/components/labels.ts'

export const KINDS = ['document', 'news', 'video'] as const
export const CATEGORIES = ['party', 'state', 'committee', 'study', 'news', 'other'] as const
export const VALIDITIES = ['in_force', 'expired'] as const

const issuedOn = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.string().refine(isRealDate, 'Ngày ban hành: không hợp lệ (dd/mm/yyyy).').transform(toIsoDate).optional(),
)

/** A link to a video host: shown as a link with its title, never embedded (no third-party player on old phones). */
const videoUrl = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z
    .string()
    .max(500, 'Đường dẫn video: tối đa 500 ký tự.')
    .refine((v) => {
      try {
        const u = new URL(v)
        return u.protocol === 'https:' && /^https:\/\/[^\s<>"]{3,500}$/.test(v)
      } catch {
        return false
      }
    }, 'Đường dẫn video: phải là địa chỉ https:// của trang video.')
    .optional(),
)

export const itemForm = z
  .object({
    org_id: field.uuid('Đơn vị ban hành'),
    kind: z.enum(KINDS, { error: 'Loại: không hợp lệ.' }),
    category: z.enum(CATEGORIES, { error: 'Chuyên mục: không hợp lệ.' }),
    title: field.text('Tiêu đề', 300),
    summary: field.optionalLongText('Tóm tắt', 1000),
    body: field.optionalLongText('Nội dung', 150_000),
    doc_number: field.optionalText('Số, ký hiệu', 60),
    issued_on: issuedOn,
    issuer: field.optionalText('Cơ quan ban hành', 200),
    validity: field.optionalEnum('Hiệu lực', VALIDITIES),
    video_url: videoUrl,
    audience: z.enum(['subtree', 'orgs'], { error: 'Đối tượng: không hợp lệ.' }).default('subtree'),
    audience_ids: z.preprocess(
      (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.string().uuid('Đối tượng: không hợp lệ.')).max(200, 'Đối tượng: tối đa 200 tổ chức.'),
    ),
  })
  .refine((v) => v.kind !== 'video' || !!v.video_url, { message: 'Đường dẫn video: bắt buộc nhập với video.', path: ['video_url'] })
  .refine((v) => v.kind !== 'news' || !!v.body, { message: 'Nội dung: bắt buộc nhập với tin tức.', path: ['body'] })
  .refine((v) => v.audience !== 'orgs' || v.audience_ids.length > 0, { message: 'Đối tượng: hãy chọn ít nhất một tổ chức.', path: ['audience_ids'] })

export type ItemInput = z.infer<typeof itemForm>

/** The list's query string: search words, filters, page. Anything odd falls back to the default. */
export const listQuery = z.object({
  q: z.preprocess((v) => (typeof v === 'string' ? v.normalize('NFC').trim().slice(0, 100) : undefined), z.string().optional()).catch(undefined),
  category: z.enum(CATEGORIES).optional().catch(undefined),
  kind: z.enum(KINDS).optional().catch(undefined),
  year: z.coerce.number().int().min(1930).max(2100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(500).default(1).catch(1),
})
export type ListQuery = z.infer<typeof listQuery>

export const KIND_LABELS: Record<string, string> = { document: 'Văn bản', news: 'Tin tức', video: 'Video' }
export const CATEGORY_LABELS: Record<string, string> = {
  party: 'Văn bản của Đảng',
  state: 'Văn bản Nhà nước',
  committee: 'Văn bản của cấp ủy',
  study: 'Tài liệu học tập',
  news: 'Tin tức, tuyên truyền',
  other: 'Khác',
}
export const VALIDITY_LABELS: Record<string, string> = { in_force: 'Còn hiệu lực', expired: 'Hết hiệu lực' }
export const STATUS_LABELS: Record<string, string> = { draft: 'Bản nháp', published: 'Đã phát hành', withdrawn: 'Đã thu hồi' }

export const messages = {
  outOfSight: 'Tài liệu này không còn trong phạm vi bạn được xem: tài liệu đã được thu hồi, hoặc bạn đã chuyển sinh hoạt sang tổ chức ngoài phạm vi phát hành.',
  hiddenBookmarks: (n: number) => `${n} tài liệu bạn đã đánh dấu không còn xem được (đã thu hồi, hoặc bạn đã chuyển sang tổ chức ngoài phạm vi phát hành).`,
  created: 'Đã lưu bản nháp. Bản nháp chỉ hiện với người soạn và cấp ủy cho tới khi phát hành.',
  saved: 'Đã lưu thay đổi.',
  published: 'Đã phát hành tới đối tượng đã chọn.',
  withdrawn: 'Đã thu hồi: đảng viên không còn thấy mục này.',
  important: 'Đã đánh dấu quan trọng: đảng viên được phát hành nhận thông báo (bản nháp: khi phát hành).',
  deleted: 'Đã xóa bản nháp.',
  bookmarked: 'Đã đánh dấu để xem sau.',
  unbookmarked: 'Đã bỏ đánh dấu.',
  fileAdded: 'Đã tải tệp lên.',
  outOfScope: 'Chỉ phát hành cho tổ chức thuộc phạm vi bạn quản lý.',
  draftOnly: 'Chỉ sửa được đối tượng và tệp khi còn là bản nháp.',
  upload: UPLOAD_MESSAGES,
  wrongFileForKind: 'Văn bản nhận tệp PDF hoặc Word (.docx); tin tức nhận ảnh (PNG, JPEG, WebP).',
  badDocx: 'Tệp Word bị hỏng hoặc quá lớn khi giải nén: không đọc được nội dung. Hãy lưu lại tệp rồi tải lên lần nữa.',
  empty: 'Chưa có tài liệu, tin tức nào được phát hành tới bạn.',
  noMatch: 'Không tìm thấy mục nào phù hợp.',
  noBookmarks: 'Bạn chưa đánh dấu mục nào để xem sau.',
  noText: 'Tệp này không có phần chữ đọc được trên máy (có thể là bản quét). Hãy tải tệp về để xem.',
}
