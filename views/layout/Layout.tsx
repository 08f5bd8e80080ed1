import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { ASSET_VERSION } from './assets.ts'

export interface Viewer {
  name: string
  csrf: string
  /** shows the managers' places in the menu (undefined: a page that does not know yet shows them all) */
  manages?: boolean
}

/** The menu; `managers` places only tell an ordinary member that the page is not for him/her. */
const NAV = [
  { href: '/', label: 'Trang chủ' },
  { href: '/meetings', label: 'Sinh hoạt' },
  { href: '/library', label: 'Thư viện' },
  { href: '/study', label: 'Học tập' },
  { href: '/exams', label: 'Kiểm tra' },
  { href: '/tasks', label: 'Giao việc' },
  { href: '/calendar', label: 'Lịch' },
  { href: '/notifications', label: 'Thông báo' },
  { href: '/evaluations', label: 'Đánh giá' },
  { href: '/orgs', label: 'Tổ chức đảng', managers: true },
  { href: '/members', label: 'Đảng viên', managers: true },
  { href: '/transfers', label: 'Chuyển sinh hoạt', managers: true },
  { href: '/reports/registration', label: 'Thống kê', managers: true },
]

/** The page shell. Every full page goes through here; htmx requests get the fragment only. */
export function Layout(props: { title: string; viewer?: Viewer | null; current?: string; head?: Child; children: Child }) {
  const { viewer } = props
  // standards mode: without the doctype every page rendered in quirks mode (tables lost the body's type size)
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="vi">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · Sổ tay đảng viên`}</title>
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <meta name="theme-color" content="#b3261e" />
          <link rel="manifest" href="/static/manifest.webmanifest" />
          <link rel="icon" href={`/static/icons/icon.svg?v=${ASSET_VERSION}`} type="image/svg+xml" />
          <link rel="stylesheet" href={`/static/css/app.css?v=${ASSET_VERSION}`} />
          <script src={`/static/js/htmx.min.js?v=${ASSET_VERSION}`} defer></script>
          {viewer && <script src={`/static/js/hx-sse.min.js?v=${ASSET_VERSION}`} defer></script>}
          {viewer && <script src={`/static/js/app.js?v=${ASSET_VERSION}`} defer></script>}
          {viewer && <script src={`/static/js/offline.js?v=${ASSET_VERSION}`} defer></script>}
          {props.head}
        </head>
        <body hx-headers:inherited={viewer ? JSON.stringify({ 'X-CSRF-Token': viewer.csrf }) : undefined}>
          <a class="skip" href="#main">
            Bỏ qua điều hướng
          </a>
          <header class="top">
            <a class="brand" href="/">
              <img src={`/static/icons/icon.svg?v=${ASSET_VERSION}`} alt="" width="28" height="28" />
              Sổ tay đảng viên
            </a>
            {viewer && (
              <form method="post" action="/logout" class="who">
                <a href="/account/password">{viewer.name}</a>
                <input type="hidden" name="_csrf" value={viewer.csrf} />
                <button type="submit" class="link">
                  Đăng xuất
                </button>
              </form>
            )}
          </header>
          {viewer && (
            <nav class="nav" aria-label="Chức năng chính">
              {NAV.filter((item) => !item.managers || viewer.manages !== false).map((item) => (
                <a href={item.href} aria-current={props.current === item.href ? 'page' : undefined}>
                  {item.label}
                  {item.href === '/notifications' && <span hx-get="/notifications/count" hx-trigger="load, every 60s" hx-swap="innerHTML" id="unread"></span>}
                </a>
              ))}
            </nav>
          )}
          <main id="main">
            {/* where a live stream that ended says why (once, however many streams the page had) */}
            {viewer && <div id="stream-ended" role="status"></div>}
            {viewer && <p id="net-status" class="alert" role="alert" hidden></p>}
            {props.children}
          </main>
        </body>
      </html>
    </>
  )
}
