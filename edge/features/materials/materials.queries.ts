import type { Tx } from '../../kernel/db/types.ts'

export interface MaterialRow {
  id: string
  meeting_id: string
  kind: 'document' | 'draft_resolution' | 'final_resolution'
  title: string
  body: string | null
  file_name: string | null
  content_type: string | null
  byte_size: number | null
  storage_key: string | null
  published_at: Date | null
}

export interface Board {
  meeting_id: string
  meeting_title: string
  starts_at: Date
  meeting_open: boolean
  can_manage: boolean
  materials: MaterialRow[]
}

const COLUMNS = `mm.id, mm.meeting_id, mm.kind, mm.title, mm.body, mm.file_name, mm.content_type, mm.byte_size, mm.storage_key, mm.published_at`

/** The meeting's materials as the user may see them; undefined when the meeting is out of sight. */
export async function board(tx: Tx, meetingId: string): Promise<Board | undefined> {
  const [meeting] = await tx.query<Omit<Board, 'materials'>>(
    `select mt.id as meeting_id, mt.title as meeting_title, mt.starts_at, mt.status = 'scheduled' as meeting_open,
            o.path <@ any ((select app.managed_scope())::ltree[]) as can_manage
       from public.meetings mt join public.organizations o on o.id = mt.org_id where mt.id = $1`,
    [meetingId],
  )
  if (!meeting) return undefined
  const materials = await tx.query<MaterialRow>(
    `select ${COLUMNS} from public.meeting_materials mm where mm.meeting_id = $1
      order by case mm.kind when 'final_resolution' then 0 when 'draft_resolution' then 1 else 2 end, mm.created_at limit 200`,
    [meetingId],
  )
  return { ...meeting, materials }
}

export async function one(tx: Tx, id: string): Promise<MaterialRow | undefined> {
  const [row] = await tx.query<MaterialRow>(`select ${COLUMNS} from public.meeting_materials mm where mm.id = $1`, [id])
  return row
}

export async function addDocument(
  tx: Tx,
  meetingId: string,
  file: { title: string; file_name: string; content_type: string; byte_size: number; storage_key: string },
): Promise<void> {
  await tx.query(
    `insert into public.meeting_materials (meeting_id, kind, title, file_name, content_type, byte_size, storage_key)
     values ($1, 'document', $2, $3, $4, $5, $6)`,
    [meetingId, file.title, file.file_name, file.content_type, file.byte_size, file.storage_key],
  )
}

/** Writes the draft or the final resolution (one of each per meeting). */
export async function saveResolution(tx: Tx, meetingId: string, kind: 'draft_resolution' | 'final_resolution', title: string, body: string): Promise<void> {
  await tx.query(
    `insert into public.meeting_materials (meeting_id, kind, title, body) values ($1, $2, $3, $4)
     on conflict (meeting_id, kind) where kind <> 'document' do update set title = excluded.title, body = excluded.body`,
    [meetingId, kind, title, body],
  )
}

/** Publishes what is not yet published: the documents and the draft, or the final resolution. Returns how many. */
export async function publish(tx: Tx, meetingId: string, final: boolean): Promise<number> {
  const rows = await tx.query(
    `update public.meeting_materials set published_at = now()
      where meeting_id = $1 and published_at is null and (kind = 'final_resolution') = $2 returning id`,
    [meetingId, final],
  )
  return rows.length
}

/** Removes an unpublished material; returns its file key, if it had one. */
export async function remove(tx: Tx, id: string): Promise<{ meeting_id: string; storage_key: string | null } | undefined> {
  const [row] = await tx.query<{ meeting_id: string; storage_key: string | null }>(
    `delete from public.meeting_materials where id = $1 and published_at is null returning meeting_id, storage_key`,
    [id],
  )
  return row
}
