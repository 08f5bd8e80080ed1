import type { Child } from 'hono/jsx'

interface FieldProps {
  id?: string
  name: string
  label: string
  value?: string | null
  error?: string
  type?: string
  required?: boolean
  hint?: string
  autocomplete?: string
  inputmode?: 'search' | 'none' | 'text' | 'email' | 'tel' | 'url' | 'numeric' | 'decimal'
  maxlength?: number
  /** the id of a <datalist> offering choices */
  list?: string
}

/** A labelled input with its error beside it; the user's input is always kept. */
export function Field(props: FieldProps) {
  const id = props.id ?? `f-${props.name}`
  const describedBy = [props.hint && `${id}-hint`, props.error && `${id}-err`].filter(Boolean).join(' ') || undefined
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        maxlength={props.maxlength}
        list={props.list}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {props.hint && <small id={`${id}-hint`}>{props.hint}</small>}
      {props.error && (
        <p class="error" id={`${id}-err`}>
          {props.error}
        </p>
      )}
    </div>
  )
}

export function SelectField(props: {
  name: string
  label: string
  value?: string | null
  error?: string
  options: readonly (readonly [string, string])[]
  blank?: string
}) {
  const id = `f-${props.name}`
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-err` : undefined}>
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === (props.value ?? '')}>
            {label}
          </option>
        ))}
      </select>
      {props.error && (
        <p class="error" id={`${id}-err`}>
          {props.error}
        </p>
      )}
    </div>
  )
}

export function FormErrors(props: { errors: Record<string, string> }) {
  const count = Object.keys(props.errors).length
  if (!count) return null
  return (
    <div class="alert" role="alert">
      {props.errors._form ?? `Có ${count} lỗi cần sửa. Xem ghi chú màu đỏ bên dưới từng ô.`}
    </div>
  )
}

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />
}

export function EmptyState(props: { title: string; children?: Child }) {
  return (
    <div class="empty" role="status">
      <p>
        <strong>{props.title}</strong>
      </p>
      {props.children}
    </div>
  )
}

/** The outcome of the last action: a confirmation, or a problem not tied to one field. */
export function Flash(props: { notice?: string; error?: string }) {
  return (
    <>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {props.error && (
        <p class="alert" role="alert">
          {props.error}
        </p>
      )}
    </>
  )
}
