import { foldAccents } from '../http/text.ts'
import { CsvError, parseCsvRows } from './csv.ts'
import { XlsxError, readXlsxSheets, type XlsxSheet } from './xlsx.ts'

class FileProblem extends Error {}

/** One sheet of an uploaded file (a CSV is one sheet): rows[i] is row i + 1 as the office sees it, blank rows included. */
export type Sheet = XlsxSheet

/** An uploaded spreadsheet, every sheet of it; the format is decided by content, not by the file name. */
export function readWorkbook(bytes: Uint8Array, name: string): { sheets: Sheet[]; fromExcel: boolean } {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  if (isZip) return { sheets: readXlsxSheets(bytes), fromExcel: true }
  if (/\.xlsx$/i.test(name)) throw new FileProblem('Tệp có đuôi .xlsx nhưng không phải là bảng tính Excel hợp lệ.')
  if (/\.xls$/i.test(name) || (bytes[0] === 0xd0 && bytes[1] === 0xcf)) {
    throw new FileProblem('Tệp Excel dạng cũ (.xls) chưa đọc được. Trong Excel hãy chọn “Lưu thành” → “Sổ làm việc Excel (.xlsx)” rồi gửi lại.')
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new FileProblem('Tệp không phải CSV dạng UTF-8. Trong Excel hãy chọn “Lưu thành” → “CSV UTF-8”.')
  }
  if (text.includes('\u0000')) throw new FileProblem('Tệp không phải là tệp văn bản CSV.')
  return { sheets: [{ name: name.replace(/\.[^.]*$/, ''), rows: parseCsvRows(text) }], fromExcel: false }
}

/** The first sheet's rows that have values, in order: files of one plain table (question banks). */
export function readSpreadsheet(bytes: Uint8Array, name: string): { table: string[][]; fromExcel: boolean } {
  const { sheets, fromExcel } = readWorkbook(bytes, name)
  return { table: (sheets[0]?.rows ?? []).filter((r) => r.some((c) => c.trim() !== '')), fromExcel }
}

/** The Vietnamese message of a file that cannot be read as a spreadsheet, or undefined for any other error. */
export function spreadsheetRefusal(error: unknown): string | undefined {
  return error instanceof FileProblem || error instanceof CsvError || error instanceof XlsxError ? error.message : undefined
}

/** Offices put a title block above the header ("ĐẢNG BỘ …", "DANH SÁCH …", a date line): the header is looked for this far down. */
const HEADER_SCAN_ROWS = 30

export interface Located {
  sheet: Sheet
  /** index of the header row in sheet.rows (its line is headerIndex + 1) */
  headerIndex: number
  /** the text of the non-blank rows above the header, skipped (title, subtitle, date line) */
  skipped: { line: number; text: string }[]
  /** names of the file's other sheets */
  otherSheets: string[]
  /** a header was recognised (false: the first non-blank row is taken, and the importer says which columns are missing) */
  found: boolean
}

const isBlank = (row: string[]) => !row.some((c) => c.trim() !== '')

/**
 * Where the table starts: in the sheet the user chose, or else the first sheet that has one, the
 * first row (within the first 30) that `isHeader` accepts. Without one, the first non-blank row
 * of the first sheet, so the importer can say which columns it misses.
 */
export function locateHeader(sheets: Sheet[], isHeader: (row: string[]) => boolean, chosen?: string): Located {
  const chosenSheet = chosen === undefined ? undefined : sheets.find((s) => s.name === chosen)
  const candidates = chosenSheet ? [chosenSheet] : sheets
  const located = (sheet: Sheet, headerIndex: number, found: boolean): Located => ({
    sheet,
    headerIndex,
    found,
    otherSheets: sheets.filter((s) => s !== sheet).map((s) => s.name),
    skipped: sheet.rows
      .slice(0, Math.max(headerIndex, 0))
      .flatMap((row, i) => (isBlank(row) ? [] : [{ line: i + 1, text: [...new Set(row.map((c) => c.trim()).filter(Boolean))].join(' · ') }])),
  })
  for (const sheet of candidates) {
    const index = sheet.rows.slice(0, HEADER_SCAN_ROWS).findIndex((row) => !isBlank(row) && isHeader(row))
    if (index >= 0) return located(sheet, index, true)
  }
  const sheet = candidates[0] ?? { name: '', rows: [] }
  return located(
    sheet,
    sheet.rows.findIndex((row) => !isBlank(row)),
    false,
  )
}

/** How an importer read a file, for its report: the sheet, the header's line, the rows skipped above it, each column's use. */
export interface Reading {
  sheet: string
  otherSheets: string[]
  headerLine: number
  skipped: { line: number; text: string }[]
  /** use: the field a column fills ('' when not used); notes: counts of what reading changed ("12 số thêm lại số 0") */
  columns: { header: string; use: string; notes: string[] }[]
  /** rows of totals under or between the data ("Tổng cộng", "Cộng"), skipped */
  totals?: { line: number; text: string }[]
}

/** A row of totals an office adds at the foot of a list or of each group ("Tổng cộng: 234 đảng viên", "Cộng"). */
export function isTotalRow(cells: string[]): boolean {
  return cells.slice(0, 3).some((c) => /^(tong cong|tong so|cong)\b/.test(foldAccents(c.normalize('NFC')).toLowerCase().trim()))
}

/** The data rows under the header, with their line numbers; blank rows (spacers between groups) are left out. */
export function dataRows(located: Located): { line: number; cells: string[] }[] {
  if (located.headerIndex < 0) return []
  return located.sheet.rows.flatMap((cells, i) => (i > located.headerIndex && !isBlank(cells) ? [{ line: i + 1, cells }] : []))
}

/**
 * A number Excel kept as a number, read back as the text it was typed as: "1.23456789012E+11"
 * (how some writers store long numbers) is 123456789012, and "912345678.0" is 912345678.
 * Leading zeros Excel dropped are the caller's to restore, field by field (a phone, a citizen number).
 */
export function excelNumberText(value: string): string {
  const scientific = /^(\d)(?:\.(\d+))?E\+?(\d{1,2})$/i.exec(value)
  if (scientific) {
    const [, head, tail = '', exponent] = scientific
    const digits = head + tail
    const places = Number(exponent) - tail.length
    return places >= 0 ? digits + '0'.repeat(places) : value
  }
  const whole = /^(\d+)\.0+$/.exec(value)
  return whole ? whole[1] : value
}
