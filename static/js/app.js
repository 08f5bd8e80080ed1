// What htmx cannot show by itself: a request that never got an answer (the connection dropped).
// A message says so in Vietnamese; nothing was swapped, so a form keeps what was typed.
const status = () => document.getElementById('net-status')
document.addEventListener('htmx:error', (event) => {
  const detail = event.detail || {}
  const answered = detail.ctx?.response?.status
  const box = status()
  if (answered || !box) return
  box.textContent =
    navigator.onLine === false
      ? 'Mất kết nối mạng: chưa gửi được. Nội dung bạn nhập vẫn còn; khi có mạng hãy bấm gửi lại.'
      : 'Không liên lạc được với máy chủ: chưa gửi được. Nội dung bạn nhập vẫn còn; hãy thử lại sau ít phút.'
  box.hidden = false
})
document.addEventListener('htmx:after:request', (event) => {
  const box = status()
  const detail = event.detail || {}
  if (box && !box.hidden && detail.ctx?.response) box.hidden = true
})
// A plain form that undoes something (a member's password) asks first; inline handlers are barred by the CSP.
document.addEventListener('submit', (event) => {
  const question = event.target instanceof HTMLFormElement && event.target.dataset.confirm
  if (question && !window.confirm(question)) event.preventDefault()
})
