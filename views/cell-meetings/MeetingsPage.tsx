import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState } from '../components/Field.tsx'
import { Pagination } from '../components/Pagination.tsx'
import { KIND_LABELS, STATUS_LABELS, formatWhen } from './labels.ts'

export interface MeetingRowView {
  id: string
  title: string
  kind: string
  starts_at: Date | string
  place: string | null
  status: string
  org_name: string
}

export function MeetingsPage(props: { viewer: Viewer; rows: MeetingRowView[]; total: number; page: number; pageSize: number; canSchedule: boolean }) {
  return (
    <Layout title="Sinh hoạt chi bộ" viewer={props.viewer} current="/meetings">
      <h1>Sinh hoạt chi bộ</h1>
      {props.canSchedule && (
        <p class="actions">
          <a class="button" href="/meetings/new">
            Lên lịch sinh hoạt
          </a>
        </p>
      )}
      <section id="meeting-rows">
        {props.rows.length === 0 ? (
          <EmptyState title="Chưa có buổi sinh hoạt nào.">
            <p>{props.canSchedule ? 'Bấm “Lên lịch sinh hoạt” để chuẩn bị buổi họp tới.' : 'Lịch sinh hoạt của chi bộ sẽ hiện ở đây khi bí thư lên lịch.'}</p>
          </EmptyState>
        ) : (
          <ul class="cards">
            {props.rows.map((m) => (
              <li class="card">
                <a href={`/meetings/${m.id}`}>
                  <strong>{m.title}</strong>
                </a>
                <br />
                {formatWhen(m.starts_at)}
                {m.place && ` · ${m.place}`}
                <br />
                <small>
                  {m.org_name} · {KIND_LABELS[m.kind]} · {STATUS_LABELS[m.status]}
                </small>
              </li>
            ))}
          </ul>
        )}
        <Pagination page={props.page} pageSize={props.pageSize} total={props.total} href={(p) => `/meetings?page=${p}`} target="#meeting-rows" />
      </section>
    </Layout>
  )
}
