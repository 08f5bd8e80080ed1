// "Turn on notifications on this device": registers the service worker, subscribes with the
// server's VAPID key and sends the subscription to the server (CSRF token from <body>).
const control = document.querySelector('[data-push]')
if (control) {
  const status = document.querySelector('[data-push-status]')
  const say = (text) => (status.textContent = text)
  const csrf = () => JSON.parse(document.body.getAttribute('hx-headers:inherited') || '{}')['X-CSRF-Token']
  const post = (path, body) =>
    fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() }, body: JSON.stringify(body) })
  const key = (base64) => {
    const raw = atob(base64.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64.length % 4)) % 4))
    return Uint8Array.from(raw, (c) => c.charCodeAt(0))
  }
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) {
    say('Trình duyệt này không hỗ trợ thông báo đẩy. Bạn vẫn xem được thông báo trong ứng dụng.')
  } else {
    control.hidden = false
    control.querySelector('[data-push-on]').addEventListener('click', async () => {
      try {
        say('Đang bật…')
        const registration = await navigator.serviceWorker.register('/sw.js')
        if ((await Notification.requestPermission()) !== 'granted') return say('Bạn chưa cho phép thông báo. Hãy cho phép trong cài đặt trình duyệt.')
        const subscription =
          (await registration.pushManager.getSubscription()) ||
          (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(control.dataset.key) }))
        const res = await post('/notifications/devices', subscription.toJSON())
        say(res.ok ? 'Đã bật thông báo trên máy này.' : 'Không lưu được đăng ký. Hãy thử lại.')
      } catch (error) {
        // the browser's reason is in English: keep it for the console, tell the user in Vietnamese
        console.error(error)
        say('Không bật được thông báo trên máy này. Hãy thử lại, hoặc kiểm tra quyền thông báo của trình duyệt.')
      }
    })
    control.querySelector('[data-push-off]').addEventListener('click', async () => {
      const registration = await navigator.serviceWorker.getRegistration('/')
      const subscription = await registration?.pushManager.getSubscription()
      if (subscription) {
        await post('/notifications/devices/remove', { endpoint: subscription.endpoint })
        await subscription.unsubscribe()
      }
      say('Đã tắt thông báo trên máy này.')
    })
  }
}
