export const KIND_LABELS: Record<string, string> = { single: 'Một lựa chọn', multiple: 'Nhiều lựa chọn' }

export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F']

/** 12.50 → "12,5" as Vietnamese writes decimals. */
export function formatScore(score: string | number | null | undefined): string {
  if (score === null || score === undefined) return '—'
  return String(Number(score)).replace('.', ',')
}

/** A share as a percentage, "—" when nobody counts. */
export function percent(part: number, whole: number): string {
  return whole ? `${Math.round((100 * part) / whole)}%` : '—'
}

/** Seconds left as "12 phút 05 giây". */
export function formatLeft(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  return m ? `${m} phút ${String(s).padStart(2, '0')} giây` : `${s} giây`
}
