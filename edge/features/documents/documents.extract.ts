import { Inflate } from 'fflate'
import { inflateEntry, readZipDirectory, ZipError } from '../../kernel/files/zip.ts'
import { DOCX } from '../../kernel/files/sniff.ts'

/**
 * The readable text of an uploaded document, for search and for the text-first document page.
 * Someone else made the file: every step is bounded in bytes and time, so a hostile file costs
 * at most a fraction of a second and a few MB, never the server.
 */
export const EXTRACT_LIMITS = {
  /** Characters kept (the column holds 200,000). */
  chars: 150_000,
  /** Real bytes inflated from one file, all parts together. */
  inflatedBytes: 20 * 1024 * 1024,
  /** PDF streams looked at. */
  streams: 4_000,
  /** Wall time spent on one PDF. */
  ms: 1_500,
} as const

export class ExtractError extends Error {}

export function extractText(bytes: Uint8Array, type: string): string {
  if (type === DOCX) return docxText(bytes)
  if (type === 'application/pdf') return pdfText(bytes)
  return ''
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const decodeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    if (e[0] !== '#') return XML_ENTITIES[e.toLowerCase()] ?? ''
    const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10)
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ''
  })

/** Paragraphs of word/document.xml, read through the kernel's bounded zip reader (a zip bomb stops at its claim). */
export function docxText(bytes: Uint8Array): string {
  let xml: string
  try {
    const entry = readZipDirectory(bytes).find((e) => e.name === 'word/document.xml')
    if (!entry) throw new ExtractError('no document.xml')
    xml = new TextDecoder('utf-8').decode(inflateEntry(bytes, entry, EXTRACT_LIMITS.inflatedBytes))
  } catch (error) {
    if (error instanceof ZipError || error instanceof ExtractError) throw new ExtractError(`docx: ${error.message}`)
    throw error
  }
  const paragraphs: string[] = []
  let length = 0
  for (const p of xml.split(/<\/w:p>/)) {
    const text = [...p.matchAll(/<w:(t|tab|br)\b[^>]*?(?:\/>|>([^<]*)<\/w:t>)/g)]
      .map((m) => (m[1] === 't' ? decodeXml(m[2] ?? '') : m[1] === 'tab' ? '\t' : '\n'))
      .join('')
      .trim()
    if (!text) continue
    paragraphs.push(text)
    length += text.length + 1
    if (length > EXTRACT_LIMITS.chars) break
  }
  return tidy(paragraphs.join('\n'))
}

const latin1 = new TextDecoder('latin1')

/**
 * Best effort for PDFs: the strings shown by text operators (Tj, TJ, ', ") of the content streams,
 * inflated in small steps with the output counted. Fonts with their own encodings (most scanned
 * or CID-font PDFs) yield nothing useful: such text is dropped rather than stored as noise.
 */
export function pdfText(bytes: Uint8Array): string {
  const deadline = Date.now() + EXTRACT_LIMITS.ms
  const source = latin1.decode(bytes)
  const out: string[] = []
  let inflatedTotal = 0
  let length = 0
  let streams = 0
  const streamRe = /stream\r?\n/g
  for (let m = streamRe.exec(source); m; m = streamRe.exec(source)) {
    if (++streams > EXTRACT_LIMITS.streams || Date.now() > deadline || length > EXTRACT_LIMITS.chars) break
    const start = m.index + m[0].length
    const end = source.indexOf('endstream', start)
    if (end < 0) break
    streamRe.lastIndex = end + 9
    const dict = source.slice(Math.max(0, m.index - 400), m.index)
    const dictStart = dict.lastIndexOf('<<')
    const head = dictStart >= 0 ? dict.slice(dictStart) : dict
    // fonts, images and other binary streams are no text: skip them without inflating
    if (/\/(Subtype\s*\/(Image|Type1C|CIDFontType0C|OpenType)|Length1|Length2|Type\s*\/(XRef|ObjStm|EmbeddedFile))/.test(head)) continue
    let content: string
    if (/\/Filter\s*\/FlateDecode|\/Filter\s*\[\s*\/FlateDecode\s*\]/.test(head)) {
      const left = EXTRACT_LIMITS.inflatedBytes - inflatedTotal
      if (left <= 0) break
      const inflated = inflateBounded(bytes.subarray(start, end), left, deadline)
      inflatedTotal += inflated.length
      content = latin1.decode(inflated)
    } else if (!/\/Filter/.test(head)) {
      content = source.slice(start, end)
    } else {
      continue
    }
    const text = textOperators(content, deadline)
    if (text) {
      out.push(text)
      length += text.length
    }
  }
  return tidy(out.join('\n'))
}

/** Inflates at most `limit` bytes (zlib or raw deflate), in 8 KB steps, stopping at the deadline. */
function inflateBounded(data: Uint8Array, limit: number, deadline: number): Uint8Array {
  const pieces: Uint8Array[] = []
  let total = 0
  let stop = false
  const inflater = new Inflate((chunk) => {
    if (stop) return
    const take = chunk.subarray(0, Math.max(0, limit - total))
    pieces.push(take)
    total += take.length
    if (total >= limit) stop = true
  })
  // a zlib header (0x78 ..) is skipped by hand: fflate's Inflate reads raw deflate
  const body = data[0] === 0x78 && (data[0] * 256 + data[1]) % 31 === 0 ? data.subarray(2) : data
  try {
    for (let p = 0; p < body.length && !stop && Date.now() <= deadline; p += 8192) inflater.push(body.subarray(p, p + 8192), p + 8192 >= body.length)
  } catch {
    // a broken or truncated stream: keep what came out
  }
  const out = new Uint8Array(total)
  let o = 0
  for (const piece of pieces) {
    out.set(piece, o)
    o += piece.length
  }
  return out
}

/** The strings of a content stream's text operators, one line per text object (BT … ET). */
function textOperators(content: string, deadline: number): string {
  const lines: string[] = []
  let line = ''
  const re = /\((?:\\[\s\S]|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\bET\b|\bT\*|\bTd\b|\bTD\b/g
  let checked = 0
  for (let m = re.exec(content); m; m = re.exec(content)) {
    if ((++checked & 1023) === 0 && Date.now() > deadline) break
    const token = m[0]
    if (token === 'ET' || token === 'T*' || token === 'Td' || token === 'TD') {
      if (line.trim()) lines.push(line.trim())
      line = ''
    } else if (token[0] === '(') {
      line += pdfString(unescapeLiteral(token.slice(1, -1)))
    } else {
      const hex = token.slice(1, -1).replace(/\s/g, '')
      line += pdfString(hex.replace(/(..)/g, (h) => String.fromCharCode(Number.parseInt(h, 16))))
    }
  }
  if (line.trim()) lines.push(line.trim())
  // what a font's own encoding made of the text is noise: keep lines that read as words
  return lines.filter((l) => /\p{L}{2,}/u.test(l) && (l.match(/[\p{L}\p{N}\s.,;:()/-]/gu)?.length ?? 0) >= l.length * 0.8).join('\n')
}

function unescapeLiteral(s: string): string {
  return s.replace(/\\(\d{1,3}|[\s\S])/g, (_, e: string) => {
    if (/^\d/.test(e)) return String.fromCharCode(Number.parseInt(e, 8) & 0xff)
    return ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? (e === '\n' || e === '\r' ? '' : e)
  })
}

/** Bytes of a PDF string as text: UTF-16BE with its byte-order mark, else one byte per character. */
function pdfString(raw: string): string {
  if (raw.charCodeAt(0) === 0xfe && raw.charCodeAt(1) === 0xff) {
    let s = ''
    for (let i = 2; i + 1 < raw.length; i += 2) s += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1))
    return s
  }
  return raw
}

/** NFC, no control characters, at most EXTRACT_LIMITS.chars. */
function tidy(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[^\P{Cc}\n\t]/gu, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, EXTRACT_LIMITS.chars)
}
