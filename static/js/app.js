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
// A button marked data-copy="#id" copies that field's text (the calendar's address); where the
// clipboard is barred (plain http) the text is selected for the phone's own copy.
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element && event.target.closest('[data-copy]')
  const field = button && document.querySelector(button.dataset.copy)
  if (!field) return
  try {
    await navigator.clipboard.writeText(field.value)
    button.textContent = 'Đã chép'
  } catch {
    field.focus()
    field.select()
    button.textContent = 'Đã chọn: bấm giữ để chép'
  }
})
