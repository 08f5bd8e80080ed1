/** Vietnamese input arrives in NFC or NFD depending on the keyboard: store NFC, trimmed. */
export function cleanText(value: unknown): unknown {
  if (typeof value !== 'string') return value
  return value.normalize('NFC').replace(/\s+/g, ' ').trim()
}

/** Multi-line text keeps its line breaks. */
export function cleanMultiline(value: unknown): unknown {
  if (typeof value !== 'string') return value
  return value.normalize('NFC').replace(/\r\n?/g, '\n').trim()
}

/** Uppercase ASCII folding for search and comparisons of identifiers ("Đ" → "D"). */
export function foldAccents(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
}

/**
 * An organization's internal path label (organizations.code): its name folded to ASCII words
 * plus a random suffix, so siblings of the same name get different labels. Never shown to users.
 */
export function pathLabel(name: string): string {
  const words = foldAccents(name)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(2)), (b) => b.toString(16).padStart(2, '0')).join('')
  return `${words || 'org'}_${suffix}`
}
