// On every signed-in page: the service worker (pages kept for reading offline, and push), and forms
// refused while the phone is offline. Refused rather than queued: a post replayed later would carry a
// CSRF token and a session that may have ended, into a meeting that may have closed, and the member
// would not see whether it went; a clear "not sent" before typing loses nothing.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => navigator.serviceWorker.register('/sw.js').catch(() => {}))
}

const OFFLINE = 'Đang mất mạng: bạn vẫn đọc được trang này, nhưng chưa gửi được gì. Các nút gửi tạm khóa và tự mở lại khi có mạng.'
const forms = ['form[method=post i]', 'form[hx-post]', 'form[hx-put]', 'form[hx-patch]', 'form[hx-delete]']
const SENDERS = forms
  .map((f) => `${f} button:not([type=button]):not([type=reset]), ${f} input[type=submit]`)
  .concat(['post', 'put', 'patch', 'delete'].map((m) => `button[hx-${m}], input[hx-${m}], select[hx-${m}]`))
  .join(',')
const offline = () => navigator.onLine === false

function showNet() {
  const off = offline()
  for (const el of document.querySelectorAll(SENDERS)) {
    // only what this script disabled is enabled again
    if (off && !el.disabled) {
      el.disabled = true
      el.dataset.offline = ''
    } else if (!off && 'offline' in el.dataset) {
      el.disabled = false
      delete el.dataset.offline
    }
  }
  const box = document.getElementById('net-status')
  if (!box) return
  if (off) {
    box.textContent = OFFLINE
    box.hidden = false
  } else if (box.textContent === OFFLINE) box.hidden = true
}
window.addEventListener('online', showNet)
window.addEventListener('offline', showNet)
// offline, a block the page loads fails too (app.js then says "not sent"): the fuller message stays
document.addEventListener('htmx:error', () => offline() && showNet())
document.addEventListener('htmx:after:swap', () => offline() && showNet())
showNet()
// Enter in a lone field still submits a form: stopped here, before htmx or the browser sends it
document.addEventListener(
  'submit',
  (event) => {
    if (!offline()) return
    event.preventDefault()
    event.stopPropagation()
    showNet()
  },
  true,
)

// Listening to a document: its script is fetched only by pages that have text to read
if (document.querySelector('[data-speak]')) {
  const script = document.createElement('script')
  script.src = document.currentScript.src.replace('offline.js', 'speak.js')
  document.head.appendChild(script)
}
