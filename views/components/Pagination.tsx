/** Numbered pages as plain links (work without JavaScript), boosted by htmx into the list. */
export function Pagination(props: { page: number; pageSize: number; total: number; open?: boolean; href: (page: number) => string; target: string }) {
  // open: the total is a lower bound, so there is always a next page
  const pages = props.open ? props.page + 1 : Math.max(1, Math.ceil(props.total / props.pageSize))
  if (pages <= 1) return null
  const link = (page: number, label: string, rel?: string) => (
    <a href={props.href(page)} hx-get={props.href(page)} hx-target={props.target} hx-swap="outerHTML" hx-push-url="true" rel={rel}>
      {label}
    </a>
  )
  return (
    <nav class="pager" aria-label="Phân trang">
      {props.page > 1 ? link(props.page - 1, '‹ Trước', 'prev') : <span aria-disabled="true">‹ Trước</span>}
      <span>{props.open ? `Trang ${props.page}` : `Trang ${props.page}/${pages}`}</span>
      {props.page < pages ? link(props.page + 1, 'Sau ›', 'next') : <span aria-disabled="true">Sau ›</span>}
    </nav>
  )
}
