/** RFC 4180 CSV, as Excel and LibreOffice write it (comma or semicolon, optional BOM). */
export class CsvError extends Error {
  constructor(message: string, readonly line: number) {
    super(message)
  }
}

export function parseCsv(text: string): string[][] {
  const input = text.replace(/^\uFEFF/, '')
  const firstLine = input.slice(0, input.indexOf('\n') === -1 ? undefined : input.indexOf('\n'))
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ','
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let quoteStartLine = 1
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
      row.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && input[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      line++
    } else {
      cell += ch
    }
  }
  if (quoted) throw new CsvError(`Dòng ${quoteStartLine}: dấu ngoặc kép mở nhưng không đóng.`, quoteStartLine)
  if (cell !== '' || row.length) {
    row.push(cell)
    rows.push(row)
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
  return '\uFEFF' + [header, ...rows].map((r) => r.map(escapeCell).join(',')).join('\r\n') + '\r\n'
}
