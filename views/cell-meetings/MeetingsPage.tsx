import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState } from '../components/Field.tsx'
import { Pagination } from '../components/Pagination.tsx'
import { KIND_LABELS, formatWhen, meetingPhase } from './labels.ts'

export interface MeetingRowView {
  id: string
  title: string
  kind: string
  starts_at: Date | string
  place: string | null
  status: string
  org_name: string
  present: number
  expected: number
}

/** "18/20 có mặt (90%)" for a past meeting. */
function attendanceRate(m: MeetingRowView): string | null {
  if (!m.expected || m.status !== 'scheduled' || new Date(m.starts_at).getTime() > Date.now()) return null
  return `${m.present}/${m.expected} có mặt (${Math.round((100 * m.present) / m.expected)}%)`
}

/** A meeting's title (a link), time and place: a line of every meeting list. */
function MeetingHeadline(props: { meeting: { id: string; title: string; starts_at: Date | string; place: string | null } }) {
  const m = props.meeting
  return (
    <>
      <a href={`/meetings/${m.id}`}>
        <strong>{m.title}</strong>
      </a>
      <br />
      {formatWhen(m.starts_at)}
      {m.place && ` · ${m.place}`}
    </>
  )
}

/** The next meetings, for the home page. */
export function UpcomingMeetings(props: { rows: Omit<MeetingRowView, 'present' | 'expected'>[] }) {
  return (
    <section class="card" aria-labelledby="upcoming-h">
      <h2 id="upcoming-h">Sinh hoạt sắp tới</h2>
      {props.rows.length === 0 ? (
        <p class="muted">Chưa có buổi sinh hoạt nào được lên lịch.</p>
      ) : (
        <ul class="cards">
          {props.rows.map((m) => (
            <li>
              <MeetingHeadline meeting={m} />
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/meetings">Tất cả buổi sinh hoạt</a>
      </p>
    </section>
  )
}

export function MeetingsPage(props: {
  viewer: Viewer
  rows: MeetingRowView[]
  total: number
  capped?: boolean
  page: number
  pageSize: number
  canSchedule: boolean
}) {
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
                <MeetingHeadline meeting={m} />
                <br />
                <small>
                  {m.org_name} · {KIND_LABELS[m.kind]} · {meetingPhase(m)}
                  {attendanceRate(m) && ` · ${attendanceRate(m)}`}
                </small>
              </li>
            ))}
          </ul>
        )}
        <Pagination
          page={props.page}
          pageSize={props.pageSize}
          total={props.total}
          open={props.capped}
          href={(p) => `/meetings?page=${p}`}
          target="#meeting-rows"
        />
      </section>
    </Layout>
  )
}
