import { Layout, type Viewer } from '../layout/Layout.tsx'
import { orgLabel } from '../components/labels.ts'
import { CsrfField, Field, FormErrors, SelectField } from '../components/Field.tsx'

export type MeetingFormValues = Record<string, string | undefined>

/** Schedule/edit. The cell is chosen first (its members fill the chair and note-taker lists). */
export function MeetingForm(props: {
  viewer: Viewer
  action: string
  title: string
  cells: { id: string; name: string; parent_name: string | null; short_code: string | null }[]
  people: { id: string; full_name: string }[]
  values: MeetingFormValues
  errors: Record<string, string>
  cancelHref: string
}) {
  const v = props.values
  const e = props.errors
  const people = props.people.map((p) => [p.id, p.full_name] as const)
  return (
    <Layout title={props.title} viewer={props.viewer} current="/meetings">
      <h1>{props.title}</h1>
      {props.cells.length > 1 && (
        <form method="get" action={props.action === '/meetings' ? '/meetings/new' : `${props.action}/edit`} class="card">
          <SelectField name="org" label="Chi bộ" value={v.org_id} blank="— Chọn chi bộ —" options={props.cells.map((c) => [c.id, orgLabel(c)] as const)} />
          <button type="submit" class="secondary">
            Chọn chi bộ
          </button>
        </form>
      )}
      {v.org_id && (
        <form method="post" action={props.action} class="card" novalidate>
          <FormErrors errors={e} />
          <CsrfField token={props.viewer.csrf} />
          <input type="hidden" name="org_id" value={v.org_id} />
          <SelectField
            name="kind"
            label="Loại sinh hoạt"
            value={v.kind ?? 'regular'}
            error={e.kind}
            options={[
              ['regular', 'Thường kỳ (hằng tháng)'],
              ['thematic', 'Chuyên đề'],
            ]}
          />
          <Field
            name="title"
            label="Tiêu đề"
            value={v.title}
            error={e.title}
            maxlength={200}
            hint="Để trống hoặc giữ tiêu đề gợi ý: tự đặt theo loại sinh hoạt và tháng họp."
          />
          <div class="grid two">
            <Field name="date" label="Ngày họp" type="date" value={v.date} error={e.date} required />
            <Field name="time" label="Giờ bắt đầu" type="time" value={v.time} error={e.time} required hint="Giờ Việt Nam" />
          </div>
          <div class={e.date ? 'field invalid' : 'field'}>
            <label>
              <input type="checkbox" name="recorded_late" checked={v.recorded_late === 'on' || v.recorded_late === 'true'} /> Ghi lại cuộc họp đã diễn ra
            </label>
            <small>Đánh dấu khi nhập một buổi sinh hoạt đã tổ chức (ngày giờ đã qua).</small>
          </div>
          <Field name="place" label="Địa điểm" value={v.place} error={e.place} maxlength={300} />
          <div class="grid two">
            <SelectField name="chair_id" label="Chủ trì" value={v.chair_id} error={e.chair_id} blank="— Chưa phân công —" options={people} />
            <SelectField name="note_taker_id" label="Thư ký" value={v.note_taker_id} error={e.note_taker_id} blank="— Chưa phân công —" options={people} />
          </div>
          <div class={e.agenda ? 'field invalid' : 'field'}>
            <label for="f-agenda">Chương trình</label>
            <textarea id="f-agenda" name="agenda" rows={6} maxlength={10000}>
              {v.agenda ?? ''}
            </textarea>
            {e.agenda && <p class="error">{e.agenda}</p>}
          </div>
          <p class="actions">
            <button type="submit">Lưu</button>
            <a class="button secondary" href={props.cancelHref}>
              Hủy bỏ
            </a>
          </p>
        </form>
      )}
    </Layout>
  )
}
