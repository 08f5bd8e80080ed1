import type { Tx } from '../../kernel/db/types.ts'
import type { ItemInput, ListQuery } from './documents.forms.ts'

export const PAGE_SIZE = 20
/** Search hits read per query (newest first): beyond them, narrow the words or the filters. */
export const SEARCH_LIMIT = 2000

export interface ItemRow {
  id: string
  kind: 'document' | 'news' | 'video'
  category: string
  title: string
  doc_number: string | null
  issued_on: string | null
  issuer: string | null
  validity: string | null
  video_url: string | null
  status: 'draft' | 'published' | 'withdrawn'
  important: boolean
  sort_at: Date
  org_name: string | null
  bookmarked: boolean
}

export interface Item extends ItemRow {
  org_id: string
  summary: string | null
  body: string | null
  published_at: Date | null
  can_manage: boolean
  files: { id: string; role: 'main' | 'image'; file_name: string; content_type: string; byte_size: number }[]
  audience: { id: string; name: string }[]
}

// the publisher's name per shown row: a join would let the planner read every organization under its policy
const COLUMNS = `d.id, d.kind, d.category, d.title, d.doc_number, to_char(d.issued_on, 'YYYY-MM-DD') as issued_on, d.issuer, d.validity,
  d.video_url, d.status, d.important, d.sort_at,
  (select o.name from public.organizations o where o.id = d.org_id) as org_name,
  exists (select 1 from public.document_bookmarks b where b.document_id = d.id and b.member_id = (select app.current_member_id())) as bookmarked`

/**
 * One page of the library as the user may see it (RLS), newest first. One row more than a page
 * tells whether there is a next page: counting every visible item would cost more than the page.
 */
export async function list(tx: Tx, f: ListQuery): Promise<{ rows: ItemRow[]; more: boolean }> {
  const params: unknown[] = []
  const param = (v: unknown) => `$${params.push(v)}`
  const where: string[] = []
  if (f.q) {
    const args = [param(f.q), SEARCH_LIMIT, param(f.category ?? null), param(f.kind ?? null), param(f.year ?? null)]
    where.push(`d.id = any ((select public.document_ids_matching(${args[0]}, ${args[1]}, ${args[2]}::text, ${args[3]}::text, ${args[4]}::int))::uuid[])`)
  }
  if (f.category) where.push(`d.category = ${param(f.category)}`)
  if (f.kind) where.push(`d.kind = ${param(f.kind)}`)
  if (f.year) where.push(`d.doc_year = ${param(f.year)}`)
  const rows = await tx.query<ItemRow>(
    `select ${COLUMNS} from public.documents d ${where.length ? `where ${where.join(' and ')}` : ''}
      order by d.sort_at desc, d.id desc limit ${PAGE_SIZE + 1} offset ${(f.page - 1) * PAGE_SIZE}`,
    params,
  )
  return { rows: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE }
}

/** The newest items published to the user, for the home card. */
export async function latest(tx: Tx, limit = 5): Promise<ItemRow[]> {
  return tx.query<ItemRow>(`select ${COLUMNS} from public.documents d where d.status = 'published' order by d.sort_at desc, d.id desc limit $1`, [limit])
}

/** The member's bookmarks, newest bookmark first (a withdrawn item drops out by RLS). */
export async function bookmarks(tx: Tx): Promise<ItemRow[]> {
  return tx.query<ItemRow>(
    `select ${COLUMNS} from public.document_bookmarks bm join public.documents d on d.id = bm.document_id
      where bm.member_id = (select app.current_member_id()) order by bm.created_at desc limit 200`,
  )
}

/** Bookmarks whose item the member no longer sees (withdrawn, or he/she moved out of its audience). */
export async function hiddenBookmarks(tx: Tx): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `select count(*)::int as n from public.document_bookmarks bm
      where bm.member_id = (select app.current_member_id())
        and not exists (select 1 from public.documents d where d.id = bm.document_id and d.status = 'published')`,
  )
  return row.n
}

/** Whether the member once had the item: read it or marked it (so a 404 can say why). */
export async function onceSeen(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx.query(
    `select 1 from public.document_reads r where r.document_id = $1 and r.member_id = (select app.current_member_id())
     union all
     select 1 from public.document_bookmarks b where b.document_id = $1 and b.member_id = (select app.current_member_id())
     limit 1`,
    [id],
  )
  return rows.length > 0
}

export async function one(tx: Tx, id: string): Promise<Item | undefined> {
  const [row] = await tx.query<Omit<Item, 'files' | 'audience'>>(
    `select ${COLUMNS}, d.org_id, d.summary, d.body, d.published_at, app.in_scope(d.org_key) as can_manage from public.documents d where d.id = $1`,
    [id],
  )
  if (!row) return undefined
  const files = await tx.query<Item['files'][number]>(
    `select f.id, f.role, f.file_name, f.content_type, f.byte_size from public.document_files f where f.document_id = $1 order by f.created_at limit 50`,
    [id],
  )
  const audience = await tx.query<{ id: string; name: string }>(
    `select a.org_id as id, (select o.name from public.organizations o where o.id = a.org_id) as name
       from public.document_audiences a where a.document_id = $1 limit 200`,
    [id],
  )
  return { ...row, files, audience }
}

/** Organizations the user may publish from and to: those he/she manages and their children. */
export async function audiences(tx: Tx): Promise<{ id: string; name: string }[]> {
  return tx.query(
    `select o.id, o.name from public.organizations o
      where o.id = any ((select app.scope_head_ids(true))::uuid[])
      order by o.path limit 300`,
  )
}

/** A new draft and its audience: the publishing organization's subtree, or the chosen organizations. */
export async function create(tx: Tx, input: ItemInput, body: string | null): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.documents (org_id, kind, category, title, summary, body, doc_number, issued_on, issuer, validity, video_url)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
    [
      input.org_id,
      input.kind,
      input.category,
      input.title,
      input.summary ?? null,
      body,
      input.doc_number ?? null,
      input.issued_on ?? null,
      input.issuer ?? null,
      input.validity ?? null,
      input.kind === 'video' ? input.video_url : null,
    ],
  )
  await setAudience(tx, row.id, input)
  return row.id
}

async function setAudience(tx: Tx, id: string, input: ItemInput) {
  await tx.query(`delete from public.document_audiences where document_id = $1`, [id])
  const ids = input.audience === 'orgs' ? [...new Set(input.audience_ids)] : [input.org_id]
  await tx.query(`insert into public.document_audiences (document_id, org_id) select $1, unnest($2::uuid[])`, [id, ids])
}

/** Edits an item; the audience only while it is a draft (what was published to whom stays as it was). */
export async function update(tx: Tx, id: string, input: ItemInput, body: string | null | undefined): Promise<'ok' | 'missing'> {
  const rows = await tx.query<{ status: string }>(
    `update public.documents set org_id = $2, kind = $3, category = $4, title = $5, summary = $6, body = coalesce($7, body),
            doc_number = $8, issued_on = $9, issuer = $10, validity = $11, video_url = $12
      where id = $1 returning status`,
    [
      id,
      input.org_id,
      input.kind,
      input.category,
      input.title,
      input.summary ?? null,
      body ?? null,
      input.doc_number ?? null,
      input.issued_on ?? null,
      input.issuer ?? null,
      input.validity ?? null,
      input.kind === 'video' ? input.video_url : null,
    ],
  )
  if (!rows.length) return 'missing'
  if (rows[0].status === 'draft') await setAudience(tx, id, input)
  return 'ok'
}

export async function addFile(
  tx: Tx,
  id: string,
  file: { role: 'main' | 'image'; file_name: string; content_type: string; byte_size: number; storage_key: string },
): Promise<void> {
  await tx.query(`insert into public.document_files (document_id, role, file_name, content_type, byte_size, storage_key) values ($1, $2, $3, $4, $5, $6)`, [
    id,
    file.role,
    file.file_name,
    file.content_type,
    file.byte_size,
    file.storage_key,
  ])
}

/** The text extracted from a document's file becomes its body (searchable, read on the page). */
export async function setBody(tx: Tx, id: string, body: string): Promise<void> {
  await tx.query(`update public.documents set body = $2 where id = $1`, [id, body])
}

export async function file(tx: Tx, id: string, fileId: string) {
  const [row] = await tx.query<{ file_name: string; content_type: string; storage_key: string }>(
    `select f.file_name, f.content_type, f.storage_key from public.document_files f where f.id = $2 and f.document_id = $1`,
    [id, fileId],
  )
  return row
}

/** Publishes, withdraws or republishes; false when the user may not (RLS) or nothing changed. */
export async function setStatus(tx: Tx, id: string, status: 'published' | 'withdrawn'): Promise<boolean> {
  return (await tx.query(`update public.documents set status = $2 where id = $1 and status <> $2 returning id`, [id, status])).length === 1
}

/** Marks an item important: once published, its audience gets a notice (documents_notify). */
export async function markImportant(tx: Tx, id: string): Promise<boolean> {
  return (await tx.query(`update public.documents set important = true where id = $1 and not important returning id`, [id])).length === 1
}

export async function removeDraft(tx: Tx, id: string): Promise<string[] | undefined> {
  const keys = await tx.query<{ storage_key: string }>(`select f.storage_key from public.document_files f where f.document_id = $1`, [id])
  const rows = await tx.query(`delete from public.documents where id = $1 and status = 'draft' returning id`, [id])
  return rows.length ? keys.map((k) => k.storage_key) : undefined
}

/** The member's receipt: first and last opening of a published item; nothing of its content. Managers without a member record leave none. */
export async function recordRead(tx: Tx, id: string): Promise<void> {
  await tx.query(
    `insert into public.document_reads (document_id, member_id)
     select d.id, app.current_member_id() from public.documents d
      where d.id = $1 and d.status = 'published' and app.current_member_id() is not null
     on conflict (document_id, member_id) do update set last_read_at = now()`,
    [id],
  )
}

export async function setBookmark(tx: Tx, id: string, on: boolean): Promise<void> {
  if (on) {
    await tx.query(
      `insert into public.document_bookmarks (document_id) select d.id from public.documents d
        where d.id = $1 and app.current_member_id() is not null on conflict do nothing`,
      [id],
    )
  } else {
    await tx.query(`delete from public.document_bookmarks where document_id = $1 and member_id = app.current_member_id()`, [id])
  }
}

export interface ShareRow {
  id: string
  name: string
  members: number
  readers: number
  has_children: boolean
}

/**
 * Who read an item, per organization one level below `nodeId`: members in the audience (current,
 * under RLS: those of the user's scope) and how many of them opened it. One pass over the
 * node's members by key range; members directly in the node count as its own row.
 */
export async function readShare(
  tx: Tx,
  id: string,
  nodeId: string,
): Promise<{ node: { id: string; name: string; parent_id: string | null }; rows: ShareRow[] } | undefined> {
  const [node] = await tx.query<{ id: string; name: string; parent_id: string | null }>(
    `select o.id, o.name, o.parent_id from public.organizations o where o.id = $1`,
    [nodeId],
  )
  if (!node) return undefined
  const rows = await tx.query<ShareRow>(
    `with node as (select o.path::text collate "C" as k, extensions.nlevel(o.path) + 1 as lvl from public.organizations o where o.id = $2),
          aud as (select a.org_key as k from public.document_audiences a where a.document_id = $1),
          counted as (
            select case when extensions.nlevel(m.org_path) >= node.lvl then extensions.subpath(m.org_path, 0, node.lvl)::text else m.org_key end as k,
                   count(*)::int as members, count(x.member_id)::int as readers
              from node
              join public.members m on m.org_key >= node.k and m.org_key < node.k || '/'
              left join public.document_reads x on x.document_id = $1 and x.member_id = m.id
             where m.deceased_on is null and (m.left_on is null or m.left_on > app.today())
               and exists (select 1 from aud where m.org_key >= aud.k and m.org_key < aud.k || '/')
             group by 1)
     select o.id, o.name, c.members, c.readers,
            exists (select 1 from public.organizations ch where ch.parent_id = o.id and ch.valid_to is null) as has_children
       from counted c join public.organizations o on (o.path::text) collate "C" = c.k collate "C"
      order by o.name limit 500`,
    [id, nodeId],
  )
  return { node, rows }
}

/** Where the share page starts: the publishing organization for its managers, else the top of the user's own scope. */
export async function defaultShareNode(tx: Tx, item: Item): Promise<string | undefined> {
  if (item.can_manage) return item.org_id
  const [row] = await tx.query<{ id: string }>(`select unnest((select app.scope_head_ids(false))::uuid[]) as id limit 1`)
  return row?.id
}
