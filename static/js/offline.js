// Offline, send buttons are locked and #net-status says why, before anything is typed. Refused, not queued:
// a post replayed later could go into a session or meeting that has ended, without the member seeing it go.
const OFF = 'Đang mất mạng: bạn vẫn đọc được trang này, nhưng chưa gửi được gì. Các nút gửi tạm khóa và tự mở lại khi có mạng.'
const SEND = 'form[method=post i] button,form[hx-post] button,[type=submit],button[hx-post],button[hx-put],button[hx-patch],button[hx-delete]'
const off = () => navigator.onLine === false
function net() {
  const o = off()
  for (const b of document.querySelectorAll(SEND)) {
    // only what was locked here opens again
    if (o && !b.disabled) {
      b.disabled = true
      b.dataset.off = 1
    } else if (!o && b.dataset.off) {
      b.disabled = false
      delete b.dataset.off
    }
  }
  const box = document.getElementById('net-status')
  if (box && o) box.textContent = OFF
  if (box && (o || box.textContent === OFF)) box.hidden = !o
}
addEventListener('online', net)
addEventListener('offline', net)
// offline, app.js says "not sent" when a block fails, and hides the alert when one loads from the phone: this stays
for (const e of ['htmx:error', 'htmx:after:request']) document.addEventListener(e, () => off() && net())
net()
// Enter in a lone field submits without a button
document.addEventListener(
  'submit',
  (e) => {
    if (!off()) return
    e.preventDefault()
    e.stopPropagation()
  },
  true,
)

// The service worker (offline copies, push): from the second page on, as the first visit's bytes are budgeted
try {
  if (localStorage.sw && navigator.serviceWorker) addEventListener('load', () => navigator.serviceWorker.register('/sw.js'))
  localStorage.sw = 1
} catch {}

if (document.querySelector('[data-speak]')) {
  const s = document.createElement('script')
  s.src = document.currentScript.src.replace('offline', 'speak')
  document.head.append(s)
}
