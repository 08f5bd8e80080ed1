import * as z from 'zod'
import { cleanMultiline, cleanText } from './text.ts'

/** Field name → first Vietnamese message, ready to render beside the field. */
export type FieldErrors = Record<string, string>

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

export function parseForm<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, value: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '_form')
    errors[key] ??= issue.message
  }
  return { ok: false, errors }
}

const MAX_TEXT = 10_000

/** Building blocks with Vietnamese messages, shared by every form. */
/** A day from 1900 to today, typed dd/mm/yyyy or yyyy-mm-dd, as yyyy-mm-dd. */
function pastDate(label: string, missing: string) {
  return z
    .string({ error: missing })
    .min(1, missing)
    .refine(isRealDate, `${label}: ngày không hợp lệ (dd/mm/yyyy).`)
    .transform(toIsoDate)
    .refine((d) => d >= '1900-01-01' && d <= today(), `${label}: phải từ năm 1900 đến hôm nay.`)
}

/**
 * A phone number as offices write it: spaces, dots and dashes go, +84/84 becomes 0, and a number
 * Excel stored as a number (its leading 0 dropped: 912345678) gets its 0 back.
 */
export function normalizePhone(value: string): string {
  const digits = value.replace(/[\s.()-]/g, '').replace(/^\+?84(?=\d{9,10}$)/, '0')
  return /^[1-9]\d{8,9}$/.test(digits) ? `0${digits}` : digits
}

export const field = {
  /** A Vietnamese phone number, 10–11 digits from 0 (normalizePhone first). */
  phone: (label = 'Số điện thoại') =>
    z.preprocess(
      (v) => (typeof v === 'string' ? normalizePhone(v) : v) || undefined,
      z
        .string({ error: `${label}: không hợp lệ.` })
        .regex(/^0\d{9,10}$/, `${label} gồm 10–11 chữ số, bắt đầu bằng 0.`)
        .optional(),
    ),
  text: (label: string, max = 200) =>
    z.preprocess(
      cleanText,
      z
        .string({ error: `${label}: bắt buộc nhập.` })
        .min(1, `${label}: bắt buộc nhập.`)
        .max(max, `${label}: tối đa ${max} ký tự.`),
    ),
  optionalText: (label: string, max = 200) =>
    z.preprocess(
      (v) => (cleanText(v) === '' ? undefined : cleanText(v)),
      z
        .string({ error: `${label}: không hợp lệ.` })
        .max(max, `${label}: tối đa ${max} ký tự.`)
        .optional(),
    ),
  optionalLongText: (label: string, max = MAX_TEXT) =>
    z.preprocess(
      (v) => (cleanMultiline(v) === '' ? undefined : cleanMultiline(v)),
      z
        .string({ error: `${label}: không hợp lệ.` })
        .max(max, `${label}: tối đa ${max} ký tự.`)
        .optional(),
    ),
  optionalDate: (label: string) =>
    z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
      pastDate(label, `${label}: không hợp lệ.`).optional(),
    ),
  /** A date that must be given: a missing field is an empty one (an optional key would skip the check). */
  requiredDate: (label: string) => z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), pastDate(label, `${label}: bắt buộc nhập.`)),
  uuid: (label: string) => z.string({ error: `${label}: không hợp lệ.` }).uuid(`${label}: không hợp lệ.`),
  optionalEnum: <T extends readonly [string, ...string[]]>(label: string, values: T) =>
    z.preprocess((v) => (v === '' ? undefined : v), z.enum(values, { error: `${label}: giá trị không hợp lệ.` }).optional()),
  checkbox: () => z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean()),
}

/** Accepts ISO yyyy-mm-dd (from <input type=date>) and dd/mm/yyyy (typed or imported). */
export function toIsoDate(value: string): string {
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value)
  if (dmy) return `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}`
  return value
}

export function isRealDate(value: string): boolean {
  const iso = toIsoDate(value)
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** Today in Vietnam (UTC+7, no daylight saving). */
export function today(now = Date.now()): string {
  return new Date(now + 7 * 3600_000).toISOString().slice(0, 10)
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string | undefined): value is string {
  return !!value && UUID_PATTERN.test(value)
}
