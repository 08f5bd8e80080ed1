import { foldAccents } from '../../kernel/http/text.ts'
import { dataRows, locateHeader, type Reading } from '../../kernel/files/spreadsheet.ts'
import { ORG_KIND_LABELS } from '../../../views/components/labels.ts'
import { ORG_KINDS, SHORT_CODE } from './org-tree.forms.ts'
import type { ScopeOrg } from './org-tree.queries.ts'

/** Headers (accent- and case-insensitive) → fields. */
const HEADERS: Record<string, 'name' | 'kind' | 'parent' | 'code'> = {
  'ten to chuc': 'name',
  ten: 'name',
  'ten to chuc dang': 'name',
  loai: 'kind',
  'loai to chuc': 'kind',
  'truc thuoc': 'parent',
  'cap tren': 'parent',
  'to chuc cap tren': 'parent',
  ma: 'code',
  'ma to chuc': 'code',
}

export const MAX_ROWS = 5_000
/** Candidates named in an "ambiguous name" error; the rest are counted. */
const MAX_CANDIDATES = 10

const fold = (text: string) =>
  foldAccents(text.normalize('NFC'))
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

/** The labels the pages show, the codes, and the words offices write. */
const KINDS = new Map<string, string>([
  ...ORG_KINDS.map((k) => [k.replace(/_/g, ' '), k] as [string, string]),
  ...Object.entries(ORG_KIND_LABELS).map(([k, label]) => [fold(label), k] as [string, string]),
  ['dang bo tinh', 'province_committee'],
  ['dang bo thanh pho', 'province_committee'],
  ['tinh uy', 'province_committee'],
  ['thanh uy', 'province_committee'],
  ['dang bo xa', 'commune_committee'],
  ['dang bo phuong', 'commune_committee'],
  ['dang bo dac khu', 'commune_committee'],
  ['dang bo xa phuong', 'commune_committee'],
  ['chi bo co so', 'grassroots_cell'],
  ['dang bo co so', 'grassroots_committee'],
  ['dang uy bo phan', 'sub_committee'],
  ['chi bo', 'cell'],
  ['chi bo truc thuoc', 'cell'],
  ['to dang', 'party_group'],
])

export function kindOf(value: string): string | undefined {
  return KINDS.get(fold(value))
}

/** Names compare as written, whatever the case, spacing and Unicode form. */
export const nameKey = (name: string) => name.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi')

/** A node an import row refers to: an organization already in the tree, or one an earlier row creates. */
interface Node {
  /** The existing organization's id, or `line:<n>` of the row that creates it. */
  key: string
  name: string
  kind: string
  code: string | null
  parentKey: string | null
  parentName: string | null
  line?: number
}

export type RowAction = 'create' | 'update' | 'same'

export interface PlannedRow {
  line: number
  name: string
  kind: string
  code: string | null
  errors: string[]
  action?: RowAction
  /** the organization it goes under (its name, as the tree or the file has it) */
  parent?: string
  /** Existing organization to update (update, same), or where to create (create). */
  id?: string
  parentKey?: string
  change?: { name?: string; kind?: string; short_code?: string }
}

export interface Plan {
  fileErrors: string[]
  ignoredColumns: string[]
  rows: PlannedRow[]
  reading: Reading
}

/** What each column is called on the report of how the file was read. */
const FIELD_LABELS: Record<string, string> = { name: 'Tên tổ chức', kind: 'Loại', parent: 'Trực thuộc (cấp trên)', code: 'Mã tổ chức' }

/** A header row names the organization and its type or parent (title rows above it do not). */
export const isOrgHeader = (row: string[]) => {
  const fields = row.map((h) => HEADERS[fold(h)])
  return fields.includes('name') && (fields.includes('kind') || fields.includes('parent'))
}

/** The sheet's table: the header found below any title block, and the data rows with their lines as the office sees them. */
export function tableOf(rows: string[][]): { header: string[]; body: { line: number; cells: string[] }[]; reading: Reading } {
  const located = locateHeader([{ name: '', rows }], isOrgHeader)
  const header = rows[located.headerIndex] ?? []
  return {
    header,
    body: dataRows(located),
    reading: {
      sheet: '',
      otherSheets: [],
      headerLine: located.headerIndex + 1,
      skipped: located.skipped,
      columns: header.flatMap((h) => (h.trim() ? [{ header: h.trim(), use: FIELD_LABELS[HEADERS[fold(h)] ?? ''] ?? '', notes: [] }] : [])),
    },
  }
}

const describe = (n: Node) => `“${n.name}”${n.parentName ? ` thuộc ${n.parentName}` : ''}${n.code ? ` (mã ${n.code})` : ''}${n.line ? ` (dòng ${n.line})` : ''}`

/** Header row → which field each column is, and the file-level problems. */
function readHeader(header: string[], body: unknown[]): { columns: (string | undefined)[]; fileErrors: string[]; ignoredColumns: string[] } {
  const columns = header.map((h) => HEADERS[fold(h)])
  const fileErrors: string[] = []
  if (!columns.includes('name')) fileErrors.push('Thiếu cột "Tên tổ chức" ở dòng tiêu đề.')
  if (!columns.includes('kind')) fileErrors.push('Thiếu cột "Loại" ở dòng tiêu đề.')
  if (!columns.includes('parent')) fileErrors.push('Thiếu cột "Trực thuộc" ở dòng tiêu đề.')
  if (body.length === 0) fileErrors.push('Tệp không có dòng dữ liệu nào.')
  if (body.length > MAX_ROWS) fileErrors.push(`Tệp có ${body.length} dòng; mỗi lần nhập tối đa ${MAX_ROWS} tổ chức.`)
  return { columns, fileErrors, ignoredColumns: header.filter((h, i) => h.trim() && !columns[i]) }
}

/**
 * Places every row of the file in the tree, in file order: a row's parent is an organization
 * the user restructures, or one an earlier row of the file creates. A row whose code, or whose
 * parent and name, match an organization already there is that organization (updated when its
 * name, kind or code differ, untouched otherwise), so importing a file twice changes nothing.
 * `taken`: codes (lower case) of open organizations outside `scope` that the user can see.
 */
export function planImport(sheetRows: string[][], scope: ScopeOrg[], rules: { parent_kind: string; child_kind: string }[], taken: Set<string>): Plan {
  const { header, body, reading } = tableOf(sheetRows)
  const { columns, fileErrors, ignoredColumns } = readHeader(header, body)
  if (fileErrors.length) return { fileErrors, ignoredColumns, rows: [], reading }
  const allowed = (parent: string, child: string) => rules.some((r) => r.parent_kind === parent && r.child_kind === child)
  const label = (kind: string) => ORG_KIND_LABELS[kind] ?? kind

  const nodes = new Map<string, Node>()
  const byCode = new Map<string, Node>()
  const byName = new Map<string, Node[]>()
  const kids = new Map<string, Set<string>>()
  const index = (node: Node) => {
    if (node.parentKey) kids.set(node.parentKey, (kids.get(node.parentKey) ?? new Set()).add(node.key))
    if (node.code) byCode.set(node.code.toLowerCase(), node)
    const key = nameKey(node.name)
    byName.set(key, [...(byName.get(key) ?? []).filter((n) => n.key !== node.key), node])
  }
  for (const o of scope) {
    const node: Node = { key: o.id, name: o.name, kind: o.kind, code: o.short_code, parentKey: o.parent_id, parentName: o.parent_name }
    nodes.set(o.id, node)
    index(node)
  }
  const childNamed = (parentKey: string, name: string) => {
    const key = nameKey(name)
    return [...(kids.get(parentKey) ?? [])].map((k) => nodes.get(k)!).filter((n) => nameKey(n.name) === key)
  }
  const failedLines = new Map<string, number>()
  /** Organizations the rows above have named (made or matched), by name: the file says which one it means. */
  const inFile = new Map<string, Node>()

  /** One name or code; several matches are reported with each candidate. A name a row above gave is that row's organization. */
  const findOne = (text: string, within?: string): { node?: Node; error?: string } => {
    if (!within) {
      const coded = byCode.get(text.toLowerCase())
      if (coded) return { node: coded }
      const above = inFile.get(nameKey(text))
      if (above) return { node: nodes.get(above.key) ?? above }
    }
    const found = within ? childNamed(within, text) : (byName.get(nameKey(text)) ?? [])
    if (found.length === 1) return { node: found[0] }
    if (found.length > 1) {
      const listed = found.slice(0, MAX_CANDIDATES).map(describe).join('; ')
      const more = found.length > MAX_CANDIDATES ? ` và ${found.length - MAX_CANDIDATES} tổ chức khác` : ''
      return { error: `Tên "${text}" trùng với ${found.length} tổ chức: ${listed}${more}. Ghi mã tổ chức hoặc "cấp trên › tên".` }
    }
    return {}
  }

  const resolveParent = (text: string): { node?: Node; error?: string } => {
    const parts = text
      .split(/\s*[›>]\s*/)
      .map((p) => p.trim())
      .filter(Boolean)
    let node: Node | undefined
    for (const part of parts) {
      const next = findOne(part, node?.key)
      if (next.error) return next
      if (!next.node) {
        const failed = failedLines.get(nameKey(part)) ?? failedLines.get(part.toLowerCase())
        if (failed) return { error: `Tổ chức cấp trên "${part}" (dòng ${failed}) có lỗi nên chưa thể nhập.` }
        return {
          error: node
            ? `Không tìm thấy "${part}" trực thuộc ${node.name}.`
            : `Không tìm thấy tổ chức cấp trên "${part}" trong phạm vi bạn quản lý (theo mã, hoặc tên đúng như trong hệ thống hay ở dòng trước của tệp).`,
        }
      }
      node = next.node
    }
    return { node }
  }

  const seenCodes = new Map<string, number>()
  const rows = body.map(({ line, cells }): PlannedRow => {
    const raw: Record<string, string> = {}
    columns.forEach((field, c) => {
      if (field && raw[field] === undefined) raw[field] = (cells[c] ?? '').normalize('NFC').replace(/\s+/g, ' ').trim()
    })
    const name = raw.name ?? ''
    const code = raw.code || null
    const errors: string[] = []
    const kind = kindOf(raw.kind ?? '')
    if (!name) errors.push('Thiếu tên tổ chức.')
    else if (name.length > 200) errors.push('Tên tổ chức dài quá 200 ký tự.')
    if (!raw.kind) errors.push('Thiếu loại tổ chức.')
    else if (!kind) errors.push(`Loại "${raw.kind}" không rõ; ghi một trong: ${Object.values(ORG_KIND_LABELS).join(', ')}.`)
    if (code && !SHORT_CODE.test(code)) errors.push(`Mã "${code}": chỉ gồm chữ không dấu, số và . - _ (tối đa 30 ký tự).`)
    if (code && SHORT_CODE.test(code)) {
      const first = seenCodes.get(code.toLowerCase())
      if (first) errors.push(`Mã "${code}" trùng với dòng ${first} trong tệp.`)
      else seenCodes.set(code.toLowerCase(), line)
    }

    // the organization itself, by its code
    let existing = code ? byCode.get(code.toLowerCase()) : undefined
    if (existing?.line) existing = undefined // a code an earlier row takes: reported above
    if (code && !existing && taken.has(code.toLowerCase())) errors.push(`Mã "${code}" đã dùng cho một tổ chức ngoài phạm vi bạn quản lý.`)

    let parent: Node | undefined
    if (raw.parent) {
      const found = resolveParent(raw.parent)
      if (found.error) errors.push(found.error)
      parent = found.node
      if (existing && parent && existing.parentKey !== parent.key) {
        errors.push(`Mã "${code}" là của ${describe(existing)}, không trực thuộc ${parent.name}; muốn chuyển tổ chức, dùng chức năng "Chuyển" ở trang của nó.`)
      }
    } else if (!existing) {
      errors.push('Thiếu tổ chức cấp trên (cột "Trực thuộc").')
    }
    if (!existing && parent && name) {
      const same = childNamed(parent.key, name)
      if (same.length === 1) {
        existing = same[0]
        if (code && existing.code && existing.code.toLowerCase() !== code.toLowerCase()) {
          errors.push(`${describe(existing)} đã có mã khác (${existing.code}).`)
        }
      } else if (same.length > 1) errors.push(`Đã có ${same.length} tổ chức tên "${name}" trực thuộc ${parent.name}.`)
    }
    const parentKind = existing ? nodes.get(existing.parentKey ?? '')?.kind : parent?.kind
    if (kind && parentKind && !allowed(parentKind, kind)) errors.push(`${label(kind)} không thể trực thuộc ${label(parentKind)}.`)
    if (existing?.line) errors.push(`Trùng với dòng ${existing.line} trong tệp (cùng cấp trên và tên).`)
    if (existing && kind && existing.kind !== kind) {
      const misfit = [...(kids.get(existing.key) ?? [])].map((k) => nodes.get(k)!).find((n) => !allowed(kind, n.kind))
      if (misfit) errors.push(`Không đổi được loại: ${label(kind)} không thể có ${label(misfit.kind)} trực thuộc (“${misfit.name}”).`)
    }

    const parentName = existing ? (nodes.get(existing.parentKey ?? '')?.name ?? existing.parentName ?? undefined) : parent?.name
    const row: PlannedRow = { line, name, kind: kind ?? raw.kind ?? '', code, errors, parent: parentName ?? raw.parent }
    if (errors.length) {
      if (name) failedLines.set(nameKey(name), line)
      if (code) failedLines.set(code.toLowerCase(), line)
      return row
    }
    if (existing) {
      const change: PlannedRow['change'] = {}
      if (existing.name !== name) change.name = name
      if (existing.kind !== kind) change.kind = kind
      if (code && existing.code !== code) change.short_code = code
      row.id = existing.key
      row.change = change
      row.action = Object.keys(change).length ? 'update' : 'same'
      const updated: Node = { ...existing, name, kind: kind!, code: code ?? existing.code }
      nodes.set(existing.key, updated)
      index(updated)
      inFile.set(nameKey(name), updated)
      if (change.name)
        byName.set(
          nameKey(existing.name),
          (byName.get(nameKey(existing.name)) ?? []).filter((n) => n.key !== existing.key),
        )
    } else {
      const node: Node = { key: `line:${line}`, name, kind: kind!, code, parentKey: parent!.key, parentName: parent!.name, line }
      nodes.set(node.key, node)
      index(node)
      inFile.set(nameKey(name), node)
      row.id = node.key
      row.parentKey = parent!.key
      row.action = 'create'
    }
    return row
  })
  return { fileErrors, ignoredColumns, rows, reading }
}
