/** The event that closes a stream for good (the stream elements carry hx-sse:close="ended", so the page stops reconnecting). */
export const END_EVENT = 'ended'

const END_MESSAGES = {
  session: 'Phiên đăng nhập đã kết thúc (đăng xuất, đổi mật khẩu hoặc thay đổi quyền), nên trang không còn tự cập nhật. <a href="/login">Đăng nhập lại</a>',
  access: 'Bạn không còn quyền theo dõi nội dung này (chuyển sinh hoạt hoặc thay đổi nhiệm vụ), nên trang không còn tự cập nhật. <a href="/">Về trang chủ</a>',
}

/** The last frames of a stream that ends because its user may no longer follow it: a notice in the page's #stream-ended (views/layout), then the close event. */
export function endFrames(reason: keyof typeof END_MESSAGES): string {
  const notice = `<hx-partial hx-target="#stream-ended" hx-swap="innerHTML"><p class="alert">${END_MESSAGES[reason]}</p></hx-partial>`
  return `data: ${notice}\n\nevent: ${END_EVENT}\ndata: ${reason}\n\n`
}
