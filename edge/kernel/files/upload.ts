import type { Context } from 'hono'
import { EXTENSIONS, sniffDocument, type DocumentType } from './sniff.ts'

export type UploadProblem = 'missing' | 'too_big' | 'empty' | 'bad_type'

export const MAX_FILE_BYTES = 10 * 1024 * 1024

/** File names as shown: no folders, no control or direction-changing characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  return base.normalize('NFC').replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, 200) || 'tai-lieu'
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
  return { ok: true, bytes, type, fileName: cleanFileName(file.name) }
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
