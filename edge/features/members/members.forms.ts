import * as z from 'zod'
import { field, today } from '../../kernel/http/validation.ts'

const phone = field.phone()
const citizenId = z.preprocess(
  (v) => (typeof v === 'string' ? v.replace(/\s/g, '') : v) || undefined,
  z
    .string({ error: 'Số CCCD không hợp lệ.' })
    .regex(/^\d{12}$/, 'Số CCCD gồm đúng 12 chữ số.')
    .optional(),
)
const cardNumber = z.preprocess(
  (v) => (typeof v === 'string' ? v.replace(/\s/g, '').toUpperCase() : v) || undefined,
  z
    .string({ error: 'Số thẻ đảng viên không hợp lệ.' })
    .regex(/^[0-9A-Z.-]{4,20}$/, 'Số thẻ đảng viên gồm 4–20 chữ số/chữ cái.')
    .optional(),
)
const email = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v) || undefined,
  z.string({ error: 'Email không hợp lệ.' }).email('Email không hợp lệ.').max(200, 'Email tối đa 200 ký tự.').optional(),
)

/** The member profile (DOMAIN.md), shared by the form and the spreadsheet import. */
export const memberFields = z
  .object({
    full_name: field.text('Họ và tên', 120).refine((v) => !/[<>{}[\]\\/\d@#$%^&*=+|~]/.test(v), 'Họ và tên chỉ gồm chữ cái và dấu cách.'),
    other_names: field.optionalText('Tên gọi khác', 200),
    birth_date: field
      .optionalDate('Ngày sinh')
      .refine((v) => v !== undefined, 'Ngày sinh: bắt buộc nhập.')
      .refine((v) => !v || v <= shiftYears(today(), -18), 'Ngày sinh: đảng viên phải đủ 18 tuổi.'),
    gender: field.optionalEnum('Giới tính', ['male', 'female'] as const),
    ethnicity: field.optionalText('Dân tộc', 60),
    religion: field.optionalText('Tôn giáo', 60),
    hometown: field.optionalText('Quê quán', 300),
    birthplace: field.optionalText('Nơi sinh', 300),
    permanent_address: field.optionalText('Nơi thường trú', 300),
    current_address: field.optionalText('Nơi ở hiện nay', 300),
    phone,
    email,
    citizen_id: citizenId,
    card_number: cardNumber,
    admitted_on: field.optionalDate('Ngày vào Đảng'),
    official_on: field.optionalDate('Ngày chính thức'),
    education: field.optionalText('Trình độ học vấn', 120),
    theory_level: field.optionalText('Lý luận chính trị', 120),
    occupation: field.optionalText('Nghề nghiệp', 200),
    position: field.optionalText('Chức vụ', 200),
    rewards: field.optionalLongText('Khen thưởng', 2000),
    discipline: field.optionalLongText('Kỷ luật', 2000),
  })
  .refine((m) => !m.official_on || !m.admitted_on || m.official_on >= m.admitted_on, {
    path: ['official_on'],
    message: 'Ngày chính thức phải sau ngày vào Đảng.',
  })
  .refine((m) => !m.admitted_on || !m.birth_date || m.admitted_on >= shiftYears(m.birth_date, 16), {
    path: ['admitted_on'],
    message: 'Ngày vào Đảng phải sau ngày sinh ít nhất 16 năm.',
  })

export const memberForm = z.intersection(
  memberFields,
  z.object({
    org_id: field.uuid('Chi bộ'),
    status: z.enum(['probationary', 'official'], { error: 'Chọn tình trạng đảng viên.' }),
  }),
)

export type MemberInput = z.infer<typeof memberForm>

export function shiftYears(iso: string, years: number): string {
  return `${String(Number(iso.slice(0, 4)) + years).padStart(4, '0')}${iso.slice(4)}`
}

/** Status changes are their own small forms, each with the date it took effect. */
export const statusChange = z.discriminatedUnion(
  'change',
  [
    z.object({ change: z.literal('official'), date: field.requiredDate('Ngày chính thức') }),
    z.object({ change: z.literal('exempt'), reason: field.text('Lý do miễn sinh hoạt', 500) }),
    z.object({ change: z.literal('unexempt') }),
    z.object({ change: z.literal('deceased'), date: field.requiredDate('Ngày mất') }),
    z.object({ change: z.literal('left'), date: field.requiredDate('Ngày ra khỏi Đảng') }),
  ],
  { error: 'Thay đổi không hợp lệ.' },
)

export type StatusChange = z.infer<typeof statusChange>

const AGE_BANDS = ['under30', '30to45', '46to60', '61to75', 'over75'] as const

/** List filters come from the query string: anything malformed is ignored, never a 500. */
export const listQuery = z.object({
  q: z.preprocess((v) => (typeof v === 'string' ? v.normalize('NFC').trim().slice(0, 100) : undefined), z.string().optional()).catch(undefined),
  org: z.string().uuid().optional().catch(undefined),
  status: z.enum(['current', 'official', 'probationary', 'deceased', 'left']).catch('current').default('current'),
  exempt: z.enum(['yes', 'no']).optional().catch(undefined),
  gender: z.enum(['male', 'female']).optional().catch(undefined),
  age: z.enum(AGE_BANDS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
})

export type ListQuery = z.infer<typeof listQuery>

/** Printing activation slips: for an organization's subtree, or one member (from the profile). */
export const slipRequest = z
  .object({
    org_id: z.preprocess((v) => (v === '' ? undefined : v), field.uuid('Tổ chức').optional()),
    member_id: z.preprocess((v) => (v === '' ? undefined : v), z.string().uuid().optional()).catch(undefined),
    days: z.preprocess(
      (v) => (v === '' || v === undefined ? 30 : Number(v)),
      z
        .number({ error: 'Thời hạn của mã: chọn số ngày.' })
        .int('Thời hạn của mã: chọn số ngày.')
        .min(7, 'Thời hạn của mã: từ 7 đến 90 ngày.')
        .max(90, 'Thời hạn của mã: từ 7 đến 90 ngày.'),
    ),
    reissue: field.checkbox(),
  })
  .refine((v) => v.org_id || v.member_id, { path: ['org_id'], message: 'Chọn tổ chức cần in phiếu.' })

export type SlipRequest = z.infer<typeof slipRequest>

export const messages = {
  created: 'Đã thêm đảng viên.',
  updated: 'Đã lưu thay đổi hồ sơ.',
  statusChanged: 'Đã cập nhật tình trạng đảng viên.',
  duplicateCard: 'Số thẻ đảng viên này đã có trong hệ thống.',
  duplicateCitizen: 'Số CCCD này đã có trong hệ thống.',
  orgOutOfScope: 'Chi bộ không thuộc phạm vi bạn quản lý.',
  inTransit: 'Đảng viên đang chuyển sinh hoạt (đã cấp giấy giới thiệu): chi bộ chỉ đổi khi bên nhận tiếp nhận, hoặc sau khi cấp ủy thu hồi giấy.',
  loginIssued: (password: string) => `Mật khẩu tạm: ${password} — hãy đọc cho đảng viên; lần đăng nhập đầu sẽ phải đổi mật khẩu.`,
  loginNeedsContact: 'Hồ sơ cần có số điện thoại hoặc số thẻ đảng viên để tạo tài khoản.',
  loginNotYours: 'Bạn không thể cấp hoặc đặt lại mật khẩu cho chính mình, cho người cùng cấp hay cấp trên. Việc này do cấp ủy cấp trên thực hiện.',
  loginTaken:
    'Số điện thoại của hồ sơ này đã là tên đăng nhập của một đảng viên khác (máy dùng chung). Hãy nhập số thẻ đảng viên cho hồ sơ để đăng nhập bằng số thẻ.',
  identifiersNotYours: 'Số điện thoại và số thẻ đảng viên của người cùng cấp hoặc cấp trên (là tên đăng nhập của họ) do cấp ủy cấp trên sửa.',
  statusNotYours: 'Bạn không thể ghi nhận ra khỏi Đảng hay từ trần cho chính mình, cho người cùng cấp hay cấp trên. Việc này do cấp ủy cấp trên thực hiện.',
  slipsTooMany: (max: number) =>
    `Tổ chức này có hơn ${max.toLocaleString('vi-VN')} đảng viên; mỗi lần in tối đa ${max.toLocaleString('vi-VN')} phiếu. Hãy chọn từng tổ chức cấp dưới.`,
  slipsNone: 'Tổ chức này chưa có đảng viên nào đang sinh hoạt.',
  loginLeft: 'Đảng viên này đã chuyển ra, ra khỏi Đảng hoặc từ trần: không cấp tài khoản.',
}
