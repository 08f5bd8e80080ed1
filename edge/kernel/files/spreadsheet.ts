import { CsvError, parseCsv } from './csv.ts'
import { XlsxError, readXlsx } from './xlsx.ts'

class FileProblem extends Error {}

/** An uploaded spreadsheet as a table of strings; the format is decided by content, not by the file name. */
export function readSpreadsheet(bytes: Uint8Array, name: string): { table: string[][]; fromExcel: boolean } {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  if (isZip) return { table: readXlsx(bytes), fromExcel: true }
  if (/\.xlsx$/i.test(name)) throw new FileProblem('Tệp có đuôi .xlsx nhưng không phải là bảng tính Excel hợp lệ.')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new FileProblem('Tệp không phải CSV dạng UTF-8. Trong Excel hãy chọn “Lưu thành” → “CSV UTF-8”.')
  }
  if (text.includes('\u0000')) throw new FileProblem('Tệp không phải là tệp văn bản CSV.')
  return { table: parseCsv(text), fromExcel: false }
}

/** The Vietnamese message of a file that cannot be read as a spreadsheet, or undefined for any other error. */
export function spreadsheetRefusal(error: unknown): string | undefined {
  return error instanceof FileProblem || error instanceof CsvError || error instanceof XlsxError ? error.message : undefined
}
