import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tx } from '../../kernel/db/types.ts'
import { LOGINS, claimsOf, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'

/**
 * The access matrix: 5 roles × read / create / update / delete × a target inside and a
 * target outside their subtree, run as SQL under each user's RLS exactly as requests run.
 * Every operation is rolled back, so the cases are independent.
 */
let t: TestApp
const target: Record<string, { id: string; org: string }> = {}
type Role = keyof typeof LOGINS

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback')
  }
}

async function asRole<T>(role: Role, fn: (tx: Tx) => Promise<T>): Promise<T | 'denied'> {
  const claims = await claimsOf(t, LOGINS[role])
  try {
    await t.runtime.data.withUser(claims, async (tx) => {
      throw new Rollback(await fn(tx))
    })
  } catch (error) {
    if (error instanceof Rollback) return error.value as T
    if ((error as { code?: string }).code === '42501') return 'denied'
    throw error
  }
  throw new Error('unreachable')
}

const ops = {
  read: (id: string) => (tx: Tx) => tx.query(`select id from public.members where id = $1`, [id]).then((r) => r.length === 1),
  create: (org: string) => (tx: Tx) =>
    tx.query(`insert into public.members (org_id, full_name) values ($1, 'Đỗ Thử Nghiệm') returning id`, [org]).then((r) => r.length === 1),
  update: (id: string) => (tx: Tx) => tx.query(`update public.members set position = 'Tổ trưởng' where id = $1 returning id`, [id]).then((r) => r.length === 1),
  delete: (id: string) => (tx: Tx) => tx.query(`delete from public.members where id = $1 returning id`, [id]).then((r) => r.length === 1),
}

/** A member of the cell at `path` made for this matrix (the seeded ones carry meeting history that keeps them from being deleted). */
async function firstMemberOf(path: string) {
  const org = await orgIdByPath(t, path)
  const id = await t.runtime.data.asSystem('test: a fixture member', async (tx) => {
    const [row] = await tx.query<{ id: string }>(`insert into public.members (org_id, full_name, status) values ($1, $2, 'official') returning id`, [
      org,
      `Đối Tượng Thử ${path}`,
    ])
    return row.id
  })
  return { id, org }
}

beforeAll(async () => {
  t = await testApp({ members: 300 })
  // A commune outside the demo city, built through the app by the administrator.
  const admin = await t.signIn(LOGINS.admin)
  const province = await orgIdByPath(t, 'ns')
  const commune = await admin.post(`/orgs/${province}/children`, { name: 'Đảng bộ xã Bắc Sơn', kind: 'commune_committee' })
  const communeId = commune.headers.get('Location')!.split('?')[0].split('/').pop()!
  const cell = await admin.post(`/orgs/${communeId}/children`, { name: 'Chi bộ thôn Một', kind: 'grassroots_cell' })
  const cellId = cell.headers.get('Location')!.split('?')[0].split('/').pop()!
  const created = await admin.post('/members', { org_id: cellId, full_name: 'Hà Văn Ngoài', birth_date: '1970-03-04', status: 'official' })
  target.outsideCity = { id: created.headers.get('Location')!.split('/')[2].split('?')[0], org: cellId }
  target.sameCell = await firstMemberOf('ns.tp1.g1.c1')
  target.sameGrassroots = await firstMemberOf('ns.tp1.g1.c2')
  target.sameCity = await firstMemberOf('ns.tp1.g2.c1')
  const own = await t.runtime.data.asSystem('test: the demo member', async (tx) => {
    const [row] = await tx.query<{ id: string; org_id: string }>(`select id, org_id from public.members where phone = $1`, [LOGINS.member])
    return row
  })
  target.own = { id: own.id, org: own.org_id }
})
afterAll(() => t?.close())

const matrix: [Role, string, string, boolean, boolean][] = [
  // role, inside target, outside target, may create/update/delete inside, may read inside
  ['admin', 'outsideCity', '', true, true],
  ['staff', 'sameCity', 'outsideCity', true, true],
  ['grassroots', 'sameGrassroots', 'sameCity', true, true],
  ['cellSecretary', 'sameCell', 'sameGrassroots', true, true],
  ['member', 'own', 'sameCell', false, true],
]

describe.each(matrix)('%s', (role, inside, outside, canWrite, canRead) => {
  it(`reads a member inside the subtree: ${canRead}`, async () => {
    expect(await asRole(role, ops.read(target[inside].id))).toBe(canRead)
  })
  it(`creates a member inside the subtree: ${canWrite}`, async () => {
    expect(await asRole(role, ops.create(target[inside].org))).toBe(canWrite ? true : 'denied')
  })
  it(`updates a member inside the subtree: ${canWrite}`, async () => {
    expect(await asRole(role, ops.update(target[inside].id))).toBe(canWrite)
  })
  it(`deletes a member inside the subtree: ${canWrite}`, async () => {
    expect(await asRole(role, ops.delete(target[inside].id))).toBe(canWrite)
  })
  if (outside) {
    it('cannot read, create, update or delete outside the subtree', async () => {
      const o = target[outside]
      expect(await asRole(role, ops.read(o.id))).toBe(false)
      expect(await asRole(role, ops.create(o.org))).toBe('denied')
      expect(await asRole(role, ops.update(o.id))).toBe(false)
      expect(await asRole(role, ops.delete(o.id))).toBe(false)
    })
    it('gets 404 for an out-of-scope profile over HTTP, exactly like a missing id', async () => {
      const agent = await t.signIn(LOGINS[role])
      const outsideRes = await agent.get(`/members/${target[outside].id}`)
      const missingRes = await agent.get(`/members/${crypto.randomUUID()}`)
      expect(outsideRes.status).toBe(404)
      expect(missingRes.status).toBe(404)
      expect(await outsideRes.text()).toBe(await missingRes.text())
      const edit = await agent.post(`/members/${target[outside].id}`, {
        full_name: 'Sửa Trộm',
        birth_date: '1970-01-01',
        org_id: target[outside].org,
        status: 'official',
      })
      expect([400, 404]).toContain(edit.status)
    })
  }
})

describe('several roles', () => {
  it('a user with roles in two subtrees, one nested in another, sees exactly their union', async () => {
    const grassrootsSecretary = await t.runtime.data.asSystem(
      'test: the grassroots secretary',
      async (tx) => (await tx.query<{ id: string }>(`select id from public.members where phone = $1`, [LOGINS.grassroots]))[0].id,
    )
    const admin = await claimsOf(t, LOGINS.admin)
    const appoint = async (path: string) => {
      const org = await orgIdByPath(t, path)
      await t.runtime.data.withUser(admin, (tx) =>
        tx.query(`insert into public.org_roles (org_id, member_id, role) values ($1, $2, 'staff')`, [org, grassrootsSecretary]),
      )
    }
    // nested: the inner root sorts after the outer one, the outer subtree must stay whole
    await appoint('ns.tp1.g1.c1')
    expect(await asRole('grassroots', ops.read(target.sameGrassroots.id))).toBe(true)
    expect(await asRole('grassroots', ops.read(target.sameCell.id))).toBe(true)
    // disjoint: g3 is added, g2 between them stays invisible
    await appoint('ns.tp1.g3')
    const inG3 = await firstMemberOf('ns.tp1.g3.c1')
    expect(await asRole('grassroots', ops.read(inG3.id))).toBe(true)
    expect(await asRole('grassroots', ops.read(target.sameGrassroots.id))).toBe(true)
    expect(await asRole('grassroots', ops.read(target.sameCity.id))).toBe(false)
    expect(await asRole('grassroots', ops.read(target.outsideCity.id))).toBe(false)
  })
})

describe('column-level privacy', () => {
  it('a member sees cell-mates only as names, positions and statuses', async () => {
    const roster = await asRole('member', (tx) => tx.query<Record<string, unknown>>(`select * from public.my_cell_roster()`))
    expect(Array.isArray(roster) && roster.length).toBeGreaterThan(1)
    expect(Object.keys((roster as Record<string, unknown>[])[0]).sort()).toEqual(['exempt', 'full_name', 'id', 'position', 'status'])
  })
})

describe('organizations and roles', () => {
  it('a cell secretary cannot restructure the tree or appoint himself', async () => {
    const cell = target.sameCell.org
    expect(
      await asRole('cellSecretary', (tx) =>
        tx.query(`insert into public.organizations (parent_id, code, name, kind) values ($1, 'x1', 'Tổ 1', 'party_group') returning id`, [cell]),
      ),
    ).toBe('denied')
    expect(
      await asRole('cellSecretary', (tx) => tx.query(`update public.organizations set name = 'Đổi' where id = $1 returning id`, [cell]).then((r) => r.length)),
    ).toBe(0)
    expect(
      await asRole('cellSecretary', (tx) =>
        tx.query(`insert into public.org_roles (org_id, member_id, role) values ($1, $2, 'secretary')`, [cell, target.sameCell.id]),
      ),
    ).toBe('denied')
  })
  it('a grassroots secretary restructures inside the grassroots committee, not outside', async () => {
    const inside = target.sameGrassroots.org
    const outside = target.sameCity.org
    expect(
      await asRole('grassroots', (tx) =>
        tx.query(`update public.organizations set name = 'Chi bộ mới' where id = $1 returning id`, [inside]).then((r) => r.length),
      ),
    ).toBe(1)
    expect(
      await asRole('grassroots', (tx) =>
        tx.query(`update public.organizations set name = 'Chi bộ mới' where id = $1 returning id`, [outside]).then((r) => r.length),
      ),
    ).toBe(0)
  })
  it('nobody deletes an organization: history is kept', async () => {
    const outcome = await asRole('admin', (tx) =>
      tx.query(`delete from public.organizations where id = $1 returning id`, [target.sameCell.org]).then((r) => r.length),
    )
    expect([0, 'denied']).toContain(outcome)
  })
  it('a member reads his/her own cell and its ancestors, not sibling cells', async () => {
    const visible = await asRole('member', (tx) => tx.query<{ path: string }>(`select path::text as path from public.organizations order by path`))
    expect((visible as { path: string }[]).map((r) => r.path)).toEqual(['ns', 'ns.tp1', 'ns.tp1.g1', 'ns.tp1.g1.c1'])
  })
})

describe('audit', () => {
  it('every change to a member is written to the audit log with its author', async () => {
    const agent = await t.signIn(LOGINS.cellSecretary)
    const before = await agent.get(`/members/${target.sameCell.id}/edit`)
    expect(before.status).toBe(200)
    const claims = await claimsOf(t, LOGINS.cellSecretary)
    await t.runtime.data.withUser(claims, (tx) => tx.query(`update public.members set position = 'Tổ trưởng tổ dân phố' where id = $1`, [target.sameCell.id]))
    const log = await t.runtime.data.asSystem('test: read the audit log', (tx) =>
      tx.query<{ actor_id: string; details: Record<string, { from: unknown; to: unknown }> }>(
        `select actor_id, details from public.audit_log where entity = 'member' and entity_id = $1 and action = 'member.update' order by id desc limit 1`,
        [target.sameCell.id],
      ),
    )
    expect(log[0].actor_id).toBe(claims.sub)
    expect(log[0].details.position.to).toBe('Tổ trưởng tổ dân phố')
  })
})
