import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, claimsOf, memberIdOf, orgIdByPath, signInMemberOf, testApp, type TestApp } from '../../../test/support.ts'
import type { Tx } from '../../kernel/db/types.ts'

/** The library's rows under RLS, read and written in SQL exactly as the app's requests do (withUser). */
let t: TestApp
type Claims = Awaited<ReturnType<typeof claimsOf>>
let ward: Claims
let city: Claims
let cellSecretary: Claims
let member: Claims
let outsider: Claims
let otherWard: Claims

const as = <T>(claims: Claims, fn: (tx: Tx) => Promise<T>) => t.runtime.data.withUser(claims, fn)
const titles = async (claims: Claims) =>
  (await as(claims, (tx) => tx.query<{ title: string }>(`select title from public.documents order by title`))).map((r) => r.title)

/** A draft by `claims`, addressed to `audience` (paths), published unless `draft`. */
async function item(claims: Claims, from: string, title: string, audience: string[], state: 'draft' | 'published' | 'withdrawn' = 'published') {
  const orgId = await orgIdByPath(t, from)
  const ids = await Promise.all(audience.map((p) => orgIdByPath(t, p)))
  return as(claims, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.documents (org_id, kind, category, title) values ($1, 'document', 'committee', $2) returning id`,
      [orgId, title],
    )
    await tx.query(`insert into public.document_audiences (document_id, org_id) select $1, unnest($2::uuid[])`, [row.id, ids])
    if (state !== 'draft') await tx.query(`update public.documents set status = 'published' where id = $1`, [row.id])
    if (state === 'withdrawn') await tx.query(`update public.documents set status = 'withdrawn' where id = $1`, [row.id])
    return row.id
  })
}

let subtreeId: string
let chosenId: string

beforeAll(async () => {
  t = await testApp({ members: 200 })
  ward = await claimsOf(t, LOGINS.grassroots)
  city = await claimsOf(t, LOGINS.staff)
  cellSecretary = await claimsOf(t, LOGINS.cellSecretary)
  member = await claimsOf(t, LOGINS.member)
  // a member of another ward is made its secretary: another committee
  const g3 = await orgIdByPath(t, 'ns.tp1.g3')
  const otherSecretary = await signInMemberOf(t, 'ns.tp1.g3.c1')
  const otherId = await memberIdOf(t, otherSecretary.login)
  await t.runtime.data.asSystem('test: a secretary of another ward', (tx) =>
    tx.query(`insert into public.org_roles (org_id, member_id, role, valid_from) values ($1, $2, 'secretary', '2024-01-01')`, [g3, otherId]),
  )
  otherWard = await claimsOf(t, otherSecretary.login)
  outsider = await claimsOf(t, (await signInMemberOf(t, 'ns.tp1.g2.c1')).login)
  subtreeId = await item(ward, 'ns.tp1.g1', 'Ward subtree item', ['ns.tp1.g1'])
  chosenId = await item(ward, 'ns.tp1.g1', 'Ward item for cell 2 only', ['ns.tp1.g1.c2'])
  await item(ward, 'ns.tp1.g1', 'Ward draft', ['ns.tp1.g1'], 'draft')
  await item(ward, 'ns.tp1.g1', 'Ward withdrawn item', ['ns.tp1.g1'], 'withdrawn')
  await item(city, 'ns.tp1', 'City item for everyone', ['ns.tp1'])
})
afterAll(() => t?.close())

describe('library rows under RLS', () => {
  it('a member reads what was published to his/her subtree, not drafts, withdrawn items or items for another cell', async () => {
    expect(await titles(member)).toEqual(['City item for everyone', 'Ward subtree item'])
  })

  it('an item published to chosen organizations reaches their members only', async () => {
    const c2 = await signInMemberOf(t, 'ns.tp1.g1.c2')
    expect(await titles(await claimsOf(t, c2.login))).toEqual(['City item for everyone', 'Ward item for cell 2 only', 'Ward subtree item'])
  })

  it('outside the audience nothing of the ward is seen: items, audiences, files, receipts', async () => {
    expect(await titles(outsider)).toEqual(['City item for everyone'])
    const seen = await as(outsider, async (tx) => [
      ...(await tx.query(`select 1 from public.document_audiences where document_id = any ($1::uuid[])`, [[subtreeId, chosenId]])),
      ...(await tx.query(`select 1 from public.document_files`)),
      ...(await tx.query(`select 1 from public.document_reads`)),
      ...(await tx.query(`select 1 from public.document_bookmarks`)),
    ])
    expect(seen).toEqual([])
  })

  it('the ward and the city above it read every state; the author reads his/her draft', async () => {
    const all = ['City item for everyone', 'Ward draft', 'Ward item for cell 2 only', 'Ward subtree item', 'Ward withdrawn item']
    expect(await titles(city)).toEqual(all)
    expect(await titles(ward)).toEqual(all)
  })

  it('a member cannot publish, even to his/her own cell', async () => {
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c1')
    await expect(
      as(member, (tx) => tx.query(`insert into public.documents (org_id, kind, category, title) values ($1, 'news', 'news', 'x')`, [cell])),
    ).rejects.toMatchObject({ code: '42501' })
  })

  it('another committee (a sibling ward, a cell below) cannot edit, withdraw or re-address the ward’s item', async () => {
    for (const claims of [otherWard, cellSecretary]) {
      const changed = await as(claims, (tx) =>
        tx.query(`update public.documents set title = 'hijacked', status = 'withdrawn' where id = $1 returning id`, [subtreeId]),
      )
      expect(changed).toEqual([])
    }
    const g2 = await orgIdByPath(t, 'ns.tp1.g2')
    await expect(
      as(otherWard, (tx) => tx.query(`insert into public.document_audiences (document_id, org_id) values ($1, $2)`, [subtreeId, g2])),
    ).rejects.toMatchObject({ code: '42501' })
    // the ward cannot address its own item to an organization outside its scope either
    await expect(
      as(ward, (tx) => tx.query(`insert into public.document_audiences (document_id, org_id) values ($1, $2)`, [subtreeId, g2])),
    ).rejects.toMatchObject({ code: '42501' })
  })

  it('a member’s receipt and bookmark are his/her own: nobody else reads them, the ward counts the receipt', async () => {
    await as(member, async (tx) => {
      await tx.query(
        `insert into public.document_reads (document_id, member_id) values ($1, app.current_member_id())
         on conflict (document_id, member_id) do update set last_read_at = now()`,
        [subtreeId],
      )
      await tx.query(`insert into public.document_bookmarks (document_id) values ($1)`, [subtreeId])
    })
    const c2 = await claimsOf(t, (await signInMemberOf(t, 'ns.tp1.g1.c2')).login)
    expect(await as(c2, (tx) => tx.query(`select 1 from public.document_bookmarks`))).toEqual([])
    expect(await as(c2, (tx) => tx.query(`select 1 from public.document_reads`))).toEqual([])
    expect(await as(ward, (tx) => tx.query(`select 1 from public.document_bookmarks`))).toEqual([])
    expect(await as(ward, (tx) => tx.query(`select 1 from public.document_reads where document_id = $1`, [subtreeId]))).toHaveLength(1)
    expect(await as(outsider, (tx) => tx.query(`select 1 from public.document_reads`))).toEqual([])
    // nor writes one for someone else, or for an item out of sight
    const other = await memberIdOf(t, LOGINS.cellSecretary)
    await expect(
      as(c2, (tx) => tx.query(`insert into public.document_bookmarks (member_id, document_id) values ($1, $2)`, [other, subtreeId])),
    ).rejects.toMatchObject({ code: '42501' })
    await expect(as(outsider, (tx) => tx.query(`insert into public.document_bookmarks (document_id) values ($1)`, [subtreeId]))).rejects.toMatchObject({
      code: '42501',
    })
  })

  it('a cell moved to another ward takes its receipts along; its members then read the new ward’s items, not the old one’s', async () => {
    const id = await item(ward, 'ns.tp1.g1', 'Before the move', ['ns.tp1.g1'])
    const g2Item = await item(city, 'ns.tp1.g2', 'For the second ward', ['ns.tp1.g2'])
    const c2 = await claimsOf(t, (await signInMemberOf(t, 'ns.tp1.g1.c2')).login)
    await as(c2, (tx) => tx.query(`insert into public.document_reads (document_id, member_id) values ($1, app.current_member_id())`, [id]))
    const reader = await as(c2, async (tx) => (await tx.query<{ id: string }>(`select app.current_member_id() as id`))[0].id)
    await t.runtime.data.asSystem('test: move a cell to another ward', (tx) =>
      tx.query(`update public.organizations o set path = 'ns.tp1.g2'::ltree || subpath(o.path, 3) where o.path <@ 'ns.tp1.g1.c2'`),
    )
    const [receipt] = await t.runtime.data.asSystem('test: the receipt after the move', (tx) =>
      tx.query<{ member_id: string; org_key: string }>(`select member_id, org_key from public.document_reads where document_id = $1`, [id]),
    )
    expect(receipt).toEqual({ member_id: reader, org_key: 'ns.tp1.g2.c2' })
    const seen = await titles(c2)
    expect(seen).toContain('For the second ward')
    expect(seen).not.toContain('Before the move')
    expect(await as(ward, (tx) => tx.query(`select 1 from public.document_reads where document_id = $1`, [id]))).toEqual([])
    await t.runtime.data.asSystem('test: move it back', (tx) =>
      tx.query(`update public.organizations o set path = 'ns.tp1.g1'::ltree || subpath(o.path, 3) where o.path <@ 'ns.tp1.g2.c2'`),
    )
    expect(g2Item).toBeTruthy()
  })

  it('an author who has left reads none of his/her drafts any more', async () => {
    const draftId = await item(ward, 'ns.tp1.g1', 'Draft of a leaving secretary', ['ns.tp1.g1'], 'draft')
    const secretary = await memberIdOf(t, LOGINS.grassroots)
    expect(await titles(ward)).toContain('Draft of a leaving secretary')
    await t.runtime.data.asSystem('test: the secretary leaves today', (tx) =>
      tx.query(`update public.members set left_on = app.today() where id = $1`, [secretary]),
    )
    expect(await titles(ward)).toEqual([])
    expect(await as(ward, (tx) => tx.query(`select public.document_ids_matching('leaving secretary') as ids`))).toEqual([{ ids: [] }])
    await t.runtime.data.asSystem('test: undo', (tx) => tx.query(`update public.members set left_on = null where id = $1`, [secretary]))
    expect(draftId).toBeTruthy()
  })

  it('a secretary whose role ended yesterday no longer reads the drafts and withdrawn items he/she wrote, nor finds them', async () => {
    const draftId = await item(ward, 'ns.tp1.g1', 'Draft of a secretary whose term ends', ['ns.tp1.g1'], 'draft')
    const secretary = await memberIdOf(t, LOGINS.grassroots)
    const g1 = await orgIdByPath(t, 'ns.tp1.g1')
    const end = (sql: string) => t.runtime.data.asSystem('test: the ward secretary’s role', (tx) => tx.query(sql, [secretary, g1]))
    await end(`update public.org_roles set valid_to = app.today() - 1 where member_id = $1 and org_id = $2 and valid_to is null`)
    try {
      const former = await claimsOf(t, LOGINS.grassroots)
      const seen = await titles(former)
      expect(seen).not.toContain('Draft of a secretary whose term ends')
      expect(seen).not.toContain('Ward draft')
      expect(seen).not.toContain('Ward withdrawn item')
      expect(await as(former, (tx) => tx.query(`select public.document_ids_matching('secretary whose term') as ids`))).toEqual([{ ids: [] }])
      expect(await as(former, (tx) => tx.query(`select id from public.document_files where document_id = $1`, [draftId]))).toEqual([])
    } finally {
      await end(`update public.org_roles set valid_to = null where member_id = $1 and org_id = $2 and valid_to = app.today() - 1`)
    }
  })

  it('an item published and then withdrawn disappears for members at once', async () => {
    const id = await item(ward, 'ns.tp1.g1', 'Soon withdrawn', ['ns.tp1.g1'])
    expect(await titles(member)).toContain('Soon withdrawn')
    await as(ward, (tx) => tx.query(`update public.documents set status = 'withdrawn' where id = $1`, [id]))
    expect(await titles(member)).not.toContain('Soon withdrawn')
  })
})
