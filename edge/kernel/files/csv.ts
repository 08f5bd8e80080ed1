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

/** Within TABLE_LIMITS: refused at the first row, column, cell or character past them. */
export function parseCsv(text: string): string[][] {
  if (text.length > LIMITS.csvChars) throw new CsvError(`Tệp CSV quá lớn (tối đa ${LIMITS.csvChars / 1024 / 1024} MB).`, 0)
  const input = text.replace(/^\uFEFF/, '')
  const firstLine = input.slice(0, input.indexOf('\n') === -1 ? undefined : input.indexOf('\n'))
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ','
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
  return rows.filter((r) => r.some((c) => c.trim() !== ''))
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
