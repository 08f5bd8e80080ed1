import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, FormErrors, SelectField } from '../components/Field.tsx'
import { formatWhen } from '../components/labels.ts'

export interface EventFormValues {
  org_id?: string
  title?: string
  date?: string
  start?: string
  end?: string
  place?: string
  description?: string
}

export function EventForm(props: {
  viewer: Viewer
  audiences: { id: string; name: string }[]
  values: EventFormValues
  errors: Record<string, string>
  page?: { title: string; action: string; back: string }
}) {
  const v = props.values
  const e = props.errors
  const page = props.page ?? { title: 'Thêm sự kiện', action: '/calendar/events', back: '/calendar' }
  return (
    <Layout title={page.title} viewer={props.viewer} current="/calendar">
      <p>
        <a href={page.back}>‹ Quay lại</a>
      </p>
      <h1>{page.title}</h1>
      <FormErrors errors={e} />
      <form method="post" action={page.action} class="card">
        <CsrfField token={props.viewer.csrf} />
        <SelectField
          name="org_id"
          label="Dành cho (tổ chức và các tổ chức trực thuộc)"
          value={v.org_id}
          error={e.org_id}
          options={props.audiences.map((a) => [a.id, a.name] as const)}
        />
        <Field name="title" label="Tên sự kiện" value={v.title} error={e.title} required maxlength={200} />
        <div class="grid three">
          <Field name="date" label="Ngày" type="date" value={v.date} error={e.date} required />
          <Field name="start" label="Bắt đầu" type="time" value={v.start} error={e.start} required hint="Giờ Việt Nam" />
          <Field name="end" label="Kết thúc" type="time" value={v.end} error={e.end} required />
        </div>
        <Field name="place" label="Địa điểm" value={v.place} error={e.place} maxlength={300} />
        <div class={e.description ? 'field invalid' : 'field'}>
          <label for="f-description">Nội dung</label>
          <textarea id="f-description" name="description" rows={4} maxlength={5000}>
            {v.description ?? ''}
          </textarea>
        </div>
        <button type="submit">Lưu sự kiện</button>
      </form>
    </Layout>
  )
}

export function EventPage(props: {
  viewer: Viewer
  event: {
    id: string
    title: string
    starts_at: Date | string
    ends_at: Date | string | null
    place: string | null
    org_name: string
    description: string | null
    can_manage: boolean
  }
  notice?: string
}) {
  const ev = props.event
  return (
    <Layout title={ev.title} viewer={props.viewer} current="/calendar">
      <p>
        <a href="/calendar">‹ Lịch làm việc</a>
      </p>
      <h1>{ev.title}</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <dl class="profile card">
        <dt>Thời gian</dt>
        <dd>
          {formatWhen(ev.starts_at)}
          {ev.ends_at && ` – ${formatWhen(ev.ends_at).slice(0, 5)}`}
        </dd>
        <dt>Địa điểm</dt>
        <dd>{ev.place ?? 'Chưa xác định'}</dd>
        <dt>Dành cho</dt>
        <dd>{ev.org_name}</dd>
      </dl>
      {ev.description && <p class="agenda card">{ev.description}</p>}
      {ev.can_manage && (
        <div class="actions">
          <a class="button secondary" href={`/calendar/events/${ev.id}/edit`}>
            Sửa sự kiện
          </a>
          <form method="post" action={`/calendar/events/${ev.id}/delete`} hx-confirm="Xóa sự kiện này khỏi lịch của mọi người?">
            <CsrfField token={props.viewer.csrf} />
            <button type="submit" class="secondary">
              Xóa sự kiện
            </button>
          </form>
        </div>
      )}
    </Layout>
  )
}
