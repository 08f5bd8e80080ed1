import { ORG_KIND_LABELS } from '../../../views/components/labels.ts'
import type { RegistrationCounts, RegistrationReport } from './reports.queries.ts'

const header = (days: number) => [
  'Tổ chức',
  'Loại',
  'Số tổ chức',
  'Đảng viên',
  'Đã đăng ký',
  'Tỷ lệ đăng ký (%)',
  `Đăng nhập ${days} ngày`,
  `Lượt truy cập ${days} ngày`,
]

const counts = (r: RegistrationCounts) => [r.members, r.registered, r.members ? Math.round((r.registered / r.members) * 1000) / 10 : '', r.active, r.visits]

/** The registration report as rows of a spreadsheet, in the page's order: children, direct members, subtotals per kind, total. */
export function registrationTable(report: RegistrationReport): { header: string[]; rows: unknown[][] } {
  const kind = (k: string) => ORG_KIND_LABELS[k] ?? k
  const t = report.total
  return {
    header: header(report.days),
    rows: [
      ...report.children.map((c) => [c.name, kind(c.kind), 1, ...counts(c)]),
      ...(report.direct ? [[`Sinh hoạt trực tiếp tại ${t.name}`, '', '', ...counts(report.direct)]] : []),
      ...report.subtotals.map((s) => [`Cộng ${kind(s.kind)}`, kind(s.kind), s.orgs, ...counts(s)]),
      [`Toàn ${t.name}`, kind(t.kind), '', ...counts(t)],
    ],
  }
}
