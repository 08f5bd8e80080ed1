import { strToU8, zipSync } from 'fflate'
import { TABLE_LIMITS as LIMITS, formatCount } from './limits.ts'
import { inflateEntry, readZipDirectory, ZipError, type ZipEntry } from './zip.ts'

/**
 * The small part of Office Open XML we need: read the visible sheets' cell values (a merged
 * range's value in each of its cells), write one sheet of strings. No formulas, no styles;
 * dates arrive as serial numbers.
 */
export class XlsxError extends Error {}

const NOT_XLSX = 'Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.'
/** workbook.xml and its relationships: a few KB in any real workbook. */
const MAX_PART_BYTES = 4 * 1024 * 1024
/** Text of one <row> element or one shared string while it is being read. */
const MAX_ROW_CHARS = 1024 * 1024
const MAX_SHARED_STRING_CHARS = 1024 * 1024

const refuse = (message: string): never => {
  throw new XlsxError(message)
}
const tooManyColumns = () => refuse(`Tệp Excel có quá nhiều cột (tối đa ${LIMITS.columns}).`)
const tooLongCell = () => refuse(`Tệp Excel có ô dài quá ${formatCount(LIMITS.cellChars)} ký tự.`)

const codePoint = (n: number, text: string) => (n <= 0x10ffff ? String.fromCodePoint(n) : text)

function decodeXml(text: string): string {
  if (!text.includes('&')) return text
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]{1,8});/gi, (m, h) => codePoint(parseInt(h, 16), m))
    .replace(/&#(\d{1,8});/g, (m, d) => codePoint(Number(d), m))
    .replace(/&amp;/g, '&')
}

/** Where `<tag` starts (followed by a space, `>` or `/`) at or after `from`; -1 for none, -2 when the text ends right after it. */
function findOpen(xml: string, open: string, from: number): number {
  for (let at = xml.indexOf(open, from); at >= 0; at = xml.indexOf(open, at + 1)) {
    const next = xml[at + open.length]
    if (next === undefined) return -2
    if (next === '>' || next === '/' || next === ' ' || next === '\t' || next === '\n' || next === '\r') return at
  }
  return -1
}

/**
 * The `<tag …/>` and `<tag …>…</tag>` elements (not nested in themselves) of XML that arrives
 * in pieces, in one pass: an unfinished element is kept, with where its search stopped, until
 * the next piece, so no text is searched twice and no regular expression can backtrack.
 */
class Elements {
  private pending = ''
  private known = false
  private gt = -1
  private from = 0
  private readonly open: string
  private readonly close: string
  constructor(
    tag: string,
    private readonly maxPending: number,
    private readonly tooLong: () => never,
    private readonly onElement: (attrs: string, inner: string) => void,
  ) {
    this.open = `<${tag}`
    this.close = `</${tag}>`
  }

  push(text: string) {
    const { open, close } = this
    const xml = this.pending + text
    let pos = 0
    let known = this.known
    let gt = this.gt
    let from = this.from
    this.known = false
    for (;;) {
      let start = pos
      if (known) known = false
      else {
        start = findOpen(xml, open, pos)
        gt = -1
        from = 0
        if (start === -2) {
          pos = xml.lastIndexOf(open)
          break
        }
        if (start < 0) {
          pos = Math.max(pos, xml.length - open.length + 1)
          break
        }
      }
      if (gt < 0) {
        gt = xml.indexOf('>', Math.max(start + open.length, from))
        if (gt < 0) {
          ;[pos, this.known, this.gt, this.from] = [start, true, -1, xml.length - start]
          break
        }
      }
      if (xml[gt - 1] === '/') {
        this.onElement(xml.slice(start + open.length, gt - 1), '')
        pos = gt + 1
        continue
      }
      const end = xml.indexOf(close, Math.max(gt + 1, from))
      if (end < 0) {
        ;[pos, this.known, this.gt, this.from] = [start, true, gt - start, Math.max(gt + 1, xml.length - close.length + 1) - start]
        break
      }
      this.onElement(xml.slice(start + open.length, gt), xml.slice(gt + 1, end))
      pos = end + close.length
    }
    this.pending = xml.slice(pos)
    if (this.pending.length > this.maxPending) this.tooLong()
  }
}

function eachElement(xml: string, tag: string, onElement: (attrs: string, inner: string) => void) {
  new Elements(tag, Infinity, tooLongCell, onElement).push(xml)
}

function textOf(xml: string): string {
  // the common shape, one plain run: <t>…</t> or <is><t xml:space="preserve">…</t></is>
  const simple = /^(?:<is>)?<t(?: xml:space="preserve")?>([^<]*)<\/t>(?:<\/is>)?$/.exec(xml)
  if (simple) {
    const text = decodeXml(simple[1])
    return text.length > LIMITS.cellChars ? tooLongCell() : text
  }
  let text = ''
  eachElement(xml, 't', (_, inner) => {
    text += decodeXml(inner)
    if (text.length > LIMITS.cellChars) tooLongCell()
  })
  return text
}

/** "GR" → 199; anything past the column limit → refused, never used as an index. */
function columnIndex(letters: string): number {
  if (letters.length > 3) tooManyColumns()
  let n = 0
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64)
  return n - 1
}

/** How much a workbook made us inflate (for tests and the bench: the work a hostile file caused). */
export interface XlsxStats {
  inflated: number
}

/** One sheet: rows[i] is the sheet's row i + 1, blank rows included. */
export interface XlsxSheet {
  name: string
  rows: string[][]
}

/** The first sheet's rows with values, in order (question banks and other one-table files). */
export function readXlsx(bytes: Uint8Array, stats: XlsxStats = { inflated: 0 }): string[][] {
  return (readXlsxSheets(bytes, stats)[0]?.rows ?? []).filter((r) => r.some((c) => c.trim() !== ''))
}

/** Every visible sheet in the workbook's order, each row in its place; hidden sheets (lookup lists) are left out. */
export function readXlsxSheets(bytes: Uint8Array, stats: XlsxStats = { inflated: 0 }): XlsxSheet[] {
  try {
    return readWorkbook(bytes, stats)
  } catch (error) {
    if (!(error instanceof ZipError)) throw error
    if (error.problem === 'too_big') throw new XlsxError(`Tệp Excel quá lớn khi giải nén (tối đa ${LIMITS.inflatedBytes / 1024 / 1024} MB).`)
    if (error.problem === 'size_mismatch') throw new XlsxError('Tệp Excel bị hỏng: dữ liệu nén không khớp với kích thước ghi trong tệp.')
    throw new XlsxError(NOT_XLSX)
  }
}

function readWorkbook(bytes: Uint8Array, stats: XlsxStats): XlsxSheet[] {
  const entries = new Map(readZipDirectory(bytes).map((e) => [e.name, e]))
  /** Inflates only what is asked for, counting the real output against what is left of the budget. */
  const inflate = (entry: ZipEntry, limit: number, onData?: (chunk: Uint8Array) => void) => {
    const before = stats.inflated
    try {
      const out = inflateEntry(bytes, entry, Math.min(limit, LIMITS.inflatedBytes - before), (chunk) => {
        stats.inflated += chunk.length
        onData?.(chunk)
      })
      return out
    } catch (error) {
      if (error instanceof ZipError && error.inflated) stats.inflated = before + error.inflated
      throw error
    }
  }
  const part = (name: string) => {
    const entry = entries.get(name)
    if (!entry) return ''
    const chunks: Uint8Array[] = []
    inflate(entry, MAX_PART_BYTES, (c) => chunks.push(c))
    const decoder = new TextDecoder()
    return chunks.map((c) => decoder.decode(c, { stream: true })).join('') + decoder.decode()
  }
  /** Streams an entry's text through element readers, never holding the whole text. */
  const stream = (entry: ZipEntry, ...readers: Elements[]) => {
    const decoder = new TextDecoder()
    inflate(entry, LIMITS.inflatedBytes, (chunk) => {
      const text = decoder.decode(chunk, { stream: true })
      for (const reader of readers) reader.push(text)
    })
    const rest = decoder.decode()
    for (const reader of readers) reader.push(rest)
  }

  const workbook = part('xl/workbook.xml')
  if (!workbook) refuse(NOT_XLSX)
  const declared: { name: string; rel?: string }[] = []
  eachElement(workbook, 'sheet', (attrs) => {
    if (/\bstate="(hidden|veryHidden)"/.test(attrs)) return
    declared.push({ name: decodeXml(/\bname="([^"]*)"/.exec(attrs)?.[1] ?? ''), rel: /\br:id="([^"]+)"/.exec(attrs)?.[1] })
  })
  const targets = new Map<string, string>()
  eachElement(part('xl/_rels/workbook.xml.rels'), 'Relationship', (attrs) => {
    const id = /\bId="([^"]*)"/.exec(attrs)?.[1]
    const target = /\bTarget="([^"]+)"/.exec(attrs)?.[1]
    if (id && target && !targets.has(id)) targets.set(id, `xl/${target.replace(/^\/?xl\//, '')}`)
  })
  const sheets = declared.length ? declared : [{ name: 'Sheet1', rel: undefined }]
  const located = sheets.flatMap((s) => {
    const entry = entries.get((s.rel && targets.get(s.rel)) || 'xl/worksheets/sheet1.xml')
    return entry ? [{ name: s.name, entry }] : []
  })
  if (!located.length) refuse('Không tìm thấy trang tính nào trong tệp Excel.')

  const shared: string[] = []
  const sharedStrings = entries.get('xl/sharedStrings.xml')
  if (sharedStrings) {
    stream(
      sharedStrings,
      new Elements('si', MAX_SHARED_STRING_CHARS, tooLongCell, (_, inner) => {
        if (shared.length >= LIMITS.cells) refuse(`Tệp Excel có quá nhiều chuỗi văn bản (tối đa ${formatCount(LIMITS.cells)}).`)
        shared.push(textOf(inner))
      }),
    )
  }

  let cells = 0
  let rowCount = 0
  const readSheet = (entry: ZipEntry): string[][] => {
    const rows: string[][] = []
    const merges: string[] = []
    const readRow = (attrs: string, inner: string) => {
      if (++rowCount > LIMITS.rows) refuse(`Tệp Excel có quá nhiều dòng (tối đa ${formatCount(LIMITS.rows)}).`)
      // a row's own number: rows Excel left out (blank) keep their place, so "dòng N" is the row the office sees
      const at = Number(/\br="(\d{1,7})"/.exec(attrs)?.[1] ?? rows.length + 1) - 1
      if (at >= LIMITS.rows) refuse(`Tệp Excel có quá nhiều dòng (tối đa ${formatCount(LIMITS.rows)}).`)
      while (rows.length < at) rows.push([])
      rows[Math.max(at, rows.length)] = cellsOf(inner)
    }
    stream(
      entry,
      new Elements('row', MAX_ROW_CHARS, () => refuse('Tệp Excel có một dòng quá dài.'), readRow),
      new Elements(
        'mergeCell',
        1024,
        () => refuse(NOT_XLSX),
        (attrs) => {
          const ref = /\bref="([A-Z]{1,3}\d{1,7}:[A-Z]{1,3}\d{1,7})"/.exec(attrs)?.[1]
          if (ref) merges.push(ref)
        },
      ),
    )
    fillMerges(rows, merges)
    return rows.map((r) => Array.from(r, (v) => v ?? ''))
  }
  /** A merged range shows its first cell's value in all its cells (a committee's name merged down its cells' rows). */
  const fillMerges = (rows: string[][], merges: string[]) => {
    for (const ref of merges) {
      const [from, to] = ref.split(':').map((a) => /^([A-Z]+)(\d+)$/.exec(a)!)
      const [c0, c1] = [columnIndex(from[1]), columnIndex(to[1])]
      const [r0, r1] = [Number(from[2]) - 1, Math.min(Number(to[2]) - 1, rows.length - 1)]
      const value = rows[r0]?.[c0] ?? ''
      if (!value) continue
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= Math.min(c1, LIMITS.columns - 1); c++) {
          if (c === c0 && r === r0) continue
          if (++cells > LIMITS.cells) refuse(`Tệp Excel có quá nhiều ô (tối đa ${formatCount(LIMITS.cells)}).`)
          rows[r][c] = value
        }
      }
    }
  }
  const cellsOf = (inner: string): string[] => {
    const row: string[] = []
    eachElement(inner, 'c', (attrs, content) => {
      if (++cells > LIMITS.cells) refuse(`Tệp Excel có quá nhiều ô (tối đa ${formatCount(LIMITS.cells)}).`)
      const letters = /\br="([A-Z]+)\d+"/.exec(attrs)?.[1]
      const index = letters ? columnIndex(letters) : row.length
      if (index >= LIMITS.columns) tooManyColumns()
      const type = /\bt="([^"]+)"/.exec(attrs)?.[1]
      const v = content.indexOf('<v>')
      const vEnd = v < 0 ? -1 : content.indexOf('</v>', v + 3)
      const raw = vEnd < 0 ? undefined : content.slice(v + 3, vEnd)
      let value = ''
      if (type === 's') value = shared[Number(raw)] ?? ''
      else if (type === 'inlineStr') value = textOf(content)
      else if (raw !== undefined) value = decodeXml(raw)
      if (value.length > LIMITS.cellChars) tooLongCell()
      row[index] = value
    })
    return Array.from(row, (v) => v ?? '')
  }
  return located.map((s) => ({ name: s.name, rows: readSheet(s.entry) }))
}

/** Excel's day serial (1900 system) → yyyy-mm-dd; other text is returned unchanged. */
export function excelSerialToIso(value: string): string {
  if (!/^\d{4,5}(\.\d+)?$/.test(value)) return value
  const ms = Date.UTC(1899, 11, 30) + Math.floor(Number(value)) * 86_400_000
  return new Date(ms).toISOString().slice(0, 10)
}

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  )
}

function columnName(index: number): string {
  let name = ''
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name
  return name
}

export function writeXlsx(sheetName: string, header: string[], rows: unknown[][]): Uint8Array {
  const sheetRows = [header, ...rows]
    .map((r, i) => {
      const cells = r
        .map((v, j) => {
          if (v === null || v === undefined || v === '') return ''
          return `<c r="${columnName(j)}${i + 1}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(String(v))}</t></is></c>`
        })
        .join('')
      return `<row r="${i + 1}">${cells}</row>`
    })
    .join('')
  const files = {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${escapeXml(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
  }
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])))
}
