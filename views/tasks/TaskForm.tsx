import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, FormErrors, SelectField } from '../components/Field.tsx'
import { TaskFields } from './TaskEditForm.tsx'

export interface TaskFormValues {
  org_id?: string
  title?: string
  description?: string
  due_on?: string
  priority?: string
  member_ids?: string[]
  org_ids?: string[]
  every_member?: boolean
}

type Option = { id: string; name: string }

/** Assigning a task: from one of the user's organizations, to its members and/or its child organizations. */
export function TaskForm(props: {
  viewer: Viewer
  origins: Option[]
  origin?: Option
  orgs: Option[]
  members: Option[]
  values: TaskFormValues
  errors: Record<string, string>
}) {
  const v = props.values
  const e = props.errors
  const checked = (list: string[] | undefined, id: string) => (list ?? []).includes(id)
  return (
    <Layout title="Giao việc mới" viewer={props.viewer} current="/tasks">
      <p>
        <a href="/tasks">‹ Giao việc</a>
      </p>
      <h1>Giao việc mới</h1>
      <FormErrors errors={e} />
      {props.origins.length > 1 && (
        <form method="get" action="/tasks/new" class="inline">
          <SelectField name="org" label="Giao việc từ tổ chức" value={props.origin?.id} options={props.origins.map((o) => [o.id, o.name] as const)} />
          <button type="submit" class="secondary">
            Chọn
          </button>
        </form>
      )}
      <form method="post" action="/tasks" class="card" enctype="multipart/form-data">
        <CsrfField token={props.viewer.csrf} />
        <input type="hidden" name="org_id" value={props.origin?.id ?? ''} />
        <p class="muted">Giao từ: {props.origin?.name}</p>
        <TaskFields values={v} errors={e} />
        <fieldset class={e.assignees ? 'invalid' : undefined}>
          <legend>Giao cho đảng viên</legend>
          {props.members.length === 0 && <p class="muted">Tổ chức này không có đảng viên sinh hoạt trực tiếp.</p>}
          <div class="checks">
            {props.members.map((m) => (
              <label>
                <input type="checkbox" name="member_ids" value={m.id} checked={checked(v.member_ids, m.id)} /> {m.name}
              </label>
            ))}
          </div>
        </fieldset>
        {props.orgs.length > 0 && (
          <fieldset>
            <legend>Giao cho tổ chức trực thuộc</legend>
            <div class="checks">
              {props.orgs.map((o) => (
                <label>
                  <input type="checkbox" name="org_ids" value={o.id} checked={checked(v.org_ids, o.id)} /> {o.name}
                </label>
              ))}
            </div>
            <label>
              <input type="checkbox" name="every_member" checked={v.every_member} /> Giao cho từng đảng viên của các tổ chức đã chọn
            </label>
          </fieldset>
        )}
        <div class={e.files ? 'field invalid' : 'field'}>
          <label for="f-files">Tệp đính kèm (PDF, Word, ảnh; tối đa 5 tệp, mỗi tệp 10 MB)</label>
          <input
            id="f-files"
            type="file"
            name="files"
            multiple
            accept=".pdf,.docx,.png,.jpg,.jpeg,.webp"
            aria-describedby={e.files ? 'f-files-error' : undefined}
          />
          {e.files && (
            <p class="error" id="f-files-error">
              {e.files}
            </p>
          )}
        </div>
        {e.assignees && (
          <p class="alert" role="alert">
            {e.assignees}
          </p>
        )}
        <button type="submit">Giao việc</button>
      </form>
    </Layout>
  )
}
