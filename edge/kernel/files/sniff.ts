import { readZipDirectory } from './zip.ts'

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

export type DocumentType = 'application/pdf' | typeof DOCX | 'image/png' | 'image/jpeg' | 'image/webp'

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) => signature.every((b, i) => bytes[at + i] === b)
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))

/**
 * What a file really is, from its first bytes (never from its name or the browser's claim):
 * PDF, DOCX (a zip holding word/document.xml), PNG, JPEG or WebP; null for anything else.
 */
export function sniffDocument(bytes: Uint8Array): DocumentType | null {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp'
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && isWordDocument(bytes)) return DOCX
  return null
}

/** Reads only the zip's central directory, bounds checked: nothing is inflated to decide. */
function isWordDocument(bytes: Uint8Array): boolean {
  let names: Set<string>
  try {
    names = new Set(readZipDirectory(bytes).map((e) => e.name))
  } catch {
    return false
  }
  return names.has('word/document.xml') && names.has('[Content_Types].xml')
}

/** The extension a stored file is served with. */
export const EXTENSIONS: Record<DocumentType, string> = {
  'application/pdf': 'pdf',
  [DOCX]: 'docx',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
}
