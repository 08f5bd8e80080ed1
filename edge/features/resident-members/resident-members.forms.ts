import * as z from 'zod'
import { field } from '../../kernel/http/validation.ts'

/** Invisible format characters (zero-width spaces and joiners, bidirectional controls): a text made only of them says nothing. */
const visible = (v: unknown) => (typeof v === 'string' ? v.replace(/\p{Cf}/gu, '') : v)

export const EXEMPTIONS = ['army', 'police', 'student', 'mobile_worker', 'abroad', 'other'] as const
export const ASSESSMENTS = ['exemplary', 'not_exemplary'] as const

export const registerForm = z.object({
  member_id: field.uuid('Đảng viên'),
  org_id: z.string({ error: 'Chi bộ nơi cư trú: hãy tìm và chọn một chi bộ.' }).uuid('Chi bộ nơi cư trú: hãy tìm và chọn một chi bộ.'),
  address: field.optionalText('Địa chỉ nơi cư trú', 300),
})

export const exemptForm = z.object({
  member_id: field.uuid('Đảng viên'),
  exemption: z.enum(EXEMPTIONS, { error: 'Trường hợp miễn: hãy chọn một trường hợp.' }),
  note: field.optionalText('Ghi chú', 500),
})

export const refuseForm = z.object({
  reason: z.preprocess(visible, field.text('Lý do từ chối', 500)),
})

export const endForm = z.object({
  reason: field.optionalText('Lý do kết thúc', 500),
})

export const commentForm = z.object({
  year: z.coerce.number({ error: 'Năm: không hợp lệ.' }).int('Năm: không hợp lệ.').min(2000, 'Năm: không hợp lệ.').max(2100, 'Năm: không hợp lệ.'),
  assessment: z.enum(ASSESSMENTS, { error: 'Đánh giá: hãy chọn gương mẫu hoặc chưa gương mẫu.' }),
  body: z.preprocess(
    (v) => (typeof v === 'string' ? (visible(v) as string).normalize('NFC').trim() : v),
    z.string({ error: 'Nội dung nhận xét: bắt buộc nhập.' }).min(1, 'Nội dung nhận xét: bắt buộc nhập.').max(5000, 'Nội dung nhận xét: tối đa 5000 ký tự.'),
  ),
})

export type CommentInput = z.infer<typeof commentForm>

/** Every Vietnamese text of the feature's pages. */
export const messages = {
  title: 'Sinh hoạt nơi cư trú',
  cardTitle: 'Sinh hoạt nơi cư trú',
  none: 'Chưa đăng ký sinh hoạt nơi cư trú.',
  status: {
    pending: 'Chờ chi bộ nơi cư trú xác nhận',
    confirmed: 'Đã được xác nhận',
    refused: 'Bị từ chối',
    ended: 'Đã kết thúc',
    exempt: 'Miễn đăng ký',
  } as Record<string, string>,
  exemptions: {
    army: 'Quân đội',
    police: 'Công an',
    student: 'Học sinh, sinh viên học tập trung',
    mobile_worker: 'Làm việc lưu động, không ổn định nơi cư trú',
    abroad: 'Công tác, học tập ở nước ngoài',
    other: 'Trường hợp khác theo quy định',
  } as Record<string, string>,
  assessments: { exemplary: 'Gương mẫu', not_exemplary: 'Chưa gương mẫu' } as Record<string, string>,
  views: { residing: 'Đang sinh hoạt', pending: 'Chờ xác nhận', due: 'Chưa nhận xét năm nay' } as Record<string, string>,
  empty: {
    residing: 'Chưa có đảng viên nào sinh hoạt nơi cư trú tại chi bộ.',
    pending: 'Không có đăng ký nào chờ xác nhận.',
    due: 'Đã nhận xét đủ các đảng viên năm nay.',
    working: 'Chi bộ chưa có đảng viên.',
    cells: 'Không tìm thấy chi bộ nào. Thử gõ tên khác, ví dụ "khu phố 1".',
    mine: 'Bạn chưa đăng ký sinh hoạt nơi cư trú.',
  },
  registered: 'Đã gửi đăng ký. Chi bộ nơi cư trú sẽ xác nhận.',
  exempted: 'Đã ghi nhận trường hợp miễn đăng ký.',
  confirmed: 'Đã xác nhận đăng ký sinh hoạt nơi cư trú.',
  refused: 'Đã từ chối đăng ký và báo cho đảng viên.',
  ended: 'Đã kết thúc sinh hoạt nơi cư trú.',
  commented: 'Đã gửi nhận xét đến chi bộ nơi đảng viên công tác.',
  openExists: 'Đảng viên đang có đăng ký (hoặc trường hợp miễn) chưa kết thúc. Hãy kết thúc trước khi đăng ký mới.',
  notOpenCell: 'Chi bộ nơi cư trú: không phải một chi bộ đang hoạt động, hãy chọn chi bộ khác.',
  sameCell: 'Chi bộ nơi cư trú: đây là chi bộ nơi đảng viên đang sinh hoạt, hãy chọn chi bộ nơi cư trú.',
  notPending: 'Đăng ký này đã được xử lý.',
  notResiding: 'Đảng viên không còn sinh hoạt tại chi bộ.',
  yearOutside: 'Năm: ngoài thời gian đảng viên sinh hoạt tại chi bộ.',
  forbidden: 'Bạn không có quyền thực hiện thao tác này.',
  intro: 'Đảng viên công tác ở nơi khác đăng ký với chi bộ nơi cư trú; chi bộ nơi cư trú nhận xét hằng năm và gửi về chi bộ nơi công tác (Quy định 213-QĐ/TW).',
  since: 'từ',
  commentOfYear: 'Nhận xét năm',
  noComment: 'Chưa có nhận xét năm nay.',
  noCommentOfYear: 'Chưa có nhận xét của chi bộ nơi cư trú cho năm',
  noCommentReceived: 'chưa nhận được nhận xét năm nay',
  searchFirst: 'Gõ tên chi bộ nơi bạn cư trú vào ô tìm kiếm rồi chọn.',
  registerSelf: 'Chọn chi bộ nơi bạn đang cư trú. Chi bộ đó sẽ xác nhận đăng ký.',
  addressHint: 'Số nhà, đường, tổ dân phố: giúp chi bộ nơi cư trú xác nhận.',
  choose: '— Chọn —',
  manyCells: 'Chỉ hiện 20 chi bộ đầu tiên. Gõ tên chi bộ hoặc tên đảng bộ để lọc.',
  confirmEnd: 'Kết thúc sinh hoạt nơi cư trú này?',
  headings: {
    mine: 'Đăng ký của bạn',
    cells: 'Chi bộ bạn quản lý',
    residences: 'Đảng viên cư trú theo chi bộ',
    working: 'Đảng viên của chi bộ',
    here: 'Đảng viên cư trú tại chi bộ',
    lists: 'Danh sách',
    register: 'Đăng ký sinh hoạt nơi cư trú',
    exempt: 'Ghi nhận trường hợp miễn đăng ký',
    comment: 'Nhận xét đảng viên cư trú',
  },
  labels: {
    cell: 'Chi bộ nơi cư trú',
    address: 'Địa chỉ nơi cư trú',
    status: 'Tình trạng',
    exemption: 'Trường hợp miễn',
    refusal: 'Lý do từ chối',
    endReason: 'Lý do kết thúc',
    member: 'Đảng viên',
    note: 'Ghi chú',
    search: 'Tìm chi bộ theo tên',
    filterCells: 'Lọc chi bộ theo tên',
    year: 'Năm',
    assessment: 'Đánh giá',
    body: 'Nội dung nhận xét',
  },
  actions: {
    register: 'Đăng ký sinh hoạt nơi cư trú',
    exempt: 'Ghi nhận miễn đăng ký',
    decide: 'Xác nhận hoặc từ chối',
    comment: 'Viết nhận xét',
    editComment: 'Sửa nhận xét',
    more: 'Xem danh sách',
    confirm: 'Xác nhận',
    refuse: 'Từ chối',
    end: 'Kết thúc',
    search: 'Tìm',
    submitRegistration: 'Gửi đăng ký',
    saveExemption: 'Lưu',
    sendComment: 'Gửi nhận xét',
  },
}
