/** Numbered pages as plain links (work without JavaScript), boosted by htmx into the list. */
export function Pagination(props: { page: number; pageSize: number; total: number; href: (page: number) => string; target: string }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize))
  if (pages <= 1) return null
  const link = (page: number, label: string, rel?: string) => (
    <a href={props.href(page)} hx-get={props.href(page)} hx-target={props.target} hx-swap="outerHTML" hx-push-url="true" rel={rel}>
      {label}
    </a>
  )
  return (
    <nav class="pager" aria-label="Phân trang">
      {props.page > 1 ? link(props.page - 1, '‹ Trước', 'prev') : <span aria-disabled="true">‹ Trước</span>}
      <span>
        Trang {props.page}/{pages}
      </span>
      {props.page < pages ? link(props.page + 1, 'Sau ›', 'next') : <span aria-disabled="true">Sau ›</span>}
    </nav>
  )
}
