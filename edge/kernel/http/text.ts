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
