import { Layout } from '../layout/Layout.tsx'
import { Field, FormErrors } from '../components/Field.tsx'

/** Activation from the slip: who, the code, and the member's own password. Passwords are never sent back. */
export function ActivatePage(props: { values?: { login?: string; birth_date?: string; code?: string }; errors?: Record<string, string> }) {
  const errors = props.errors ?? {}
  const v = props.values ?? {}
  return (
    <Layout title="Kích hoạt tài khoản">
      <h1>Kích hoạt tài khoản</h1>
      <p>Dùng phiếu kích hoạt bí thư chi bộ phát cho bạn. Bạn tự đặt mật khẩu của mình; không ai khác biết mật khẩu này.</p>
      <form method="post" action="/activate" class="card" novalidate>
        <FormErrors errors={errors} />
        <Field
          name="login"
          label="Số điện thoại hoặc số thẻ đảng viên (như trên phiếu)"
          value={v.login}
          error={errors.login}
          required
          autocomplete="username"
          maxlength={40}
        />
        <Field
          name="birth_date"
          label="Ngày sinh"
          value={v.birth_date}
          error={errors.birth_date}
          inputmode="numeric"
          autocomplete="bday"
          hint="Ghi ngày/tháng/năm, ví dụ 05/09/1962. Quản trị viên không có hồ sơ đảng viên: để trống."
          maxlength={10}
        />
        <Field name="code" label="Mã kích hoạt (8 ký tự trên phiếu)" value={v.code} error={errors.code} required autocomplete="one-time-code" maxlength={40} />
        <Field name="password" label="Mật khẩu mới" type="password" error={errors.password} required autocomplete="new-password" hint="Ít nhất 8 ký tự." />
        <Field name="confirm" label="Nhập lại mật khẩu mới" type="password" error={errors.confirm} required autocomplete="new-password" />
        <button type="submit">Kích hoạt và đăng nhập</button>
        <p class="muted">
          Đã kích hoạt rồi? <a href="/login">Đăng nhập</a>. Mất phiếu hoặc mã đã hết hạn? Hãy nhờ bí thư chi bộ in phiếu mới.
        </p>
      </form>
    </Layout>
  )
}
