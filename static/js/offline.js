// Every signed-in page, so kept short (the reasons are in sw.js): offline, send buttons locked and said so.
const OFF = 'Đang mất mạng: bạn vẫn đọc được trang này, nhưng chưa gửi được gì. Các nút gửi tạm khóa và tự mở lại khi có mạng.'
const SEND = 'form[method=post i] button,form[hx-post] button,[type=submit],button[hx-post],button[hx-put],button[hx-patch],button[hx-delete]'
const off = () => navigator.onLine === false
function net() {
  const o = off()
  for (const b of document.querySelectorAll(SEND)) {
    if (o && !b.disabled) {
      b.disabled = true
      b.dataset.off = 1
    } else if (!o && b.dataset.off) {
      b.disabled = false
      delete b.dataset.off
    }
  }
  const box = document.getElementById('net-status')
  if (box && o && box.textContent !== OFF) box.textContent = OFF
  if (box && (o || box.textContent === OFF)) box.hidden = !o
}
addEventListener('online', net)
addEventListener('offline', net)
// what htmx swaps in is locked too, and app.js's own messages give way to this one, while offline
new MutationObserver(() => off() && net()).observe(document.body, { childList: true, subtree: true, attributeFilter: ['hidden'] })
net()
document.addEventListener(
  'submit',
  (e) => {
    if (!off()) return
    e.preventDefault()
    e.stopPropagation()
  },
  true,
)

// an exam's answer says "Đã lưu" only when the server has it (the answer's reply swaps that in)
const saving = (el, text) => {
  const s = el.closest && el.closest('fieldset[hx-post]')
  const box = s && s.querySelector('.save-state')
  if (box) box.textContent = text
}
const UNSENT = 'Chưa lưu (mất kết nối): sẽ tự lưu khi có mạng lại.'
document.addEventListener('change', (e) => saving(e.target, off() ? UNSENT : 'Đang lưu…'))
document.addEventListener('htmx:error', (e) => saving(e.target, UNSENT))

// the worker from the second page on
try {
  if (localStorage.sw && navigator.serviceWorker) addEventListener('load', () => navigator.serviceWorker.register('/sw.js'))
  localStorage.sw = 1
} catch {}

if (document.querySelector('[data-speak]')) {
  const s = document.createElement('script')
  s.src = document.currentScript.src.replace('offline', 'speak')
  document.head.append(s)
}
