import { Layout } from '../layout/Layout.tsx'
import { Field, FormErrors } from '../components/Field.tsx'

export interface DemoLogin {
  login: string
  role: string
  password?: string
}

export function LoginPage(props: { login?: string; next?: string; errors?: Record<string, string>; demo?: DemoLogin[] }) {
  const errors = props.errors ?? {}
  return (
    <Layout title="Đăng nhập">
      <h1>Đăng nhập</h1>
      <form method="post" action="/login" class="card" novalidate>
        <FormErrors errors={errors} />
        <Field
          name="login"
          label="Số điện thoại hoặc số thẻ đảng viên"
          value={props.login}
          error={errors.login}
          required
          autocomplete="username"
          maxlength={40}
        />
        <Field name="password" label="Mật khẩu" type="password" error={errors.password} required autocomplete="current-password" maxlength={200} />
        <input type="hidden" name="next" value={props.next ?? ''} />
        <button type="submit">Đăng nhập</button>
        <p>
          Lần đầu sử dụng, có phiếu kích hoạt? <a href="/activate">Kích hoạt tài khoản</a>
        </p>
        <p class="muted">Quên mật khẩu? Hãy nhờ bí thư chi bộ đặt lại mật khẩu cho bạn.</p>
      </form>
      {props.demo && props.demo.length > 0 && (
        <section class="card" aria-labelledby="demo-h">
          <h2 id="demo-h">Tài khoản dùng thử</h2>
          {/* a list, not a table: it reflows on a narrow phone and at 200% zoom */}
          <ul class="demo-logins">
            {props.demo.map((d) => (
              <li>
                <span>{d.role}</span>
                <br />
                Đăng nhập: <code>{d.login}</code>
                {d.password && (
                  <>
                    {' '}
                    · mật khẩu: <code>{d.password}</code>
                  </>
                )}
              </li>
            ))}
          </ul>
          {!props.demo.some((d) => d.password) && (
            <p class="muted">Mật khẩu chung của các tài khoản này do người cài đặt hệ thống chọn khi khởi động (biến DEMO_PASSWORD); hãy hỏi người đó.</p>
          )}
        </section>
      )}
    </Layout>
  )
}
