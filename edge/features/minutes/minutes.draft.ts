import { formatWhen } from '../../../views/components/labels.ts'
import type { MeetingFacts } from './minutes.queries.ts'

const KINDS: Record<string, string> = { regular: 'thường kỳ', thematic: 'chuyên đề' }
const EXCERPT = 300

/**
 * The first draft of the minutes, written from what the meeting recorded: who belongs to the
 * cell, who came and who did not (and why), what was said, and how the vote went. The
 * note-taker edits it from there; nothing here is final. The chair and the note-taker are not
 * part of the text: the document shows them from the meeting, as its signatures do.
 */
export function draftMinutes(f: MeetingFacts): string {
  const n = f.counts
  const named = (list: MeetingFacts['people']) => list.map((p) => (p.reason ? `${p.full_name} (${p.reason})` : p.full_name)).join('; ')
  const excused = f.people.filter((p) => p.attendance === 'absent_excused')
  const unexcused = f.people.filter((p) => p.attendance === 'absent_unexcused')
  // the same rule as the meeting's counts (public.meeting_counts): exempt members are never "not yet recorded"
  const unrecorded = f.people.filter((p) => !p.attendance && !p.exempt)
  const taken = f.comments.filter((c) => c.taken).length
  const lines = [
    `BIÊN BẢN SINH HOẠT CHI BỘ ${(KINDS[f.kind] ?? '').toUpperCase()}`.trim(),
    `${f.title}`,
    '',
    `Thời gian: ${formatWhen(f.starts_at)}`,
    `Địa điểm: ${f.place ?? '…'}`,
    '',
    'I. TÌNH HÌNH ĐẢNG VIÊN',
    `Tổng số đảng viên của chi bộ: ${n.members} (chính thức: ${n.official}; dự bị: ${n.probationary}; miễn sinh hoạt: ${n.exempt}; sinh hoạt tạm thời: ${n.temporary ?? 0}).`,
    `Có mặt: ${n.present}.`,
    `Vắng có lý do: ${n.absent_excused}${excused.length ? ` — ${named(excused)}` : ''}.`,
    `Vắng không lý do: ${n.absent_unexcused}${unexcused.length ? ` — ${named(unexcused)}` : ''}.`,
    ...(n.unrecorded ? [`Chưa điểm danh: ${n.unrecorded} — ${named(unrecorded)}.`] : []),
    '',
    'II. NỘI DUNG SINH HOẠT',
    f.agenda ?? '…',
    '',
    'III. Ý KIẾN THẢO LUẬN',
    f.comments.length ? `${f.comments.length} ý kiến, ${taken} ý kiến được tiếp thu vào nghị quyết:` : 'Không có ý kiến bằng văn bản.',
    ...f.comments.map((c) => `- ${c.author_name}: ${c.body.length > EXCERPT ? `${c.body.slice(0, EXCERPT)}…` : c.body}${c.taken ? ' (đã tiếp thu)' : ''}`),
    '',
    'IV. BIỂU QUYẾT NGHỊ QUYẾT',
    voteLine(f.vote),
    '',
    'Biên bản được thông qua trước chi bộ.',
  ]
  return lines.join('\n')
}

function voteLine(vote: MeetingFacts['vote']): string {
  if (!vote) return 'Không tổ chức biểu quyết.'
  if (vote.status !== 'closed' || !vote.result) return 'Biểu quyết chưa kết thúc.'
  const r = vote.result
  return `Số đảng viên chính thức có mặt: ${r.eligible}. Tán thành: ${r.for}; không tán thành: ${r.against}; không biểu quyết: ${r.abstain}. ${r.passed ? 'Nghị quyết được thông qua.' : 'Nghị quyết chưa được thông qua.'}`
}
