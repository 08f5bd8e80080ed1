import { ORG_KIND_LABELS } from '../components/labels.ts'

export interface OrgNodeView {
  id: string
  name: string
  kind: string
  path: string
  /** The human code (organizations.short_code), when the committee set one. */
  short_code?: string | null
  child_count: number
}

/**
 * One level of the tree; each node with children loads its own level when opened.
 * The summary holds the name as text, so tapping the row only opens or closes it
 * (a link inside <summary> is nested-interactive, and took most taps); the page of
 * the unit is a separate link beside it.
 */
export function OrgChildren(props: { nodes: OrgNodeView[] }) {
  if (!props.nodes.length) return <p class="muted">Không có tổ chức trực thuộc.</p>
  return (
    <ul class="org-nodes">
      {props.nodes.map((n) => (
        <li class="org-node">
          {n.child_count > 0 ? (
            <>
              {/* `toggle` does not bubble: the request hangs on the <details> itself; its first toggle is the opening */}
              <details hx-get={`/orgs/${n.id}/children`} hx-trigger="toggle once" hx-target="find .org-kids" hx-swap="innerHTML">
                <summary>
                  <OrgLabel node={n} />
                </summary>
                <div class="org-kids">
                  <noscript>
                    <a href={`/orgs/${n.id}`}>Xem {n.child_count} tổ chức trực thuộc</a>
                  </noscript>
                  <span class="muted">Đang tải…</span>
                </div>
              </details>
              <a class="org-open" href={`/orgs/${n.id}`} aria-label={`Xem ${n.name}`}>
                Mở <span aria-hidden="true">›</span>
              </a>
            </>
          ) : (
            <a class="org-leaf" href={`/orgs/${n.id}`}>
              <OrgLabel node={n} />
            </a>
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
      <span class="org-name">{n.name}</span> <small>{ORG_KIND_LABELS[n.kind] ?? n.kind}</small>
      {n.short_code && (
        <>
          {' '}
          <small class="org-code">{n.short_code}</small>
        </>
      )}
    </>
  )
}
