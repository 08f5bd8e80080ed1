import { Layout, type Viewer } from '../layout/Layout.tsx'
import { CsrfField, EmptyState, Field, Flash, FormErrors, SelectField } from '../components/Field.tsx'
import { Pagination } from '../components/Pagination.tsx'
import { formatDate, formatWhen } from '../components/labels.ts'
import {
  CATEGORIES,
  CATEGORY_LABELS,
  KIND_LABELS,
  KINDS,
  STATUS_LABELS,
  VALIDITY_LABELS,
  messages,
  type ListQuery,
} from '../../edge/features/documents/documents.forms.ts'
import type { Item, ItemRow, ShareRow } from '../../edge/features/documents/documents.queries.ts'

export const listHref = (f: Partial<ListQuery>, page = f.page ?? 1) => {
  const p = new URLSearchParams()
  if (f.q) p.set('q', f.q)
  if (f.category) p.set('category', f.category)
  if (f.kind) p.set('kind', f.kind)
  if (f.year) p.set('year', String(f.year))
  if (page > 1) p.set('page', String(page))
  const s = p.toString()
  return s ? `/library?${s}` : '/library'
}

/** One line of a list: kind, title (a link to the page), number, date, publisher. */
function ItemLine(props: { item: ItemRow }) {
  const i = props.item
  return (
    <li>
      <span class="badge">{KIND_LABELS[i.kind]}</span> {i.important && <strong class="warn">Quan trọng </strong>}
      <a href={`/library/${i.id}`}>{i.title}</a>
      {i.status !== 'published' && <span class="badge"> {STATUS_LABELS[i.status]}</span>}
      {i.bookmarked && <span class="sr"> (đã đánh dấu)</span>}
      <br />
      <small class="muted">
        {[i.doc_number, i.issued_on ? formatDate(i.issued_on) : null, i.issuer ?? i.org_name, i.validity === 'expired' ? VALIDITY_LABELS.expired : null]
          .filter(Boolean)
          .join(' · ')}
      </small>
    </li>
  )
}

/** The list, swapped by htmx when the search or a filter changes or a page is turned. */
export function ItemList(props: { rows: ItemRow[]; more: boolean; query: ListQuery }) {
  const f = props.query
  const filtered = !!(f.q || f.category || f.kind || f.year)
  return (
    <div id="library-list">
      {props.rows.length ? (
        <ul class="items">
          {props.rows.map((i) => (
            <ItemLine item={i} />
          ))}
        </ul>
      ) : (
        <EmptyState title={filtered ? messages.noMatch : messages.empty} />
      )}
      <Pagination
        page={f.page}
        pageSize={20}
        total={(f.page - 1) * 20 + props.rows.length}
        open={props.more}
        href={(page) => listHref(f, page)}
        target="#library-list"
      />
    </div>
  )
}

const years = () => {
  const now = new Date(Date.now() + 7 * 3600_000).getUTCFullYear() // the year in Vietnam: on 1 January it begins at 00:00 there
  return Array.from({ length: 12 }, (_, i) => now - i)
}

export function LibraryPage(props: { viewer: Viewer; rows: ItemRow[]; more: boolean; query: ListQuery; canPublish: boolean; notice?: string }) {
  const f = props.query
  return (
    <Layout title="Tài liệu, tin tức" viewer={props.viewer} current="/library">
      <h1>Tài liệu, tin tức</h1>
      <Flash notice={props.notice} />
      <p class="actions">
        <a href="/library/bookmarks">Đã đánh dấu để xem sau</a>
        {props.canPublish && (
          <a class="button" href="/library/new">
            Đăng tài liệu, tin tức
          </a>
        )}
      </p>
      <form method="get" action="/library" class="filters" hx-get="/library" hx-target="#library-list" hx-swap="outerHTML" hx-push-url="true">
        <div class="field">
          <label for="f-q">Tìm kiếm (gõ có dấu hoặc không dấu)</label>
          <input id="f-q" name="q" type="search" value={f.q ?? ''} maxlength={100} placeholder="vd: nghi quyet 57" />
        </div>
        <details open={!!(f.category || f.kind || f.year)}>
          <summary>Lọc theo chuyên mục, loại, năm</summary>
          <div class="field">
            <label for="f-category">Chuyên mục</label>
            <select id="f-category" name="category">
              <option value="">Tất cả</option>
              {CATEGORIES.map((c) => (
                <option value={c} selected={c === f.category}>
                  {CATEGORY_LABELS[c]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-kind">Loại</label>
            <select id="f-kind" name="kind">
              <option value="">Tất cả</option>
              {KINDS.map((k) => (
                <option value={k} selected={k === f.kind}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-year">Năm</label>
            <select id="f-year" name="year">
              <option value="">Mọi năm</option>
              {years().map((y) => (
                <option value={String(y)} selected={y === f.year}>
                  {y}
                </option>
              ))}
            </select>
          </div>
        </details>
        <button type="submit" class="secondary">
          Tìm
        </button>
      </form>
      <ItemList rows={props.rows} more={props.more} query={f} />
    </Layout>
  )
}

/** The home page's card (GET /library/latest): the newest items published to the user. */
export function LatestCard(props: { rows: ItemRow[] }) {
  return (
    <section class="card" aria-labelledby="library-latest-title">
      <h2 id="library-latest-title">Tài liệu, tin tức mới</h2>
      {props.rows.length ? (
        <ul class="items">
          {props.rows.map((i) => (
            <li>
              {i.important && <strong class="warn">Quan trọng: </strong>}
              <a href={`/library/${i.id}`}>{i.title}</a> <small class="muted">{formatWhen(i.sort_at).split(', ')[1]}</small>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{messages.empty}</p>
      )}
      <p>
        <a href="/library">Xem thư viện ›</a>
      </p>
    </section>
  )
}

export function BookmarkButton(props: { id: string; on: boolean; csrf: string }) {
  return (
    <form
      method="post"
      action={`/library/${props.id}/bookmark`}
      hx-post={`/library/${props.id}/bookmark`}
      hx-target="this"
      hx-swap="outerHTML"
      class="bookmark"
    >
      <CsrfField token={props.csrf} />
      <input type="hidden" name="on" value={props.on ? '0' : '1'} />
      <button type="submit" class="secondary" aria-pressed={props.on ? 'true' : 'false'}>
        {props.on ? '★ Đã đánh dấu (bỏ đánh dấu)' : '☆ Đánh dấu để xem sau'}
      </button>
    </form>
  )
}

const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB` : `${Math.max(1, Math.round(n / 1024))} KB`)

/** Characters of text per page: a long resolution is read in parts, so that an old phone gets a light page. */
export const PART_CHARS = 12_000

/** The paragraphs of a text grouped into parts of at most PART_CHARS (a longer paragraph is a part alone). */
export function textParts(body: string): string[][] {
  const parts: string[][] = [[]]
  let size = 0
  for (const paragraph of body.split(/\n+/)) {
    if (!paragraph.trim()) continue
    if (size + paragraph.length > PART_CHARS && parts.at(-1)!.length) {
      parts.push([])
      size = 0
    }
    parts.at(-1)!.push(paragraph)
    size += paragraph.length
  }
  return parts
}

function PartNav(props: { id: string; part: number; count: number }) {
  if (props.count <= 1) return null
  const href = (n: number) => (n === 1 ? `/library/${props.id}` : `/library/${props.id}?part=${n}`)
  return (
    <nav class="pager" aria-label="Các phần của văn bản">
      {props.part > 1 ? (
        <a href={href(props.part - 1)} rel="prev">
          ‹ Phần trước
        </a>
      ) : (
        <span aria-disabled="true">‹ Phần trước</span>
      )}
      <span>
        Phần {props.part}/{props.count}
      </span>
      {props.part < props.count ? (
        <a href={href(props.part + 1)} rel="next">
          Phần sau ›
        </a>
      ) : (
        <span aria-disabled="true">Phần sau ›</span>
      )}
    </nav>
  )
}

/** An item to read, light for old phones: its text first (in parts when long), then the file to download; no player, no script of its own. */
export function ItemPage(props: { viewer: Viewer; item: Item; part?: number; notice?: string; error?: string }) {
  const i = props.item
  const parts = i.body ? textParts(i.body) : []
  const part = Math.min(Math.max(props.part ?? 1, 1), Math.max(parts.length, 1))
  const main = i.files.find((f) => f.role === 'main')
  const images = i.files.filter((f) => f.role === 'image')
  const csrf = props.viewer.csrf
  const action = (path: string, label: string, confirm?: string) => (
    <form method="post" action={`/library/${i.id}/${path}`} data-confirm={confirm}>
      <CsrfField token={csrf} />
      <button type="submit" class="secondary">
        {label}
      </button>
    </form>
  )
  return (
    <Layout title={i.title} viewer={props.viewer} current="/library">
      <p>
        <a href="/library">‹ Tài liệu, tin tức</a>
      </p>
      <article>
        <h1>{i.title}</h1>
        <Flash notice={props.notice} error={props.error} />
        <p class="muted">
          {KIND_LABELS[i.kind]} · {CATEGORY_LABELS[i.category]}
          {i.status !== 'published' && ` · ${STATUS_LABELS[i.status]}`}
          {i.important && ' · Quan trọng'}
        </p>
        {i.kind === 'video' && i.video_url && (
          <p>
            <a href={i.video_url} rel="noopener noreferrer external" target="_blank">
              ▶ Xem video: {i.title}
            </a>{' '}
            <small class="muted">(mở trang video bên ngoài)</small>
          </p>
        )}
        <div class="document" data-speak="">
          {i.summary && part === 1 && (
            <p>
              <strong>{i.summary}</strong>
            </p>
          )}
          {parts.length ? parts[part - 1].map((p) => <p>{p}</p>) : i.kind === 'document' && main && <p class="muted">{messages.noText}</p>}
        </div>
        <PartNav id={i.id} part={part} count={parts.length} />
        {main && (
          <p>
            <a href={`/library/${i.id}/files/${main.id}`} download={main.file_name}>
              Tải tệp: {main.file_name}
            </a>{' '}
            <small class="muted">({kb(main.byte_size)})</small>
          </p>
        )}
        {images.map((f) => (
          <p>
            <img src={`/library/${i.id}/files/${f.id}`} alt="" loading="lazy" decoding="async" class="news-image" />
          </p>
        ))}
        <dl class="profile card library-meta">
          {i.doc_number && (
            <>
              <dt>Số, ký hiệu</dt>
              <dd>{i.doc_number}</dd>
            </>
          )}
          {i.issued_on && (
            <>
              <dt>Ngày ban hành</dt>
              <dd>{formatDate(i.issued_on)}</dd>
            </>
          )}
          {i.issuer && (
            <>
              <dt>Cơ quan ban hành</dt>
              <dd>{i.issuer}</dd>
            </>
          )}
          {i.validity && (
            <>
              <dt>Hiệu lực</dt>
              <dd>{VALIDITY_LABELS[i.validity]}</dd>
            </>
          )}
          <dt>Đơn vị đăng</dt>
          <dd>{i.org_name}</dd>
          {i.published_at && (
            <>
              <dt>Phát hành</dt>
              <dd>{formatWhen(i.published_at)}</dd>
            </>
          )}
        </dl>
      </article>
      {i.status === 'published' && <BookmarkButton id={i.id} on={i.bookmarked} csrf={csrf} />}
      {i.can_manage && (
        <section class="card">
          <h2>Quản lý</h2>
          <p class="muted">Phát hành tới: {i.audience.map((a) => a.name).join(', ')}</p>
          <div class="actions">
            <a class="button secondary" href={`/library/${i.id}/edit`}>
              Sửa
            </a>
            {i.status !== 'published' && action('publish', 'Phát hành')}
            {i.status === 'published' && action('withdraw', 'Thu hồi', 'Thu hồi mục này? Đảng viên sẽ không còn thấy nó.')}
            {!i.important && action('important', 'Đánh dấu quan trọng (gửi thông báo)', 'Gửi thông báo tới mọi đảng viên được phát hành?')}
            {i.status !== 'draft' && (
              <a class="button secondary" href={`/library/${i.id}/readers`}>
                Tỷ lệ đã đọc
              </a>
            )}
            {i.status === 'draft' && action('delete', 'Xóa bản nháp', 'Xóa bản nháp này?')}
          </div>
          {i.status === 'draft' && (
            <form method="post" action={`/library/${i.id}/files`} enctype="multipart/form-data">
              <CsrfField token={csrf} />
              <div class="field">
                <label for="f-file">{i.kind === 'news' ? 'Thêm ảnh (PNG, JPEG, WebP; tối đa 10 MB)' : 'Tệp văn bản (PDF, DOCX; tối đa 10 MB)'}</label>
                <input id="f-file" name="file" type="file" accept={i.kind === 'news' ? 'image/png,image/jpeg,image/webp' : '.pdf,.docx'} required />
              </div>
              <button type="submit" class="secondary">
                Tải lên
              </button>
            </form>
          )}
        </section>
      )}
    </Layout>
  )
}

export interface ItemFormValues {
  org_id?: string
  kind?: string
  category?: string
  title?: string
  summary?: string
  body?: string
  doc_number?: string
  issued_on?: string
  issuer?: string
  validity?: string
  video_url?: string
  audience?: string
  audience_ids?: string[]
}

export function ItemForm(props: {
  viewer: Viewer
  orgs: { id: string; name: string }[]
  values: ItemFormValues
  errors: Record<string, string>
  page?: { title: string; action: string; back: string }
  draft?: boolean
}) {
  const v = props.values
  const e = props.errors
  const page = props.page ?? { title: 'Đăng tài liệu, tin tức', action: '/library', back: '/library' }
  const chosen = new Set(v.audience_ids ?? [])
  const editable = props.draft ?? true
  return (
    <Layout title={page.title} viewer={props.viewer} current="/library">
      <p>
        <a href={page.back}>‹ Quay lại</a>
      </p>
      <h1>{page.title}</h1>
      <FormErrors errors={e} />
      <form method="post" action={page.action} class="card" enctype="multipart/form-data">
        <CsrfField token={props.viewer.csrf} />
        <SelectField name="kind" label="Loại" value={v.kind ?? 'document'} error={e.kind} options={KINDS.map((k) => [k, KIND_LABELS[k]] as const)} />
        <SelectField
          name="category"
          label="Chuyên mục"
          value={v.category ?? 'party'}
          error={e.category}
          options={CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]] as const)}
        />
        <Field name="title" label="Tiêu đề" value={v.title} error={e.title} required maxlength={300} />
        <div class="grid three">
          <Field name="doc_number" label="Số, ký hiệu" value={v.doc_number} error={e.doc_number} maxlength={60} hint="vd: 57-NQ/TW" />
          <Field name="issued_on" label="Ngày ban hành" type="date" value={v.issued_on} error={e.issued_on} />
          <SelectField
            name="validity"
            label="Hiệu lực"
            value={v.validity ?? ''}
            blank="Không ghi"
            error={e.validity}
            options={[
              ['in_force', VALIDITY_LABELS.in_force],
              ['expired', VALIDITY_LABELS.expired],
            ]}
          />
        </div>
        <Field name="issuer" label="Cơ quan ban hành" value={v.issuer} error={e.issuer} maxlength={200} />
        <div class={e.summary ? 'field invalid' : 'field'}>
          <label for="f-summary">Tóm tắt</label>
          <textarea id="f-summary" name="summary" rows={2} maxlength={1000}>
            {v.summary ?? ''}
          </textarea>
        </div>
        <div class={e.body ? 'field invalid' : 'field'}>
          <label for="f-body">Nội dung (tin tức; với văn bản có tệp, để trống: chữ được lấy từ tệp)</label>
          <textarea id="f-body" name="body" rows={8} maxlength={150000}>
            {v.body ?? ''}
          </textarea>
          {e.body && <p class="error">{e.body}</p>}
        </div>
        <Field
          name="video_url"
          label="Đường dẫn video (https://…)"
          value={v.video_url}
          error={e.video_url}
          maxlength={500}
          hint="Chỉ hiện thành đường dẫn, không nhúng trình phát."
        />
        {!props.page && (
          <div class={e.file ? 'field invalid' : 'field'}>
            <label for="f-file">Tệp (văn bản: PDF, DOCX; tin tức: ảnh PNG, JPEG, WebP; tối đa 10 MB)</label>
            <input id="f-file" name="file" type="file" accept=".pdf,.docx,image/png,image/jpeg,image/webp" />
            {e.file && <p class="error">{e.file}</p>}
          </div>
        )}
        <SelectField name="org_id" label="Đơn vị đăng" value={v.org_id} error={e.org_id} options={props.orgs.map((o) => [o.id, o.name] as const)} />
        {editable && (
          <fieldset class={e.audience_ids ? 'field invalid' : 'field'}>
            <legend>Phát hành tới</legend>
            <label>
              <input type="radio" name="audience" value="subtree" checked={(v.audience ?? 'subtree') === 'subtree'} /> Toàn bộ đơn vị đăng và các tổ chức trực
              thuộc
            </label>
            <label>
              <input type="radio" name="audience" value="orgs" checked={v.audience === 'orgs'} /> Chỉ các tổ chức chọn dưới đây:
            </label>
            {props.orgs.map((o) => (
              <label>
                <input type="checkbox" name="audience_ids" value={o.id} checked={chosen.has(o.id)} /> {o.name}
              </label>
            ))}
            {e.audience_ids && <p class="error">{e.audience_ids}</p>}
          </fieldset>
        )}
        <button type="submit">Lưu bản nháp</button>
      </form>
    </Layout>
  )
}

export function BookmarksPage(props: { viewer: Viewer; rows: ItemRow[]; notice?: string }) {
  return (
    <Layout title="Đã đánh dấu để xem sau" viewer={props.viewer} current="/library">
      <p>
        <a href="/library">‹ Tài liệu, tin tức</a>
      </p>
      <h1>Đã đánh dấu để xem sau</h1>
      {props.notice && <p class="muted">{props.notice}</p>}
      {props.rows.length ? (
        <ul class="items">
          {props.rows.map((i) => (
            <ItemLine item={i} />
          ))}
        </ul>
      ) : (
        <EmptyState title={messages.noBookmarks} />
      )}
    </Layout>
  )
}

const percent = (readers: number, members: number) => (members ? `${Math.round((readers * 1000) / members) / 10}`.replace('.', ',') : '0')

/** Who read an item, per organization of a level; a row with organizations below links one level down. */
export function SharePage(props: {
  viewer: Viewer
  item: { id: string; title: string }
  node: { id: string; name: string; parent_id: string | null }
  rows: ShareRow[]
}) {
  const total = props.rows.reduce((s, r) => ({ members: s.members + r.members, readers: s.readers + r.readers }), { members: 0, readers: 0 })
  return (
    <Layout title={`Tỷ lệ đã đọc: ${props.item.title}`} viewer={props.viewer} current="/library">
      <p>
        <a href={`/library/${props.item.id}`}>‹ {props.item.title}</a>
      </p>
      <h1>Tỷ lệ đảng viên đã đọc</h1>
      <p>
        {props.node.name}: {total.readers}/{total.members} đảng viên đã mở ({percent(total.readers, total.members)}%).
      </p>
      {props.rows.length ? (
        <table class="stack">
          <thead>
            <tr>
              <th>Tổ chức</th>
              <th class="num">Đã đọc</th>
              <th class="num">Đảng viên</th>
              <th class="num">Tỷ lệ</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>{r.has_children && r.id !== props.node.id ? <a href={`/library/${props.item.id}/readers?org=${r.id}`}>{r.name}</a> : r.name}</td>
                <td class="num" data-label="Đã đọc">
                  {r.readers}
                </td>
                <td class="num" data-label="Đảng viên">
                  {r.members}
                </td>
                <td class="num" data-label="Tỷ lệ">
                  {percent(r.readers, r.members)}%
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <EmptyState title="Chưa có đảng viên nào trong phạm vi này." />
      )}
    </Layout>
  )
}
