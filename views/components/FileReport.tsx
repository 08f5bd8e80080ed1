import type { Child } from 'hono/jsx'
import type { Reading } from '../../edge/kernel/files/spreadsheet.ts'
import { SelectField } from './Field.tsx'

/** The head of a spreadsheet check (members, organizations): the file's own problems, or the rows' summary, and the unused columns. */
export function FileReportHead(props: { fileName: string; fileErrors: string[]; ignoredColumns: string[]; summary: Child }) {
  return (
    <>
      <h2 id="report-h">Kết quả kiểm tra: {props.fileName}</h2>
      {props.fileErrors.length > 0 ? (
        <div class="alert" role="alert">
          <ul>
            {props.fileErrors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p>{props.summary}</p>
      )}
      {props.ignoredColumns.length > 0 && <p class="muted">Các cột không dùng: {props.ignoredColumns.join(', ')}.</p>}
    </>
  )
}

/** How the file was read: the sheet (and the others it has), the header's row, the title rows skipped above it, what each column became. */
export function FileReading(props: { reading?: Reading }) {
  const r = props.reading
  if (!r || r.headerLine < 1) return null
  return (
    <details class="file-reading" open={r.skipped.length > 0 || r.otherSheets.length > 0}>
      <summary>Cách đọc tệp</summary>
      <p>
        {r.otherSheets.length > 0 && (
          <>
            Dùng trang tính “{r.sheet}”; tệp còn {r.otherSheets.map((s) => `“${s}”`).join(', ')} (muốn dùng trang khác: chọn ở ô “Trang tính” rồi gửi lại tệp).{' '}
          </>
        )}
        Dòng tiêu đề: dòng {r.headerLine}.{r.skipped.length > 0 && ` Bỏ qua ${r.skipped.length} dòng phía trên dòng tiêu đề:`}
      </p>
      {r.skipped.length > 0 && (
        <ul>
          {r.skipped.slice(0, 10).map((s) => (
            <li>
              dòng {s.line}: {s.text.slice(0, 200)}
            </li>
          ))}
        </ul>
      )}
      {r.totals && r.totals.length > 0 && (
        <p>
          Bỏ qua dòng tổng cộng:{' '}
          {r.totals
            .slice(0, 10)
            .map((s) => `dòng ${s.line} (${s.text.slice(0, 80)})`)
            .join('; ')}
          {r.totals.length > 10 ? '; …' : ''}.
        </p>
      )}
      <table class="stack">
        <thead>
          <tr>
            <th>Cột trong tệp</th>
            <th>Đọc là</th>
            <th>Ghi chú</th>
          </tr>
        </thead>
        <tbody>
          {r.columns.map((c) => (
            <tr>
              <td>{c.header}</td>
              <td data-label="Đọc là">{c.use || 'Không dùng'}</td>
              {c.notes.length ? <td data-label="Ghi chú">{c.notes.join('; ')}</td> : <td />}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  )
}

/** The sheet to read, offered when the last file had several. */
export function SheetChoice(props: { reading?: Reading; value?: string }) {
  const r = props.reading
  if (!r?.otherSheets.length) return null
  return <SelectField name="sheet" label="Trang tính" value={props.value ?? r.sheet} options={[r.sheet, ...r.otherSheets].map((s) => [s, s] as const)} />
}
