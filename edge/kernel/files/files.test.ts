import { describe, expect, it } from 'vitest'
import { CsvError, parseCsv } from './csv.ts'
import { TABLE_LIMITS } from './limits.ts'
import { DOCX, sniffDocument } from './sniff.ts'
import { readUpload, storedFileName } from './upload.ts'
import { readXlsx, writeXlsx, XlsxError, type XlsxStats } from './xlsx.ts'
import { inflateEntry, readZipDirectory, ZipError } from './zip.ts'
import * as hostile from './hostile.fixtures.ts'

/** Deflate expands at most ~1032×, so one 8 KB step of input yields at most this much. */
const ONE_STEP = 8.5 * 1024 * 1024

function refusal(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a refusal')
}

describe('XLSX: bounded work whatever the file claims', () => {
  it('still reads an ordinary workbook, ours included', () => {
    const bytes = writeXlsx(
      'S',
      ['Họ và tên', 'Ngày sinh'],
      [
        ['Nguyễn Văn A & <Con>', '01/01/1970'],
        ['', ''],
        ['Lê Thị B', '45000'],
      ],
    )
    expect(readXlsx(bytes)).toEqual([
      ['Họ và tên', 'Ngày sinh'],
      ['Nguyễn Văn A & <Con>', '01/01/1970'],
      ['Lê Thị B', '45000'],
    ])
  })

  it('refuses a cell named ZZZZZZ2 instead of allocating a row of 321 million columns', () => {
    const error = refusal(() => readXlsx(hostile.farColumnXlsx()))
    expect(error).toBeInstanceOf(XlsxError)
    expect(error.message).toBe('Tệp Excel có quá nhiều cột (tối đa 200).')
  })

  it('accepts column GR (the 200th) and refuses GS', () => {
    const row = (ref: string) =>
      hostile.craftXlsx(hostile.entry('s', `<worksheet><sheetData><row><c r="${ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`))
    expect(readXlsx(row('GR1'))[0]).toHaveLength(200)
    expect(() => readXlsx(row('GS1'))).toThrow('quá nhiều cột')
  })

  it('refuses 10,000 columns', () => {
    expect(() => readXlsx(hostile.wideXlsx(10_000))).toThrow(new XlsxError('Tệp Excel có quá nhiều cột (tối đa 200).'))
  })

  it('stops a zip that lies about its size at its claim: 1,000 bytes claimed, 200 MB inside', () => {
    const stats: XlsxStats = { inflated: 0 }
    const error = refusal(() => readXlsx(hostile.lyingXlsx(200_000_000, 1_000), stats))
    expect(error).toBeInstanceOf(XlsxError)
    expect(error.message).toContain('Tệp Excel bị hỏng')
    expect(stats.inflated).toBeLessThan(1_000 + ONE_STEP)
  })

  it('refuses an honest claim over the limit before inflating anything of it', () => {
    const stats: XlsxStats = { inflated: 0 }
    const error = refusal(() => readXlsx(hostile.lyingXlsx(200_000_000, 200_000_000), stats))
    expect(error.message).toBe('Tệp Excel quá lớn khi giải nén (tối đa 100 MB).')
    expect(stats.inflated).toBeLessThan(1_000) // the workbook and its relationships only
  })

  it('refuses more rows than any import needs', () => {
    expect(() => readXlsx(hostile.tallXlsx())).toThrow(new XlsxError('Tệp Excel có quá nhiều dòng (tối đa 100.000).'))
    expect(readXlsx(hostile.tallXlsx(TABLE_LIMITS.rows))).toHaveLength(TABLE_LIMITS.rows)
  })

  it('refuses more cells than the limit, even within the row and column limits', () => {
    expect(() => readXlsx(hostile.manyCellsXlsx())).toThrow(new XlsxError('Tệp Excel có quá nhiều ô (tối đa 2.000.000).'))
  })

  it('refuses a cell longer than Excel itself allows', () => {
    expect(() => readXlsx(hostile.longCellXlsx())).toThrow(new XlsxError('Tệp Excel có ô dài quá 32.767 ký tự.'))
  })

  it('reads unclosed elements in one pass (no regular expression backtracking over them)', () => {
    const sheet = `<worksheet><sheetData><row><c r="A1"><v>1</v></c>${'<c r="B1">'.repeat(80_000)}</row>${'<row'.repeat(300_000)}</sheetData></worksheet>`
    expect(readXlsx(hostile.craftXlsx(hostile.entry('s', sheet)))).toEqual([['1']])
    const unclosed = `<worksheet><sheetData><row>${'<c/>'.repeat(300_000)}</sheetData></worksheet>`
    expect(() => readXlsx(hostile.craftXlsx(hostile.entry('s', unclosed)))).toThrow(new XlsxError('Tệp Excel có một dòng quá dài.'))
  })

  it('keeps a character reference outside Unicode as text instead of failing', () => {
    const sheet = '<worksheet><sheetData><row><c t="inlineStr"><is><t>&#x110000;&#1234567890;&#x41;</t></is></c></row></sheetData></worksheet>'
    expect(readXlsx(hostile.craftXlsx(hostile.entry('s', sheet)))).toEqual([['&#x110000;&#1234567890;A']])
  })
})

describe('zip reading', () => {
  it('the inflater stops after at most one step past the claimed size, and counts what it made', () => {
    const zip = hostile.lyingXlsx(200_000_000, 1_000)
    const sheet = readZipDirectory(zip).find((e) => e.name === 'xl/worksheets/sheet1.xml')!
    let handed = 0
    const error = refusal(() => inflateEntry(zip, sheet, 100 * 1024 * 1024, (chunk) => (handed += chunk.length)))
    expect(error).toBeInstanceOf(ZipError)
    expect((error as ZipError).problem).toBe('size_mismatch')
    expect((error as ZipError).inflated).toBeGreaterThan(1_000)
    expect((error as ZipError).inflated).toBeLessThan(1_000 + ONE_STEP)
    expect(handed).toBeLessThanOrEqual(1_000)
  })

  it('answers "not a valid workbook" for a broken deflate stream', () => {
    const sheet = hostile.entry('s', '<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>')
    const broken = { ...sheet, deflated: sheet.deflated.map((b, i) => (i === 0 ? 0xff : b)) }
    expect(() => readXlsx(hostile.craftXlsx(broken))).toThrow(new XlsxError('Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.'))
  })

  it('refuses a zip64 record that claims four billion entries without walking them', () => {
    expect(() => readZipDirectory(hostile.zip64CountLie())).toThrow(ZipError)
  })
})

describe('CSV: the same bounds', () => {
  const csvRefusal = (text: string) => {
    const error = refusal(() => parseCsv(text))
    expect(error).toBeInstanceOf(CsvError)
    return error.message
  }

  it('refuses 10,000 columns at the first column past 200', () => {
    expect(csvRefusal(hostile.wideCsv(10_000))).toBe('Dòng 1: quá nhiều cột (tối đa 200).')
    expect(parseCsv(hostile.wideCsv(200))[0]).toHaveLength(200)
  })

  it('refuses more rows than any import needs, blank lines included', () => {
    expect(csvRefusal(hostile.tallCsv())).toBe('Tệp CSV có quá nhiều dòng (tối đa 100.000).')
    expect(csvRefusal('\n'.repeat(TABLE_LIMITS.rows + 1))).toContain('quá nhiều dòng')
    expect(parseCsv(hostile.tallCsv(TABLE_LIMITS.rows))).toHaveLength(TABLE_LIMITS.rows)
  })

  it('refuses a cell longer than Excel allows, and a text over the size limit', () => {
    expect(csvRefusal(hostile.longCellCsv())).toBe('Dòng 2: ô dài quá 32.767 ký tự.')
    expect(csvRefusal('x'.repeat(TABLE_LIMITS.csvChars + 1))).toBe('Tệp CSV quá lớn (tối đa 16 MB).')
  })
})

describe('DOCX sniffing reads names only', () => {
  it('recognizes a Word file whose document inflates to 200 MB without inflating it', () => {
    expect(sniffDocument(hostile.lyingDocx())).toBe(DOCX)
  })

  it('answers "not a document" for a zip64 record claiming four billion entries, and for a zip without word/document.xml', () => {
    const noWord = hostile.craftZip([hostile.entry('[Content_Types].xml', '<Types/>'), hostile.entry('xl/workbook.xml', '<workbook/>')])
    expect(sniffDocument(hostile.zip64CountLie())).toBeNull()
    expect(sniffDocument(noWord)).toBeNull()
  })
})

describe('stored file names', () => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])

  it('take the extension of what the file really is, keeping the base name', async () => {
    const upload = await readUpload(new File([PNG], 'poly.html'))
    expect(upload).toMatchObject({ ok: true, type: 'image/png', fileName: 'poly.png' })
    expect(storedFileName('Báo cáo quý.PDF', 'application/pdf')).toBe('Báo cáo quý.pdf')
    expect(storedFileName('x.html. ', 'image/png')).toBe('x.png')
    expect(storedFileName('Nghị quyết số 12.2024', 'application/pdf')).toBe('Nghị quyết số 12.2024.pdf')
    expect(storedFileName('C:\\Users\\a\\hop-chi-bo.svg', 'image/jpeg')).toBe('hop-chi-bo.jpg')
    expect(storedFileName('.htaccess', 'image/png')).toBe('tai-lieu.png')
    expect(storedFileName(`${'a'.repeat(300)}.html`, 'image/webp')).toHaveLength(200)
  })

  it('lose direction overrides and other invisible characters, so a name cannot disguise its extension', () => {
    expect(storedFileName('hoa-don\u202Efdp.exe', 'application/pdf')).toBe('hoa-donfdp.pdf')
    expect(storedFileName('a\u2066b\u200Fc\u200B\uFEFF\u0085\u0007.png', 'image/png')).toBe('abc.png')
  })
})
