import { Hono } from 'hono'
import { sessionOf, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid } from '../../kernel/http/validation.ts'
import { readWorkbook, spreadsheetRefusal } from '../../kernel/files/spreadsheet.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { ImportPage, type ImportReport } from '../../../views/members/ImportPage.tsx'
import { checkSheet, describeKey, duplicateKeys, organizationFinder, sharedPhoneNote, type SheetRow } from './members.sheet.ts'
import * as q from './members.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

export const memberImport = new Hono<AppEnv>()

/** Marks rows that clash with records already stored, and places each row in an organization. */
async function checkAgainstDatabase(tx: Tx, rows: SheetRow[], defaultOrg: string | undefined) {
  const orgs = await q.placeableOrgs(tx)
  const valid = rows.filter((r) => r.errors.length === 0)
  const existing = await q.existingDuplicateKeys(
    tx,
    valid.map((r) => r.values.card_number).filter(Boolean) as string[],
    valid.map((r) => r.values.citizen_id).filter(Boolean) as string[],
    valid.flatMap((r) =>
      duplicateKeys(r.values)
        .filter((k) => k.startsWith('name_birth:'))
        .map((k) => k.slice(11)),
    ),
  )
  const byPath = new Map(orgs.map((o) => [o.path, o.id]))
  const placeByName = organizationFinder(orgs)
  const sharedPhones = await q.phonesInScope(tx, valid.map((r) => r.values.phone).filter(Boolean) as string[])
  for (const row of valid) {
    const phone = row.values.phone as string | undefined
    if (phone && sharedPhones.has(phone)) row.notes.push(sharedPhoneNote(`hồ sơ đã có "${sharedPhones.get(phone)}"`))
    // a record already stored (a file imported again): one word for the row, counted apart from the errors
    const stored = duplicateKeys(row.values).filter((key) => existing.has(key))
    if (stored.length) {
      row.errors.push(`Đã có trong hệ thống (${stored.map(describeKey).join(', ')}): bỏ qua.`)
      row.known = true
    }
    const placement = {
      code: row.values.org_path as string | undefined,
      name: row.values.org_name as string | undefined,
      parent: row.values.org_parent as string | undefined,
      commune: row.values.org_commune as string | undefined,
    }
    const named = placement.code || placement.name || placement.parent
    // a file this app exported before carried the internal path as its code: still read, never shown
    const byInternalPath = placement.code ? byPath.get(placement.code) : undefined
    const found = byInternalPath ? { id: byInternalPath } : named ? placeByName(placement) : undefined
    const orgId = found && 'id' in found ? found.id : named ? undefined : defaultOrg
    if (found && 'error' in found) row.errors.push(found.error)
    else if (!orgId) row.errors.push('Chưa chọn chi bộ nhận.')
    row.values.org_id = orgId
    row.values.status = row.values.official_on ? 'official' : 'probationary'
    for (const key of ['org_path', 'org_name', 'org_parent', 'org_commune']) delete row.values[key]
  }
}

memberImport.get('/', async (c) => {
  const orgs = await c.get('data').withUser(sessionOf(c), q.assignableOrgs)
  if (!orgs.length) notFound()
  return c.html(<ImportPage viewer={viewerOf(c)} orgs={orgs} orgId={orgs.length === 1 ? orgs[0].id : undefined} />)
})

memberImport.post('/', async (c) => {
  const body = await c.req.parseBody()
  const file = body.file
  const orgId = typeof body.org_id === 'string' && isUuid(body.org_id) ? body.org_id : undefined
  const data = c.get('data')
  const orgs = await data.withUser(sessionOf(c), q.assignableOrgs)
  if (!orgs.length) notFound()
  const page = (status: 200 | 400, extra: { errors?: Record<string, string>; report?: ImportReport }) =>
    c.html(<ImportPage viewer={viewerOf(c)} orgs={orgs} orgId={orgId} {...extra} />, status)
  if (!(file instanceof File) || file.size === 0) return page(400, { errors: { file: 'Chọn một tệp CSV hoặc Excel để nhập.' } })
  if (orgId && !orgs.some((o) => o.id === orgId)) return page(400, { errors: { org_id: 'Chi bộ không thuộc phạm vi bạn quản lý.' } })

  let sheet: ReturnType<typeof checkSheet>
  try {
    const { sheets, fromExcel } = readWorkbook(new Uint8Array(await file.arrayBuffer()), file.name)
    sheet = checkSheet(sheets, fromExcel, { sheet: typeof body.sheet === 'string' && body.sheet ? body.sheet : undefined })
  } catch (error) {
    const refusal = spreadsheetRefusal(error)
    if (refusal) return page(400, { errors: { file: refusal } })
    throw error
  }
  const fileName = file.name.normalize('NFC').slice(0, 255)
  const report: ImportReport = {
    fileName,
    total: sheet.rows.length,
    valid: 0,
    fileErrors: sheet.fileErrors,
    ignoredColumns: sheet.ignoredColumns,
    rowErrors: [],
    rowNotes: [],
    reading: sheet.reading,
  }
  if (sheet.fileErrors.length) return page(400, { report })

  report.importId = await data.withUser(sessionOf(c), async (tx) => {
    await checkAgainstDatabase(tx, sheet.rows, orgId)
    const good = sheet.rows.filter((r) => r.errors.length === 0)
    report.valid = good.length
    const refused = (known: boolean) =>
      sheet.rows.filter((r) => r.errors.length && !!r.known === known).map((r) => ({ line: r.line, name: String(r.values.full_name ?? ''), errors: r.errors }))
    report.rowErrors = refused(false)
    report.rowKnown = refused(true)
    report.rowNotes = good.filter((r) => r.notes.length).map((r) => ({ line: r.line, name: String(r.values.full_name ?? ''), errors: r.notes }))
    const placement = orgId ?? good[0]?.values.org_id ?? orgs[0].id
    return good.length
      ? q.stageImport(
          tx,
          String(placement),
          fileName,
          good.map((r) => r.values),
          report.rowErrors.length,
        )
      : undefined
  })
  return page(200, { report })
})

memberImport.post('/:id/commit', async (c) => {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  const data = c.get('data')
  const outcome = await data
    .withUser(sessionOf(c), async (tx) => {
      const staged = await q.stagedImport(tx, id)
      if (!staged) return 'not-found' as const
      if (staged.committed_at) return 'already' as const
      return q.commitImport(tx, id)
    })
    .catch((error) => {
      if ((error as { code?: string }).code === '23505') return 'conflict' as const
      throw error
    })
  if (outcome === 'not-found') notFound()
  const orgs = await data.withUser(sessionOf(c), q.assignableOrgs)
  const notice =
    outcome === 'already'
      ? 'Tệp này đã được nhập trước đó; không nhập lại.'
      : outcome === 'conflict'
        ? 'Không nhập được: có hồ sơ trùng số thẻ hoặc CCCD vừa được thêm. Không dòng nào được lưu; hãy kiểm tra lại tệp.'
        : `Đã nhập ${outcome} đảng viên.`
  return c.html(<ImportPage viewer={viewerOf(c)} orgs={orgs} notice={notice} committed={typeof outcome === 'number'} />, outcome === 'conflict' ? 409 : 200)
})
