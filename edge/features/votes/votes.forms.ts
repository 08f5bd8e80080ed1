import * as z from 'zod'

export const castForm = z.object({
  choice: z.enum(['for', 'against', 'abstain'], { error: 'Hãy chọn: tán thành, không tán thành hoặc không biểu quyết.' }),
})

export const messages = {
  cast: 'Đã ghi nhận biểu quyết của bạn. Bạn có thể đổi cho đến khi kết thúc biểu quyết.',
  castFinal: 'Đã ghi nhận biểu quyết của bạn. Biểu quyết đã kết thúc, không đổi được nữa.',
  opened: 'Đã mở biểu quyết.',
  closed: 'Đã kết thúc biểu quyết. Kết quả đã được ghi lại.',
  notOpen: 'Biểu quyết chưa mở hoặc đã kết thúc.',
  notVoter: 'Chỉ đảng viên chính thức đã điểm danh có mặt mới biểu quyết.',
  alreadyOpen: 'Biểu quyết đã được mở.',
  notStarted: 'Chưa đến giờ họp: biểu quyết chỉ mở khi buổi sinh hoạt đã bắt đầu.',
}
