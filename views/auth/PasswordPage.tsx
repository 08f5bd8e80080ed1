import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, FormErrors } from '../components/Field.tsx'

export function PasswordPage(props: { viewer: Viewer; errors?: Record<string, string>; notice?: string; forced?: boolean }) {
  const errors = props.errors ?? {}
  return (
    <Layout title="Đổi mật khẩu" viewer={props.viewer}>
      <h1>Đổi mật khẩu</h1>
      {props.forced && <p class="notice">Đây là lần đăng nhập đầu tiên với mật khẩu tạm. Hãy đặt mật khẩu mới của riêng bạn.</p>}
      {props.notice && (
        <>
          <p class="notice" role="status">
            {props.notice}
          </p>
          <p class="actions">
            <a class="button" href="/">
              Về trang chủ
            </a>
          </p>
        </>
      )}
      {/* done: the form again would only invite a second change */}
      {!props.notice && (
        <form method="post" action="/account/password" class="card" novalidate>
          <FormErrors errors={errors} />
          <CsrfField token={props.viewer.csrf} />
          <Field
            name="current"
            label={props.forced ? 'Mật khẩu tạm (bí thư chi bộ đã đọc cho bạn)' : 'Mật khẩu hiện tại'}
            type="password"
            error={errors.current}
            required
            autocomplete="current-password"
          />
          <Field name="password" label="Mật khẩu mới" type="password" error={errors.password} required autocomplete="new-password" hint="Ít nhất 8 ký tự." />
          <Field name="confirm" label="Nhập lại mật khẩu mới" type="password" error={errors.confirm} required autocomplete="new-password" />
          <button type="submit">Đổi mật khẩu</button>
        </form>
      )}
    </Layout>
  )
}
