// Buttons marked data-print open the browser's print dialog (inline handlers are barred by the CSP).
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-print]')) window.print()
})
