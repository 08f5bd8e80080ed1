import { Deflate, deflateSync, strToU8 } from 'fflate'
import { TABLE_LIMITS } from './limits.ts'

/**
 * Hostile files for the tests and the bench (never imported by the app): zips written by
 * hand so that their headers can lie, and tables past each limit of TABLE_LIMITS.
 */
export interface CraftedEntry {
  name: string
  /** Raw deflate stream of the content. */
  deflated: Uint8Array
  /** What the headers say the content inflates to. */
  claimedSize: number
}

export const entry = (name: string, text: string): CraftedEntry => {
  const raw = strToU8(text)
  return { name, deflated: deflateSync(raw), claimedSize: raw.length }
}

/** A zip whose local and central headers both say `claimedSize` (CRCs left at 0: readers that stop early never check them). */
export function craftZip(entries: CraftedEntry[]): Uint8Array {
  const parts: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const e of entries) {
    const name = strToU8(e.name)
    const local = new Uint8Array(30 + name.length)
    const l = new DataView(local.buffer)
    l.setUint32(0, 0x04034b50, true)
    l.setUint16(4, 20, true)
    l.setUint16(6, 0x0800, true)
    l.setUint16(8, 8, true)
    l.setUint32(18, e.deflated.length, true)
    l.setUint32(22, e.claimedSize, true)
    l.setUint16(26, name.length, true)
    local.set(name, 30)
    const head = new Uint8Array(46 + name.length)
    const c = new DataView(head.buffer)
    c.setUint32(0, 0x02014b50, true)
    c.setUint16(4, 20, true)
    c.setUint16(6, 20, true)
    c.setUint16(8, 0x0800, true)
    c.setUint16(10, 8, true)
    c.setUint32(20, e.deflated.length, true)
    c.setUint32(24, e.claimedSize, true)
    c.setUint16(28, name.length, true)
    c.setUint32(42, offset, true)
    head.set(name, 46)
    parts.push(local, e.deflated)
    central.push(head)
    offset += local.length + e.deflated.length
  }
  const directorySize = central.reduce((n, h) => n + h.length, 0)
  const end = new Uint8Array(22)
  const d = new DataView(end.buffer)
  d.setUint32(0, 0x06054b50, true)
  d.setUint16(8, entries.length, true)
  d.setUint16(10, entries.length, true)
  d.setUint32(12, directorySize, true)
  d.setUint32(16, offset, true)
  return concat([...parts, ...central, end])
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
const SHEET_TAIL = '</sheetData></worksheet>'

/** A workbook of one sheet; the sheet entry as given (so it may lie). */
export function craftXlsx(sheet: CraftedEntry): Uint8Array {
  return craftZip([
    entry('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    entry('xl/workbook.xml', '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    entry('xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'),
    { ...sheet, name: 'xl/worksheets/sheet1.xml' },
  ])
}

const xlsxOfRows = (rows: string) => craftXlsx(entry('sheet', SHEET_HEAD + rows + SHEET_TAIL))
const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`
const header = `<row r="1">${cell('A1', 'Họ và tên')}${cell('B1', 'Ngày sinh')}</row>`

/** The 616-byte file of issue 8: one cell named ZZZZZZ2 (column 321,272,405). */
export const farColumnXlsx = () => xlsxOfRows(`${header}<row r="2">${cell('A2', 'Nguyễn Văn A')}${cell('ZZZZZZ2', 'x')}</row>`)

export function columnName(index: number): string {
  let name = ''
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name
  return name
}

export const wideXlsx = (columns = 10_000) =>
  xlsxOfRows(`<row r="1">${Array.from({ length: columns }, (_, i) => cell(`${columnName(i)}1`, `Cột ${i + 1}`)).join('')}</row>`)

export const tallXlsx = (rows = TABLE_LIMITS.rows + 1) =>
  xlsxOfRows(header + Array.from({ length: rows - 1 }, (_, i) => `<row r="${i + 2}">${cell(`A${i + 2}`, 'Nguyễn Văn A')}</row>`).join(''))

/** Under the row and column limits, over the cell limit: 200 empty cells a row. */
export const manyCellsXlsx = () => {
  const row = '<c/>'.repeat(TABLE_LIMITS.columns)
  return xlsxOfRows(Array.from({ length: Math.ceil(TABLE_LIMITS.cells / TABLE_LIMITS.columns) + 1 }, () => `<row>${row}</row>`).join(''))
}

export const longCellXlsx = () => xlsxOfRows(`${header}<row r="2">${cell('A2', 'x'.repeat(TABLE_LIMITS.cellChars + 1))}</row>`)

const bombs = new Map<number, Uint8Array>()

/** A deflate stream of `prefix` and then zeros up to `size` bytes, made in 1 MB steps (200 MB → ~200 KB in ~1 s). */
export function zerosDeflated(size: number, prefix = ''): Uint8Array {
  const key = size * 31 + prefix.length
  const known = bombs.get(key)
  if (known) return known
  const parts: Uint8Array[] = []
  const deflate = new Deflate({ level: 1 }, (chunk) => parts.push(chunk))
  const head = strToU8(prefix)
  deflate.push(head, false)
  const zeros = new Uint8Array(1 << 20)
  for (let left = size - head.length; left > 0; left -= zeros.length) {
    deflate.push(left >= zeros.length ? zeros : zeros.subarray(0, left), left <= zeros.length)
  }
  const out = concat(parts)
  bombs.set(key, out)
  return out
}

/** Issue 8's zip that lies: its headers say 1,000 bytes, its sheet inflates to 200 MB. */
export const lyingXlsx = (size = 200_000_000, claimedSize = 1_000) => craftXlsx({ name: 'sheet', deflated: zerosDeflated(size, SHEET_HEAD), claimedSize })

/** A Word file whose document.xml says 1,000 bytes and inflates to 200 MB (sniffing must not inflate it). */
export const lyingDocx = (size = 200_000_000) =>
  craftZip([
    entry('[Content_Types].xml', '<?xml version="1.0"?><Types/>'),
    { name: 'word/document.xml', deflated: zerosDeflated(size, '<w:document>'), claimedSize: 1_000 },
  ])

/** A zip whose zip64 record claims four billion entries (fflate's unzipSync would loop over them). */
export function zip64CountLie(): Uint8Array {
  const plain = craftZip([entry('[Content_Types].xml', '<Types/>'), entry('word/document.xml', '<w:document/>')])
  const body = plain.subarray(0, plain.length - 22)
  const record = new Uint8Array(56)
  const r = new DataView(record.buffer)
  r.setUint32(0, 0x06064b50, true)
  r.setUint32(24, 0xffffffff, true)
  r.setUint32(32, 0xffffffff, true)
  const locator = new Uint8Array(20)
  const l = new DataView(locator.buffer)
  l.setUint32(0, 0x07064b50, true)
  l.setUint32(8, body.length, true)
  const end = plain.slice(plain.length - 22)
  const e = new DataView(end.buffer)
  e.setUint16(8, 0xffff, true)
  e.setUint16(10, 0xffff, true)
  return concat([body, record, locator, end])
}

export const wideCsv = (columns = 10_000) => `Họ và tên,Ngày sinh,${Array.from({ length: columns - 2 }, (_, i) => `c${i}`).join(',')}\n`
export const tallCsv = (rows = TABLE_LIMITS.rows + 1) => `Họ và tên,Ngày sinh\n${'Nguyễn Văn A,01/01/1970\n'.repeat(rows - 1)}`
export const longCellCsv = () => `Họ và tên,Ngày sinh\n"${'x'.repeat(TABLE_LIMITS.cellChars + 1)}",01/01/1970\n`
