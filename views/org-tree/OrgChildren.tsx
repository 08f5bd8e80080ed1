import { ORG_KIND_LABELS } from '../components/labels.ts'

export interface OrgNodeView {
  id: string
  name: string
  kind: string
  path: string
  child_count: number
}

/** One level of the tree; each node with children loads its own level when opened. */
export function OrgChildren(props: { nodes: OrgNodeView[] }) {
  if (!props.nodes.length) return <p class="muted">Không có tổ chức trực thuộc.</p>
  return (
    <ul>
      {props.nodes.map((n) => (
        <li>
          {n.child_count > 0 ? (
            <details>
              <summary>
                <OrgLabel node={n} />
              </summary>
              <div hx-get={`/orgs/${n.id}/children`} hx-trigger="toggle from:closest details once" hx-swap="innerHTML">
                <noscript>
                  <a href={`/orgs/${n.id}`}>Xem {n.child_count} tổ chức trực thuộc</a>
                </noscript>
                <span class="muted">Đang tải…</span>
              </div>
            </details>
          ) : (
            <OrgLabel node={n} />
          )}
        </li>
      ))}
    </ul>
  )
}

function OrgLabel(props: { node: OrgNodeView }) {
  const n = props.node
  return (
    <>
      <a href={`/orgs/${n.id}`}>{n.name}</a> <small>{ORG_KIND_LABELS[n.kind] ?? n.kind}</small>
    </>
  )
}
