import type { Child } from 'hono/jsx'

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
