import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, Field, FormErrors, SelectField } from '../components/Field.tsx'
import { PRIORITY_LABELS } from './labels.ts'

export interface TaskEditValues {
  title?: string
  description?: string
  due_on?: string
  priority?: string
}

/** What a task asks, by when, how urgently: the fields of assigning and of changing a task. */
export function TaskFields(props: { values: TaskEditValues; errors: Record<string, string> }) {
  const v = props.values
  const e = props.errors
  return (
    <>
      <Field name="title" label="Tên công việc" value={v.title} error={e.title} required maxlength={200} />
      <div class={e.description ? 'field invalid' : 'field'}>
        <label for="f-description">Nội dung, yêu cầu</label>
        <textarea id="f-description" name="description" rows={5} maxlength={10000}>
          {v.description ?? ''}
        </textarea>
      </div>
      <div class="grid two">
        <Field name="due_on" label="Hạn hoàn thành" type="date" value={v.due_on} error={e.due_on} required />
        <SelectField name="priority" label="Mức độ ưu tiên" value={v.priority ?? 'normal'} error={e.priority} options={Object.entries(PRIORITY_LABELS)} />
      </div>
    </>
  )
}

/** Changing what a task asks and by when; who does it stays as assigned. */
export function TaskEditForm(props: { viewer: Viewer; taskId: string; values: TaskEditValues; errors: Record<string, string> }) {
  const v = props.values
  const e = props.errors
  return (
    <Layout title="Sửa việc" viewer={props.viewer} current="/tasks">
      <p>
        <a href={`/tasks/${props.taskId}`}>‹ Quay lại</a>
      </p>
      <h1>Sửa việc</h1>
      <FormErrors errors={e} />
      <form method="post" action={`/tasks/${props.taskId}`} class="card">
        <CsrfField token={props.viewer.csrf} />
        <TaskFields values={v} errors={e} />
        <button type="submit">Lưu</button>
      </form>
    </Layout>
  )
}
