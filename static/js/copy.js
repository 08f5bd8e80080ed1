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
