import { Inflate } from 'fflate'

/**
 * Reading a zip (XLSX, DOCX) someone else made, with bounded work: the central directory is
 * read by hand with every offset checked, and an entry is inflated in small steps while the
 * real output is counted, so a zip that lies about its sizes is stopped at its claim, never
 * inflated in full (fflate's unzipSync trusts the claims, and a zip64 record can make it
 * loop four billion times).
 */
export type ZipProblem = 'invalid' | 'too_big' | 'size_mismatch'

export class ZipError extends Error {
  constructor(
    readonly problem: ZipProblem,
    /** Bytes this entry had really produced when it was stopped. */
    readonly inflated = 0,
  ) {
    super(`zip: ${problem}`)
  }
}

export interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  /** What the central directory claims; checked against the real output while inflating. */
  size: number
  localOffset: number
}

export const MAX_ZIP_ENTRIES = 10_000
/** Compressed bytes pushed to the inflater at a time: deflate expands at most ~1032×, so one step yields ≤ ~8.5 MB. */
const STEP = 8 * 1024

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8)
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 0x100000000
const names = new TextDecoder('utf-8')

function invalid(): never {
  throw new ZipError('invalid')
}

/** The entries of the central directory; throws ZipError('invalid') for anything malformed. */
export function readZipDirectory(zip: Uint8Array, maxEntries = MAX_ZIP_ENTRIES): ZipEntry[] {
  let eocd = -1
  for (let at = zip.length - 22; at >= 0 && at >= zip.length - 22 - 0xffff; at--) {
    if (u32(zip, at) === 0x06054b50) {
      eocd = at
      break
    }
  }
  if (eocd < 0) invalid()
  let count = u16(zip, eocd + 10)
  let offset = u32(zip, eocd + 16)
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && u32(zip, eocd - 20) === 0x07064b50) {
    const z = u64(zip, eocd - 12)
    if (z + 56 > zip.length || u32(zip, z) !== 0x06064b50) invalid()
    count = u64(zip, z + 32)
    offset = u64(zip, z + 48)
  }
  if (count > maxEntries) invalid()
  const entries: ZipEntry[] = []
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || u32(zip, offset) !== 0x02014b50) invalid()
    const nameLength = u16(zip, offset + 28)
    const extraLength = u16(zip, offset + 30)
    const next = offset + 46 + nameLength + extraLength + u16(zip, offset + 32)
    if (next > zip.length) invalid()
    let compressedSize = u32(zip, offset + 20)
    let size = u32(zip, offset + 24)
    let localOffset = u32(zip, offset + 42)
    // zip64: the fields that overflowed are in extra field 0x0001, in this order
    for (let x = offset + 46 + nameLength; x + 4 <= offset + 46 + nameLength + extraLength; ) {
      const id = u16(zip, x)
      const length = u16(zip, x + 2)
      if (id === 0x0001) {
        let f = x + 4
        const take = () => {
          if (f + 8 > x + 4 + length) return invalid()
          f += 8
          return u64(zip, f - 8)
        }
        if (size === 0xffffffff) size = take()
        if (compressedSize === 0xffffffff) compressedSize = take()
        if (localOffset === 0xffffffff) localOffset = take()
      }
      x += 4 + length
    }
    if (u16(zip, offset + 8) & 1) invalid() // encrypted
    entries.push({
      name: names.decode(zip.subarray(offset + 46, offset + 46 + nameLength)),
      method: u16(zip, offset + 10),
      compressedSize,
      size,
      localOffset,
    })
    offset = next
  }
  return entries
}

/**
 * Inflates one entry, handing each piece of real output to `onData` (or collecting it when
 * there is none). Refused before any work when the claim exceeds `limit`; stopped with
 * 'size_mismatch' as soon as the output passes the claim, or ends short of it.
 */
export function inflateEntry(zip: Uint8Array, entry: ZipEntry, limit: number, onData?: (chunk: Uint8Array) => void): Uint8Array {
  if (entry.size > limit) throw new ZipError('too_big')
  const at = entry.localOffset
  if (at + 30 > zip.length || u32(zip, at) !== 0x04034b50) invalid()
  const start = at + 30 + u16(zip, at + 26) + u16(zip, at + 28)
  const end = start + entry.compressedSize
  if (end > zip.length) invalid()
  const pieces: Uint8Array[] = []
  let inflated = 0
  const take = (chunk: Uint8Array) => {
    inflated += chunk.length
    if (inflated > entry.size) throw new ZipError('size_mismatch', inflated)
    if (!chunk.length) return
    if (onData) onData(chunk)
    else pieces.push(chunk)
  }
  if (entry.method === 0) {
    take(zip.subarray(start, end))
  } else if (entry.method === 8) {
    const inflater = new Inflate((chunk) => take(chunk))
    try {
      if (start === end) inflater.push(new Uint8Array(0), true)
      for (let p = start; p < end; p += STEP) inflater.push(zip.subarray(p, Math.min(end, p + STEP)), p + STEP >= end)
    } catch (error) {
      // fflate's own errors (a broken deflate stream) carry a numeric code; the reader's pass through
      if (!(error instanceof ZipError) && typeof (error as { code?: unknown }).code === 'number') invalid()
      throw error
    }
  } else {
    invalid()
  }
  if (inflated !== entry.size) throw new ZipError('size_mismatch', inflated)
  if (onData) return new Uint8Array(0)
  if (pieces.length === 1) return pieces[0]
  const out = new Uint8Array(inflated)
  let o = 0
  for (const piece of pieces) {
    out.set(piece, o)
    o += piece.length
  }
  return out
}
