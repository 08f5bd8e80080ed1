import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, inDays, memberIdOf, orgIdByPath, testApp, type TestApp } from '../../../test/support.ts'
import { openCampaign, personOf } from './resolution-study.support.ts'
import { asUser, failure } from '../../../test/support.ts'

/*
 * Who sees and changes a study campaign and its records. The ward secretary (ns.tp1.g1) opens a
 * campaign for the ward; the demo member studies in ns.tp1.g1.c1, whose secretary is the demo
 * cell secretary. Outsiders: the secretary of ns.tp1.g2.c1 (another ward) and a plain member there.
 */

let t: TestApp
let campaignId: string
let memberId: string
let fellow: Awaited<ReturnType<typeof personOf>>
let outsider: Awaited<ReturnType<typeof personOf>>
let outsiderMember: Awaited<ReturnType<typeof personOf>>
let otherCellSecretary: Awaited<ReturnType<typeof personOf>>

const campaigns = (login: string) => asUser(t, login, (tx) => tx.query(`select id from public.study_campaigns where id = $1`, [campaignId]))
const records = (login: string, member = memberId) =>
  asUser(t, login, (tx) =>
    tx.query<Record<string, unknown>>(`select * from public.study_records where campaign_id = $1 and member_id = $2`, [campaignId, member]),
  )
const record = (login: string, member: string, set: string) =>
  asUser(t, login, (tx) =>
    tx
      .query(`insert into public.study_records (campaign_id, member_id) values ($1, $2) on conflict (campaign_id, member_id) do nothing`, [campaignId, member])
      .then(() => tx.query(`update public.study_records set ${set} where campaign_id = $1 and member_id = $2 returning id`, [campaignId, member])),
  )

beforeAll(async () => {
  t = await testApp({ members: 200 })
  memberId = await memberIdOf(t, LOGINS.member)
  fellow = await personOf(t, 'ns.tp1.g1.c1', 'plain')
  outsider = await personOf(t, 'ns.tp1.g2.c1', 'secretary')
  outsiderMember = await personOf(t, 'ns.tp1.g2.c1', 'plain')
  otherCellSecretary = await personOf(t, 'ns.tp1.g1.c2', 'secretary')
  campaignId = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', inDays(10))
})
afterAll(() => t?.close())

describe('study campaigns under row-level security', () => {
  it('the managers of the subtree and the members it is addressed to read the campaign; outside the ward nobody does', async () => {
    for (const login of [LOGINS.staff, LOGINS.grassroots, LOGINS.cellSecretary, LOGINS.member, fellow.login]) {
      expect(await campaigns(login), login).toHaveLength(1)
    }
    expect(await campaigns(outsider.login)).toHaveLength(0)
    expect(await campaigns(outsiderMember.login)).toHaveLength(0)
  })

  it('a cell secretary cannot open a campaign for the ward above the cell; nobody outside can change the campaign', async () => {
    expect(await failure(openCampaign(t, LOGINS.cellSecretary, 'ns.tp1.g1', inDays(5)))).toBe('42501')
    const changed = await asUser(t, outsider.login, (tx) => tx.query(`update public.study_campaigns set title = 'x' where id = $1 returning id`, [campaignId]))
    expect(changed).toHaveLength(0)
    const byMember = await asUser(t, LOGINS.member, (tx) => tx.query(`update public.study_campaigns set title = 'x' where id = $1 returning id`, [campaignId]))
    expect(byMember).toHaveLength(0)
    const title = await asUser(t, LOGINS.staff, (tx) => tx.query<{ title: string }>(`select title from public.study_campaigns where id = $1`, [campaignId]))
    expect(title[0].title).toBe('Học tập Nghị quyết 57-NQ/TW')
  })

  it('a cell secretary opens a campaign for his own cell, which the ward above reads and another ward does not', async () => {
    const own = await openCampaign(t, LOGINS.cellSecretary, 'ns.tp1.g1.c1', inDays(5), 'Chuyên đề của chi bộ')
    const seen = (login: string) => asUser(t, login, (tx) => tx.query(`select id from public.study_campaigns where id = $1`, [own]))
    expect(await seen(LOGINS.grassroots)).toHaveLength(1)
    expect(await seen(LOGINS.member)).toHaveLength(1)
    expect(await seen(otherCellSecretary.login)).toHaveLength(0)
    expect(await seen(outsider.login)).toHaveLength(0)
  })
})

describe('study records under row-level security', () => {
  it('the member records her own study; she, her cell and the committees above read it; a fellow member and outsiders do not', async () => {
    const done = await record(LOGINS.member, memberId, 'studied_at = now()')
    expect(done).toHaveLength(1)
    const [mine] = await records(LOGINS.member)
    expect(mine.studied_by_proxy).toBe(false)
    for (const login of [LOGINS.cellSecretary, LOGINS.grassroots, LOGINS.staff]) expect(await records(login), login).toHaveLength(1)
    for (const login of [fellow.login, outsider.login, outsiderMember.login, otherCellSecretary.login]) expect(await records(login), login).toHaveLength(0)
  })

  it('nobody outside changes a record: an outsider updates nothing and cannot create one for the member', async () => {
    const changed = await asUser(t, outsider.login, (tx) =>
      tx.query(`update public.study_records set reflection = 'x', reflection_status = 'submitted' where campaign_id = $1 returning id`, [campaignId]),
    )
    expect(changed).toHaveLength(0)
    expect(await failure(record(outsider.login, fellow.memberId, 'studied_at = now()'))).toBe('42501')
    expect(await failure(record(outsiderMember.login, outsiderMember.memberId, 'studied_at = now()'))).toBe('42501')
    expect(await records(LOGINS.staff, fellow.memberId)).toHaveLength(0)
  })

  it('a member cannot record study for a fellow member, nor record her own twice', async () => {
    expect(await failure(record(LOGINS.member, fellow.memberId, 'studied_at = now()'))).toBe('42501')
    expect(await failure(record(LOGINS.member, memberId, `studied_at = now() - interval '1 day'`))).toBe('42501')
  })

  it('only the secretary of the member’s own cell records study by proxy, marked as such', async () => {
    expect(await failure(record(LOGINS.grassroots, fellow.memberId, 'studied_at = now()'))).toBe('42501')
    expect(await failure(record(otherCellSecretary.login, fellow.memberId, 'studied_at = now()'))).toBe('42501')
    expect(await records(LOGINS.staff, fellow.memberId)).toHaveLength(0)
    expect(await record(LOGINS.cellSecretary, fellow.memberId, 'studied_at = now()')).toHaveLength(1)
    const [proxied] = await records(LOGINS.cellSecretary, fellow.memberId)
    expect(proxied.studied_by_proxy).toBe(true)
    expect(proxied.recorded_by).toBe(await memberIdOf(t, LOGINS.cellSecretary))
  })

  it('a reflection is handed in by the member, returned with a reason by the cell, revised, handed in again and accepted', async () => {
    const set = (login: string, sql: string, params: unknown[] = []) =>
      asUser(t, login, (tx) =>
        tx.query(`update public.study_records set ${sql} where campaign_id = $1 and member_id = $2 returning id`, [campaignId, memberId, ...params]),
      )
    expect(await failure(set(LOGINS.cellSecretary, `reflection = 'viết hộ', reflection_status = 'submitted'`))).toBe('42501')
    await set(LOGINS.member, `reflection = $3, reflection_status = 'submitted'`, ['Nghị quyết 57 mở ra ...'])
    // the member cannot accept her own; the ward above reads but does not review; a return needs a reason
    expect(await failure(set(LOGINS.member, `reflection_status = 'accepted'`))).toBe('42501')
    expect(await set(LOGINS.grassroots, `reflection_status = 'accepted'`)).toHaveLength(0)
    expect(await failure(set(LOGINS.cellSecretary, `reflection_status = 'returned'`))).not.toBe('')
    await set(LOGINS.cellSecretary, `reflection_status = 'returned', return_reason = $3`, ['Cần liên hệ với nhiệm vụ của chi bộ.'])
    let [row] = await records(LOGINS.member)
    expect(row.reflection_status).toBe('returned')
    expect(row.return_reason).toBe('Cần liên hệ với nhiệm vụ của chi bộ.')
    // the secretary cannot rewrite it, the member revises and hands in again
    expect(await failure(set(LOGINS.cellSecretary, `reflection = 'sửa hộ'`))).toBe('42501')
    await set(LOGINS.member, `reflection = $3, reflection_status = 'submitted'`, ['Bản sửa: chi bộ sẽ ...'])
    await set(LOGINS.cellSecretary, `reflection_status = 'accepted'`)
    ;[row] = await records(LOGINS.member)
    expect(row).toMatchObject({ reflection_status: 'accepted', reflection: 'Bản sửa: chi bộ sẽ ...', return_reason: null })
    expect(await failure(set(LOGINS.member, `reflection = 'đổi sau khi chấp nhận', reflection_status = 'submitted'`))).toBe('42501')
    const notices = await asUser(t, LOGINS.member, (tx) =>
      tx.query<{ kind: string }>(`select kind from public.notifications where kind like 'study.%' and url = $1 order by created_at`, [`/study/${campaignId}`]),
    )
    expect(notices.map((n) => n.kind)).toEqual(['study.returned', 'study.accepted'])
    const toCell = await asUser(t, LOGINS.cellSecretary, (tx) =>
      tx.query<{ url: string }>(`select url from public.notifications where kind = 'study.submitted' and url like $1`, [`/study/${campaignId}/records/%`]),
    )
    expect(toCell).toHaveLength(2)
    const toWard = await asUser(t, LOGINS.grassroots, (tx) => tx.query(`select 1 from public.notifications where kind = 'study.submitted'`))
    expect(toWard).toHaveLength(0)
  })

  it('who recorded, who reviewed and who created are never taken from the caller', async () => {
    const secretaryId = await memberIdOf(t, LOGINS.cellSecretary)
    const other = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', inDays(3), 'Giả mạo')
    expect(
      await failure(
        asUser(t, LOGINS.member, (tx) =>
          tx.query(`insert into public.study_records (campaign_id, member_id, reviewed_by, studied_by_proxy) values ($1, $2, $3, true)`, [
            other,
            memberId,
            secretaryId,
          ]),
        ),
      ),
    ).toBe('42501')
    expect(
      await failure(
        asUser(t, LOGINS.grassroots, (tx) => tx.query(`update public.study_campaigns set created_by_member = $2 where id = $1`, [other, secretaryId])),
      ),
    ).toBe('42501')
    expect(
      await failure(
        asUser(t, LOGINS.grassroots, (tx) =>
          tx.query(
            `insert into public.study_campaigns (org_id, title, document_id, starts_on, due_on, created_by_member)
                    select org_id, 'x', document_id, starts_on, due_on, $2 from public.study_campaigns where id = $1`,
            [other, secretaryId],
          ),
        ),
      ),
    ).toBe('42501')
  })

  it('a campaign points at a document (and an exam) that exist', async () => {
    const ward = await orgIdByPath(t, 'ns.tp1.g1')
    const dangling = (column: string) =>
      failure(
        asUser(t, LOGINS.grassroots, (tx) =>
          tx.query(
            `insert into public.study_campaigns (org_id, title, document_id, ${column === 'exam_id' ? 'exam_id, ' : ''}starts_on, due_on)
             select $1, 'Không có văn bản', ${column === 'exam_id' ? '(select id from public.documents limit 1), gen_random_uuid()' : 'gen_random_uuid()'}, app.today(), app.today() + 3`,
            [ward],
          ),
        ),
      )
    expect(await dangling('document_id')).toBe('23503')
    expect(await dangling('exam_id')).toBe('23503')
  })

  it('a record cannot be moved to another member or campaign', async () => {
    const other = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', inDays(3), 'Khác')
    expect(
      await failure(
        asUser(t, LOGINS.member, (tx) => tx.query(`update public.study_records set member_id = $2 where campaign_id = $1`, [campaignId, fellow.memberId])),
      ),
    ).toBe('42501')
    expect(
      await failure(asUser(t, LOGINS.member, (tx) => tx.query(`update public.study_records set campaign_id = $2 where campaign_id = $1`, [campaignId, other]))),
    ).toBe('42501')
  })
})

describe('deadline reminders', () => {
  it('three days and one day before the deadline, once each, to members of the subtree who have not studied', async () => {
    const dueOn = inDays(4)
    const id = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1', dueOn, 'Nhắc hạn')
    await asUser(t, LOGINS.member, (tx) =>
      tx.query(`insert into public.study_records (campaign_id, member_id, studied_at) values ($1, $2, now())`, [id, memberId]),
    )
    const plan = (at: string) =>
      t.runtime.data.asSystem(
        'test: reminders',
        async (tx) => (await tx.query<{ n: number }>(`select app.plan_reminders_resolution_study($1::timestamptz) as n`, [at]))[0].n,
      )
    const at = (daysBefore: number) => `${new Date(Date.parse(`${dueOn}T00:00:00Z`) - daysBefore * 86_400_000).toISOString().slice(0, 10)}T08:00:00+07:00`
    const audience = await t.runtime.data.asSystem(
      'test: audience',
      async (tx) =>
        (
          await tx.query<{ n: number }>(
            `select count(*)::int as n from public.members m where m.org_path <@ 'ns.tp1.g1'::extensions.ltree and m.deceased_on is null and (m.left_on is null or m.left_on > app.today())`,
          )
        )[0].n,
    )
    // other campaigns of this file fall due too: count this campaign's notices
    const sent = () =>
      t.runtime.data.asSystem(
        'test: notices',
        async (tx) =>
          (await tx.query<{ n: number }>(`select count(*)::int as n from public.notifications where kind = 'study.deadline' and url = $1`, [`/study/${id}`]))[0]
            .n,
      )
    await plan(at(4))
    expect(await sent()).toBe(0)
    await plan(at(3))
    expect(await sent()).toBe(audience - 1)
    await plan(at(3))
    await plan(at(2))
    expect(await sent()).toBe(audience - 1)
    await plan(at(1))
    expect(await sent()).toBe(2 * (audience - 1))
    await plan(at(1))
    await plan(at(0))
    expect(await sent()).toBe(2 * (audience - 1))
    const mine = await asUser(t, LOGINS.member, (tx) =>
      tx.query(`select 1 from public.notifications where kind = 'study.deadline' and url = $1`, [`/study/${id}`]),
    )
    expect(mine).toHaveLength(0)
    const fellows = await asUser(t, fellow.login, (tx) =>
      tx.query(`select 1 from public.notifications where kind = 'study.deadline' and url = $1`, [`/study/${id}`]),
    )
    expect(fellows).toHaveLength(2)
    const outsiders = await asUser(t, outsiderMember.login, (tx) =>
      tx.query(`select 1 from public.notifications where kind = 'study.deadline' and url = $1`, [`/study/${id}`]),
    )
    expect(outsiders).toHaveLength(0)
  })

  it('a moved deadline brings its reminders again, once each', async () => {
    const id = await openCampaign(t, LOGINS.grassroots, 'ns.tp1.g1.c2', inDays(3), 'Hạn dời')
    const plan = (at: string) =>
      t.runtime.data.asSystem('test: reminders', (tx) => tx.query(`select app.plan_reminders_resolution_study($1::timestamptz)`, [at]))
    const sent = () =>
      t.runtime.data.asSystem(
        'test: notices',
        async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.study_reminders where campaign_id = $1`, [id]))[0].n,
      )
    const now = `${inDays(0)}T09:00:00+07:00`
    await plan(now)
    expect(await sent()).toBe(1)
    await asUser(t, LOGINS.grassroots, (tx) => tx.query(`update public.study_campaigns set title = 'Hạn dời (sửa tên)' where id = $1`, [id]))
    await plan(now)
    expect(await sent()).toBe(1)
    await asUser(t, LOGINS.grassroots, (tx) => tx.query(`update public.study_campaigns set due_on = $2 where id = $1`, [id, inDays(2)]))
    expect(await sent()).toBe(0)
    await plan(now)
    expect(await sent()).toBe(1)
  })

  it('users cannot run the reminders pass', async () => {
    expect(await failure(asUser(t, LOGINS.staff, (tx) => tx.query(`select app.plan_reminders_resolution_study(now())`)))).toBe('42501')
  })
})

describe('the catalog', () => {
  it('every table of the feature has row-level security enabled and policies', async () => {
    const tables = await t.runtime.data.asSystem('test: catalog', (tx) =>
      tx.query<{ name: string; rls: boolean; policies: number }>(
        `select c.relname as name, c.relrowsecurity as rls, (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
           from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname like 'study\\_%'`,
      ),
    )
    expect(tables.map((r) => r.name).sort()).toEqual(['study_campaigns', 'study_records', 'study_reminders'])
    for (const table of tables) {
      expect(table.rls, table.name).toBe(true)
      expect(table.policies, table.name).toBeGreaterThan(0)
    }
  })

  it('every copied organization key of the feature is found by the catalog, so a move of a subtree rewrites it', async () => {
    const keys = await t.runtime.data.asSystem('test: org key columns', (tx) =>
      tx.query<{ table_name: string }>(`select table_name::text from app.org_key_columns() where table_name::text like '%study%'`),
    )
    expect(keys.map((k) => k.table_name).sort()).toEqual(['study_campaigns', 'study_records', 'study_reminders'])
  })
})

describe('a member who moved to another cell', () => {
  it('takes his/her record along: the old cell’s secretary no longer accepts or returns it; the new cell’s managers read and review what he/she hands in', async () => {
    const mover = fellow
    await record(mover.login, mover.memberId, `reflection = 'Thu hoạch viết ở chi bộ cũ', reflection_status = 'submitted'`)
    await t.runtime.data.asSystem('test: the member moves to cell 2', (tx) =>
      tx.query(`update public.members set org_id = (select id from public.organizations where path = 'ns.tp1.g1.c2') where id = $1`, [mover.memberId]),
    )
    // the secretary of the cell he/she left: nothing changes
    const accept = (login: string) =>
      asUser(t, login, (tx) =>
        tx.query(`update public.study_records set reflection_status = 'accepted' where campaign_id = $1 and member_id = $2 returning id`, [
          campaignId,
          mover.memberId,
        ]),
      ).catch((error) => String((error as { code?: string }).code))
    const outcome = await accept(LOGINS.cellSecretary)
    expect(outcome === '42501' || (Array.isArray(outcome) && outcome.length === 0), String(outcome)).toBe(true)
    const [kept] = await records(mover.login, mover.memberId)
    expect(kept.reflection_status).toBe('submitted')
    // he/she hands it in again from the new cell: the record is the new cell's
    await record(mover.login, mover.memberId, `reflection = 'Thu hoạch sửa ở chi bộ mới', reflection_status = 'submitted'`)
    const [moved] = await records(mover.login, mover.memberId)
    expect(moved.org_id).toBe(
      await t.runtime.data.asSystem(
        'test',
        async (tx) => (await tx.query<{ id: string }>(`select id from public.organizations where path = 'ns.tp1.g1.c2'`))[0].id,
      ),
    )
    expect(await records(otherCellSecretary.login, mover.memberId)).toHaveLength(1)
    expect(await records(LOGINS.cellSecretary, mover.memberId)).toHaveLength(0)
    expect(await accept(LOGINS.cellSecretary)).toEqual([])
    expect(await accept(otherCellSecretary.login)).toHaveLength(1)
  })
})
