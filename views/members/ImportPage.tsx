import { Layout, type Viewer } from '../layout/Layout.tsx'
import { orgLabel } from '../components/labels.ts'
import { CsrfField, FormErrors, SelectField } from '../components/Field.tsx'
import { FileReading, FileReportHead, SheetChoice } from '../components/FileReport.tsx'
import type { Reading } from '../../edge/kernel/files/spreadsheet.ts'

export interface ImportReport {
  importId?: string
  fileName: string
  total: number
  valid: number
  fileErrors: string[]
  ignoredColumns: string[]
  rowErrors: { line: number; name: string; errors: string[] }[]
  /** rows that will be imported, with something worth knowing (a shared phone) */
  rowNotes?: { line: number; name: string; errors: string[] }[]
  /** rows already in the system (an import done before), skipped */
  rowKnown?: { line: number; name: string; errors: string[] }[]
  reading?: Reading
}

const SHOWN_ERRORS = 500

export function ImportPage(props: {
  viewer: Viewer
  orgs: { id: string; name: string; parent_name: string | null; short_code: string | null }[]
  orgId?: string
  errors?: Record<string, string>
  report?: ImportReport
  notice?: string
  /** the import was committed: the page offers the next steps */
  committed?: boolean
}) {
  const r = props.report
  return (
    <Layout title="Nhập đảng viên từ tệp" viewer={props.viewer} current="/members">
      <p>
        <a href="/members">‹ Danh sách đảng viên</a>
      </p>
      <h1>Nhập đảng viên từ tệp</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}{' '}
          {props.committed && (
            <>
              Tiếp theo: <a href="/members/quality">chuẩn hóa dữ liệu</a> · <a href="/members/activation">in phiếu kích hoạt</a> ·{' '}
              <a href="/members">danh sách đảng viên</a>
            </>
          )}
        </p>
      )}
      <form method="post" action="/members/import" enctype="multipart/form-data" class="card">
        <FormErrors errors={props.errors ?? {}} />
        <CsrfField token={props.viewer.csrf} />
        <SelectField
          name="org_id"
          label="Chi bộ nhận (khi tệp không có cột chi bộ)"
          value={props.orgId}
          error={props.errors?.org_id}
          blank="— Chọn chi bộ —"
          options={props.orgs.map((o) => [o.id, orgLabel(o)] as const)}
        />
        <div class={props.errors?.file ? 'field invalid' : 'field'}>
          <label for="f-file">Tệp CSV hoặc Excel (.xlsx), tối đa 12 MB</label>
          <input id="f-file" type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
          {props.errors?.file && <p class="error">{props.errors.file}</p>}
          <small>
            Tệp như văn phòng vẫn giữ: các dòng tên đơn vị, tiêu đề danh sách phía trên được bỏ qua; dòng tiêu đề có Họ và tên, Ngày sinh (bắt buộc); Giới tính,
            Số thẻ đảng viên, Số CCCD, Điện thoại, Ngày vào Đảng, Ngày chính thức, Dân tộc, Tôn giáo, Quê quán; nơi sinh hoạt: cột Chi bộ cùng cột Đảng bộ cơ sở
            (và Đảng bộ xã/phường), hoặc Mã tổ chức, hoặc “cấp trên › tên” trong một ô; Đã đăng ký (x hoặc ngày, khi chuyển từ hệ thống cũ)… Ngày ghi dd/mm/yyyy
            hoặc dạng ngày của Excel; số điện thoại, số CCCD lưu dạng số vẫn đọc đúng.
          </small>
        </div>
        <SheetChoice reading={props.report?.reading} />
        <button type="submit">Kiểm tra tệp (chưa lưu)</button>
      </form>
      {r && <Report report={r} csrf={props.viewer.csrf} />}
    </Layout>
  )
}

/** Rows with what was found in each: errors (not imported) or notes (imported). */
function RowTable(props: { rows: ImportReport['rowErrors']; heading: string; id?: string }) {
  if (!props.rows.length) return null
  return (
    <table class="stack" id={props.id}>
      <thead>
        <tr>
          <th>Dòng</th>
          <th>Họ và tên</th>
          <th>{props.heading}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.slice(0, SHOWN_ERRORS).map((e) => (
          <tr>
            <td data-label="Dòng">{e.line}</td>
            <td>{e.name}</td>
            <td data-label={props.heading}>{e.errors.join(' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Report(props: { report: ImportReport; csrf: string }) {
  const r = props.report
  return (
    <section class="card" aria-labelledby="report-h" id="import-report">
      <FileReportHead
        fileName={r.fileName}
        fileErrors={r.fileErrors}
        ignoredColumns={r.ignoredColumns}
        summary={
          <>
            {r.total} dòng: <strong>{r.valid} hợp lệ</strong>, <strong>{r.total - r.valid - (r.rowKnown?.length ?? 0)} có lỗi</strong>
            {r.rowKnown?.length ? `, ${r.rowKnown.length} đã có trong hệ thống (bỏ qua)` : ''}.
          </>
        }
      />
      <FileReading reading={r.reading} />
      <RowTable rows={r.rowErrors} heading="Lỗi" id="import-errors" />
      {r.rowErrors.length > SHOWN_ERRORS && <p class="muted">… và {r.rowErrors.length - SHOWN_ERRORS} dòng lỗi khác.</p>}
      {r.rowKnown && r.rowKnown.length > 0 && (
        <details>
          <summary>Đã có trong hệ thống, bỏ qua: {r.rowKnown.length} dòng</summary>
          <RowTable rows={r.rowKnown} heading="Đã có" />
        </details>
      )}
      {r.rowNotes && r.rowNotes.length > 0 && (
        <>
          <h3>Lưu ý (vẫn nhập)</h3>
          <RowTable rows={r.rowNotes} heading="Lưu ý" id="import-notes" />
        </>
      )}
      {r.importId && r.valid > 0 && (
        <form method="post" action={`/members/import/${r.importId}/commit`} class="actions">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit">
            Nhập {r.valid} dòng hợp lệ{r.valid < r.total ? `, bỏ qua ${r.total - r.valid} dòng lỗi` : ''}
          </button>
        </form>
      )}
    </section>
  )
}
