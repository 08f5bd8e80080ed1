import { Hono } from 'hono'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid } from '../../kernel/http/validation.ts'
import { locateHeader, readWorkbook, spreadsheetRefusal } from '../../kernel/files/spreadsheet.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { OrgImportPage, type OrgImportReport } from '../../../views/org-tree/OrgImportPage.tsx'
import { isOrgHeader, planImport, type Plan } from './org-tree.sheet.ts'
import * as q from './org-tree.queries.ts'

export const orgImport = new Hono<AppEnv>()

/** The sheet checked against the tree as the user sees it now (the same check runs again at commit). */
async function plan(tx: Tx, table: string[][]): Promise<Plan> {
  const scope = await q.restructurable(tx)
  const codes = table.flatMap((r) => r.map((c) => c.trim().toLowerCase())).filter((c) => /^[a-z0-9._-]{1,30}$/.test(c))
  const inScope = new Set(scope.flatMap((o) => (o.short_code ? [o.short_code.toLowerCase()] : [])))
  const taken = new Set([...(await q.visibleCodes(tx, [...new Set(codes)]))].filter((c) => !inScope.has(c)))
  return planImport(table, scope, await q.kindRules(tx), taken)
}

function reportOf(fileName: string, p: Plan, sheet: { name: string; others: string[] }): OrgImportReport {
  const count = (a: string) => p.rows.filter((r) => r.action === a).length
  return {
    fileName,
    total: p.rows.length,
    create: count('create'),
    update: count('update'),
    same: count('same'),
    fileErrors: p.fileErrors,
    ignoredColumns: p.ignoredColumns,
    reading: { ...p.reading, sheet: sheet.name, otherSheets: sheet.others },
    rows: p.rows.map((r) => ({
      line: r.line,
      name: r.name,
      kind: r.kind,
      code: r.code,
      parent: r.parent,
      action: r.action,
      errors: r.errors,
      change: r.change,
    })),
  }
}

const mayImport = (c: AppContext) => c.get('data').withUser(sessionOf(c), async (tx) => (await q.restructurable(tx)).length > 0)

orgImport.get('/', async (c) => {
  if (!(await mayImport(c))) notFound()
  return c.html(<OrgImportPage viewer={viewerOf(c)} />)
})

orgImport.post('/', async (c) => {
  if (!(await mayImport(c))) notFound()
  const page = (status: 200 | 400, extra: { errors?: Record<string, string>; report?: OrgImportReport }) =>
    c.html(<OrgImportPage viewer={viewerOf(c)} {...extra} />, status)
  const body = await c.req.parseBody()
  const file = body.file
  if (!(file instanceof File) || file.size === 0) return page(400, { errors: { file: 'Chọn một tệp CSV hoặc Excel để nhập.' } })
  let table: string[][]
  let sheet: { name: string; others: string[] }
  try {
    // a workbook's sheet: the one the user chose, or the first whose header names organizations
    const { sheets } = readWorkbook(new Uint8Array(await file.arrayBuffer()), file.name)
    const located = locateHeader(sheets, isOrgHeader, typeof body.sheet === 'string' && body.sheet ? body.sheet : undefined)
    table = located.sheet.rows
    sheet = { name: located.sheet.name, others: located.otherSheets }
  } catch (error) {
    const refusal = spreadsheetRefusal(error)
    if (refusal) return page(400, { errors: { file: refusal } })
    throw error
  }
  const fileName = file.name.normalize('NFC').slice(0, 255)
  const report = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const p = await plan(tx, table)
    const r = reportOf(fileName, p, sheet)
    if (!p.fileErrors.length && r.create + r.update > 0) r.importId = await q.stageImport(tx, fileName, table)
    return r
  })
  return page(report.fileErrors.length ? 400 : 200, { report })
})

/** Commits the rows that are still valid, all in one transaction under the user's rights: all of them or none. */
orgImport.post('/:id/commit', async (c) => {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const staged = await q.stagedImport(tx, id)
      if (!staged) return 'not-found' as const
      if (staged.committed_at) return 'already' as const
      const p = await plan(tx, staged.rows)
      const made = new Map<string, string>()
      let created = 0
      let updated = 0
      for (const row of p.rows) {
        if (row.errors.length || !row.action || row.action === 'same') continue
        if (row.action === 'create') {
          const parent = made.get(row.parentKey!) ?? row.parentKey!
          made.set(row.id!, await q.createChild(tx, parent, row.name, row.kind, row.code))
          created++
        } else {
          await q.updateFromImport(tx, row.id!, row.change ?? {})
          updated++
        }
      }
      await q.markCommitted(tx, id)
      return { created, updated }
    })
    .catch((error) => {
      const code = (error as { code?: string }).code
      if (code === '23505' || code === '23514' || code === '42501') return code
      throw error
    })
  if (outcome === 'not-found') notFound()
  const notice =
    outcome === 'already'
      ? 'Tệp này đã được nhập trước đó; không nhập lại.'
      : outcome === '23505'
        ? 'Không nhập được: có mã tổ chức vừa được dùng cho tổ chức khác. Không dòng nào được lưu; hãy kiểm tra lại tệp.'
        : outcome === '23514'
          ? 'Không nhập được: có tổ chức mà loại không còn phù hợp với cấp trên hoặc với các tổ chức trực thuộc. Không dòng nào được lưu.'
          : outcome === '42501'
            ? 'Không nhập được: có tổ chức nằm ngoài phạm vi bạn quản lý. Không dòng nào được lưu.'
            : `Đã nhập: ${outcome.created} tổ chức mới, ${outcome.updated} tổ chức được cập nhật.`
  return c.html(
    <OrgImportPage viewer={viewerOf(c)} notice={notice} committed={typeof outcome === 'object'} />,
    typeof outcome === 'string' && outcome !== 'already' ? 409 : 200,
  )
})
