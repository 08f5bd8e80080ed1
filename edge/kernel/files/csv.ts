import { TABLE_LIMITS as LIMITS, formatCount } from './limits.ts'

/** RFC 4180 CSV, as Excel and LibreOffice write it (comma or semicolon, optional BOM). */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

/** Within TABLE_LIMITS: refused at the first row, column, cell or character past them. Blank rows are left out. */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).filter((r) => r.some((c) => c.trim() !== ''))
}

/** Comma or semicolon: whichever the busiest of the first lines uses more (a title line above the header may have neither). */
function delimiterOf(input: string): ',' | ';' {
  let commas = 0
  let semicolons = 0
  for (const line of input.slice(0, 64 * 1024).split('\n', 10)) {
    commas = Math.max(commas, line.match(/,/g)?.length ?? 0)
    semicolons = Math.max(semicolons, line.match(/;/g)?.length ?? 0)
  }
  return semicolons > commas ? ';' : ','
}

/** Every row in its place, blank ones included: row i is what a spreadsheet shows as row i + 1. */
export function parseCsvRows(text: string): string[][] {
  if (text.length > LIMITS.csvChars) throw new CsvError(`Tệp CSV quá lớn (tối đa ${LIMITS.csvChars / 1024 / 1024} MB).`, 0)
  const input = text.replace(/^\uFEFF/, '')
  const delimiter = delimiterOf(input)
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let quoteStartLine = 1
  let cells = 0
  const endCell = () => {
    if (cell.length > LIMITS.cellChars) throw new CsvError(`Dòng ${line}: ô dài quá ${formatCount(LIMITS.cellChars)} ký tự.`, line)
    if (row.length >= LIMITS.columns) throw new CsvError(`Dòng ${line}: quá nhiều cột (tối đa ${LIMITS.columns}).`, line)
    if (++cells > LIMITS.cells) throw new CsvError(`Tệp CSV có quá nhiều ô (tối đa ${formatCount(LIMITS.cells)}).`, line)
    row.push(cell)
    cell = ''
  }
  const endRow = () => {
    if (rows.length >= LIMITS.rows) throw new CsvError(`Tệp CSV có quá nhiều dòng (tối đa ${formatCount(LIMITS.rows)}).`, line)
    rows.push(row)
    row = []
  }
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          cell += '"'
          i++
        } else {
          quoted = false
          const next = input[i + 1]
          if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
            throw new CsvError(`Dòng ${line}: có ký tự sau dấu ngoặc kép đóng.`, line)
          }
        }
      } else {
        if (ch === '\n') line++
        cell += ch
      }
      continue
    }
    if (ch === '"') {
      if (cell !== '') throw new CsvError(`Dòng ${line}: dấu ngoặc kép nằm giữa ô.`, line)
      quoted = true
      quoteStartLine = line
    } else if (ch === delimiter) {
      endCell()
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && input[i + 1] === '\n') i++
      endCell()
      endRow()
      line++
    } else {
      cell += ch
    }
  }
  if (quoted) throw new CsvError(`Dòng ${quoteStartLine}: dấu ngoặc kép mở nhưng không đóng.`, quoteStartLine)
  if (cell !== '' || row.length) {
    endCell()
    endRow()
  }
  return rows
}

function escapeCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  // A leading = + - @ would run as a formula when opened in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** With a BOM so Excel opens Vietnamese text as UTF-8. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(escapeCell).join(',')).join('\r\n')}\r\n`
}
