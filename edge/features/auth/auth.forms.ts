import * as z from 'zod'
import { isRealDate, toIsoDate } from '../../kernel/http/validation.ts'
import { isWellFormedActivationCode, normalizeActivationCode } from '../../kernel/auth/activation.ts'

/** Phone numbers are stored as 0xxxxxxxxx; card numbers uppercase. */
export function normalizeLogin(raw: string): string {
  const compact = raw.normalize('NFC').replace(/[\s.]/g, '')
  if (/^\+?84\d{9,10}$/.test(compact)) return `0${compact.replace(/^\+?84/, '')}`
  return /^\d+$/.test(compact) ? compact : raw.normalize('NFC').trim().toUpperCase()
}

const newPassword = {
  password: z.string({ error: 'Nhập mật khẩu mới.' }).min(8, 'Mật khẩu mới phải có ít nhất 8 ký tự.').max(200, 'Mật khẩu mới tối đa 200 ký tự.'),
  confirm: z.string({ error: 'Nhập lại mật khẩu mới.' }).max(200),
}

export const loginForm = z.object({
  login: z
    .string({ error: 'Nhập số điện thoại hoặc số thẻ đảng viên.' })
    .trim()
    .min(1, 'Nhập số điện thoại hoặc số thẻ đảng viên.')
    .max(40, 'Số điện thoại hoặc số thẻ quá dài.')
    .transform(normalizeLogin),
  password: z.string({ error: 'Nhập mật khẩu.' }).min(1, 'Nhập mật khẩu.').max(200, 'Mật khẩu quá dài.'),
  // an unusable next= is replaced by '/', never a reason to refuse the sign-in
  next: z.string().optional(),
})

export const passwordForm = z
  .object({
    current: z.string({ error: 'Nhập mật khẩu hiện tại.' }).min(1, 'Nhập mật khẩu hiện tại.').max(200),
    ...newPassword,
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'Hai lần nhập mật khẩu mới không khớp.' })
  .refine((v) => v.password !== v.current, { path: ['password'], message: 'Mật khẩu mới phải khác mật khẩu hiện tại.' })

/** The slip's activation: who (login and birth date), the code, and the password the member chooses. */
export const activationForm = z
  .object({
    login: loginForm.shape.login,
    // blank only for an account without a member record (the administrator npm run setup made)
    birth_date: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
      z.string({ error: 'Nhập ngày sinh.' }).refine(isRealDate, 'Ngày sinh: ghi theo dạng ngày/tháng/năm, ví dụ 05/09/1962.').transform(toIsoDate).optional(),
    ),
    code: z
      .string({ error: 'Nhập mã kích hoạt in trên phiếu.' })
      .max(40, 'Mã kích hoạt có 8 ký tự.')
      .transform(normalizeActivationCode)
      .refine((v) => v.length > 0, 'Nhập mã kích hoạt in trên phiếu.')
      .refine(isWellFormedActivationCode, 'Mã kích hoạt gồm 8 chữ và số như trên phiếu, ví dụ K7MP-2XQ9.'),
    ...newPassword,
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'Hai lần nhập mật khẩu mới không khớp.' })

/**
 * Only our own paths: never an open redirect nor a broken header. One leading `/` (`//host` and `/\host` are other
 * hosts to a browser), printable ASCII without backslashes (browsers drop tabs and newlines, so `/\t/host` becomes
 * `//host`; a newline in a Location header is a 500), short. Our own redirects to the login page send the
 * percent-encoded path, which passes.
 */
export function safeNext(next: string | undefined): string {
  return next && next.length <= 500 && /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : '/'
}

export const messages = {
  badLogin: 'Số điện thoại/số thẻ hoặc mật khẩu không đúng.',
  throttled: 'Đăng nhập sai quá 5 lần trong 15 phút. Vui lòng đợi 15 phút rồi thử lại, hoặc nhờ bí thư chi bộ đặt lại mật khẩu.',
  throttledNewDevice:
    'Tài khoản này vừa bị nhập sai mật khẩu nhiều lần, nên tạm thời chỉ đăng nhập được từ máy đã từng đăng nhập. Vui lòng thử lại sau 15 phút, hoặc nhờ bí thư chi bộ đặt lại mật khẩu.',
  throttledAddress: 'Có quá nhiều lần đăng nhập sai từ mạng này. Vui lòng thử lại sau 15 phút.',
  inactive: 'Tài khoản này không còn hiệu lực (đảng viên đã chuyển ra, ra khỏi Đảng hoặc từ trần). Nếu có nhầm lẫn, vui lòng liên hệ cấp ủy.',
  passwordThrottled: 'Nhập sai mật khẩu hiện tại quá 5 lần trong 15 phút. Vui lòng thử lại sau 15 phút.',
  wrongCurrent: 'Mật khẩu hiện tại không đúng.',
  changed: 'Đã đổi mật khẩu.',
  birthDateMissing: 'Nhập ngày sinh.',
  activationWrong: 'Thông tin kích hoạt không đúng. Kiểm tra lại số điện thoại (hoặc số thẻ đảng viên), ngày sinh và mã trên phiếu.',
  activationExpired: (until: string) => `Mã kích hoạt này đã hết hạn từ ${until}. Hãy nhờ bí thư chi bộ in phiếu kích hoạt mới.`,
  alreadyActivated: 'Tài khoản này đã được kích hoạt. Hãy đăng nhập bằng mật khẩu bạn đã đặt; nếu quên, nhờ bí thư chi bộ cấp lại.',
  activationThrottled: 'Nhập sai quá 5 lần trong 15 phút. Vui lòng đợi 15 phút rồi thử lại, hoặc nhờ bí thư chi bộ giúp.',
  activationThrottledAddress: 'Có quá nhiều lần kích hoạt sai từ mạng này. Vui lòng thử lại sau 15 phút.',
  mustChange: 'Đây là lần đăng nhập đầu tiên với mật khẩu tạm. Hãy đặt mật khẩu mới của riêng bạn.',
}
