import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, FormErrors } from '../components/Field.tsx'
import { ORG_KIND_LABELS } from '../components/labels.ts'
import { FileReading, FileReportHead, SheetChoice } from '../components/FileReport.tsx'
import type { Reading } from '../../edge/kernel/files/spreadsheet.ts'

export interface OrgImportReport {
  importId?: string
  fileName: string
  total: number
  create: number
  update: number
  same: number
  fileErrors: string[]
  ignoredColumns: string[]
  reading?: Reading
  rows: {
    line: number
    name: string
    kind: string
    code: string | null
    /** the organization it goes under, as the file or the tree names it */
    parent?: string
    action?: 'create' | 'update' | 'same'
    errors: string[]
    change?: { name?: string; kind?: string; short_code?: string }
  }[]
}

const SHOWN_ROWS = 1000

export function OrgImportPage(props: { viewer: Viewer; errors?: Record<string, string>; report?: OrgImportReport; notice?: string; committed?: boolean }) {
  return (
    <Layout title="Nhập tổ chức từ tệp" viewer={props.viewer} current="/orgs">
      <p>
        <a href="/orgs">‹ Cây tổ chức</a>
      </p>
      <h1>Nhập tổ chức từ tệp</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}{' '}
          {props.committed && (
            <>
              Tiếp theo: <a href="/members/import">nhập danh sách đảng viên</a> · <a href="/orgs">xem cây tổ chức</a>
            </>
          )}
        </p>
      )}
      <form method="post" action="/orgs/import" enctype="multipart/form-data" class="card">
        <FormErrors errors={props.errors ?? {}} />
        <CsrfField token={props.viewer.csrf} />
        <div class={props.errors?.file ? 'field invalid' : 'field'}>
          <label for="f-file">Tệp CSV hoặc Excel (.xlsx)</label>
          <input id="f-file" type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
          {props.errors?.file && <p class="error">{props.errors.file}</p>}
          <small>
            Các dòng tên đơn vị, tiêu đề danh sách phía trên được bỏ qua; dòng tiêu đề có: Tên tổ chức, Loại, Trực thuộc (bắt buộc), Mã (không bắt buộc). “Trực
            thuộc” ghi mã của tổ chức cấp trên, hoặc tên đúng của nó, hoặc “cấp trên › tên” khi tên bị trùng; cấp trên ghi tên một dòng phía trên trong cùng tệp
            thì là đúng dòng đó (dòng gần nhất), dù nơi khác có tổ chức trùng tên. Loại ghi như: {Object.values(ORG_KIND_LABELS).join(', ')}. Nhập lại cùng một
            tệp không tạo thêm gì; tổ chức đã có (cùng mã, hoặc cùng cấp trên và tên) được cập nhật.
          </small>
        </div>
        <SheetChoice reading={props.report?.reading} />
        <button type="submit">Kiểm tra tệp (chưa lưu)</button>
      </form>
      {props.report && <Report report={props.report} csrf={props.viewer.csrf} />}
    </Layout>
  )
}

const ACTION_LABELS = { create: 'Tạo mới', update: 'Cập nhật', same: 'Đã có, không đổi' }

function outcomeOf(row: OrgImportReport['rows'][number]): string {
  if (row.errors.length) return row.errors.join(' ')
  if (!row.action) return ''
  const c = row.change ?? {}
  const what = [c.name && 'tên', c.kind && 'loại', c.short_code && 'mã'].filter(Boolean)
  return what.length ? `${ACTION_LABELS[row.action]} (${what.join(', ')})` : ACTION_LABELS[row.action]
}

function Report(props: { report: OrgImportReport; csrf: string }) {
  const r = props.report
  const errors = r.total - r.create - r.update - r.same
  return (
    <section class="card" aria-labelledby="report-h" id="import-report">
      <FileReportHead
        fileName={r.fileName}
        fileErrors={r.fileErrors}
        ignoredColumns={r.ignoredColumns}
        summary={
          <>
            {r.total} dòng: <strong>{r.create} tạo mới</strong>, <strong>{r.update} cập nhật</strong>, {r.same} không đổi, <strong>{errors} có lỗi</strong>.
          </>
        }
      />
      <FileReading reading={r.reading} />
      {r.rows.length > 0 && (
        <table class="stack org-import">
          <thead>
            <tr>
              <th>Dòng</th>
              <th>Tên tổ chức</th>
              <th>Loại</th>
              <th>Trực thuộc</th>
              <th>Mã</th>
              <th>Kết quả</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.slice(0, SHOWN_ROWS).map((row) => (
              <tr class={row.errors.length ? 'invalid' : undefined}>
                <td data-label="Dòng">{row.line}</td>
                <td>{row.name}</td>
                <td data-label="Loại">{ORG_KIND_LABELS[row.kind] ?? row.kind}</td>
                {row.parent ? <td data-label="Trực thuộc">{row.parent}</td> : <td />}
                {row.code ? <td data-label="Mã">{row.code}</td> : <td />}
                <td data-label={row.errors.length ? 'Lỗi' : 'Kết quả'}>{outcomeOf(row)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.rows.length > SHOWN_ROWS && <p class="muted">… và {r.rows.length - SHOWN_ROWS} dòng khác.</p>}
      {r.importId && (
        <form method="post" action={`/orgs/import/${r.importId}/commit`} class="actions">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit">
            Nhập: tạo {r.create}, cập nhật {r.update}
            {errors > 0 ? `, bỏ qua ${errors} dòng lỗi` : ''}
          </button>
        </form>
      )}
      {!r.importId && r.fileErrors.length === 0 && errors === 0 && <p class="notice">Cây tổ chức đã đúng như tệp; không có gì để nhập.</p>}
    </section>
  )
}
