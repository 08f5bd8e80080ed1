/**
 * How much work one uploaded table may cause, whatever it claims about itself: well beyond a
 * 50,000-member import (19 columns, ~1M cells), far below what stalls the server. Every parser
 * refuses past these with a Vietnamese message instead of allocating or looping on.
 */
export const TABLE_LIMITS = {
  /** Column GR; a cell reference beyond it is refused, never used as an index. */
  columns: 200,
  /** Every row element or line, empty ones included. */
  rows: 100_000,
  cells: 2_000_000,
  /** Excel's own limit for the text of one cell. */
  cellChars: 32_767,
  /** Characters of a CSV file (the request body is capped at 12 MB anyway). */
  csvChars: 16 * 1024 * 1024,
  /** Real bytes inflated from one workbook, all entries together, counted while inflating (our own export of 50,000 members: 87 MB). */
  inflatedBytes: 100 * 1024 * 1024,
} as const

/** 100000 → "100.000", as Vietnamese writes numbers. */
export const formatCount = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')
