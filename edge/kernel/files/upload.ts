import type { Context } from 'hono'
import { EXTENSIONS, sniffDocument, type DocumentType } from './sniff.ts'

export type UploadProblem = 'missing' | 'too_big' | 'empty' | 'bad_type'

export const MAX_FILE_BYTES = 10 * 1024 * 1024

// Controls (C0, DEL, C1), format characters (bidi overrides and isolates, LRM/RLM, zero-width
// ones, BOM) and line separators: a right-to-left override makes "tai-lieu\u202Efdp.exe" read ".pdf".
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu

/** File names as shown: no folders, no control or direction-changing characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  return base.normalize('NFC').replace(INVISIBLE, '').trim().slice(0, 200) || 'tai-lieu'
}

/**
 * The name a stored file keeps: the user's base name with the extension of what the file
 * really is, whatever extension it came with ("poly.html" holding a PNG becomes "poly.png").
 */
export function storedFileName(name: string, type: DocumentType): string {
  const extension = EXTENSIONS[type]
  const base = cleanFileName(name)
    .replace(/[. ]+$/, '') // Windows drops trailing dots and spaces: "x.html." is "x.html"
    .replace(/\.[a-z][a-z0-9]{0,9}$/i, '')
    .replace(/[. ]+$/, '')
  return `${base.slice(0, 200 - extension.length - 1) || 'tai-lieu'}.${extension}`
}

/** An uploaded document checked by its content (PDF, DOCX, PNG, JPEG, WebP) and size. */
export async function readUpload(
  file: unknown,
  maxBytes = MAX_FILE_BYTES,
): Promise<{ ok: true; bytes: Uint8Array; type: DocumentType; fileName: string } | { ok: false; problem: UploadProblem }> {
  if (!(file instanceof File) || !file.name) return { ok: false, problem: 'missing' }
  if (file.size > maxBytes) return { ok: false, problem: 'too_big' }
  if (file.size === 0) return { ok: false, problem: 'empty' }
  const bytes = new Uint8Array(await file.arrayBuffer())
  const type = sniffDocument(bytes)
  if (!type) return { ok: false, problem: 'bad_type' }
  return { ok: true, bytes, type, fileName: storedFileName(file.name, type) }
}

/** Serves a stored file so that it can never run as a page of ours: sandboxed, inline only for PDFs and images. */
export function fileResponse(c: Context, file: { bytes: Uint8Array; type: string; name: string | null }) {
  const type = file.type as DocumentType
  const name = file.name ?? `tai-lieu.${EXTENSIONS[type] ?? 'bin'}`
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const disposition = type.startsWith('image/') || type === 'application/pdf' ? 'inline' : 'attachment'
  c.header('Content-Type', type)
  c.header('Content-Disposition', `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
  c.header('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
  c.header('Cache-Control', 'private, max-age=3600')
  return c.body(file.bytes as unknown as ArrayBuffer)
}
