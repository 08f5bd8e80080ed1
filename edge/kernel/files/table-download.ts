import type { Context } from 'hono'
import { toCsv } from './csv.ts'
import { writeXlsx } from './xlsx.ts'

export type TableFormat = 'csv' | 'xlsx'

/** A table as a download, never cached (exports hold personal data): CSV in UTF-8, or an Excel workbook of one sheet. */
export function tableDownload(c: Context, file: { format: TableFormat; name: string; sheet: string }, header: string[], rows: unknown[][]) {
  c.header('Content-Disposition', `attachment; filename="${file.name}.${file.format}"`)
  c.header('Cache-Control', 'no-store')
  if (file.format === 'csv') {
    c.header('Content-Type', 'text/csv; charset=utf-8')
    return c.body(toCsv(header, rows))
  }
  c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  return c.body(writeXlsx(file.sheet, header, rows) as unknown as ArrayBuffer)
}
