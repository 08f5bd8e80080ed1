// The service worker: shows pushed reminders and opens the right page when one is tapped.
self.addEventListener('push', (event) => {
  let message = { title: 'Sổ tay đảng viên', body: '', url: '/' }
  try {
    message = { ...message, ...event.data.json() }
  } catch {
    // a message we cannot read still deserves a notice
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body || undefined,
      icon: '/static/icons/icon.svg',
      badge: '/static/icons/icon.svg',
      tag: message.tag,
      data: { url: message.url },
      lang: 'vi',
    }),
  )
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const url = new URL(event.notification.data?.url || '/', self.location.origin).href
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === url)
      return open ? open.focus() : self.clients.openWindow(url)
    }),
  )
})
