import type { DataAccess } from '../kernel/db/access.ts'
import type { Tx } from '../kernel/db/types.ts'
import { hashPassword, temporaryPassword } from '../kernel/auth/password.ts'
import { AGENCIES, WARDS, demoMember, pick, prng, type DemoMember } from './names.ts'

export interface DemoLogin {
  login: string
  role: string
  password?: string
}

interface Org {
  id: string
  parent_id: string | null
  path: string
  code: string
  name: string
  kind: string
}

const GRASSROOTS_PER_COMMITTEE = 68
const MEMBERS_PER_COMMITTEE = 1000
const BATCH = 5000

/** province → K city/commune committees → 68 grassroots each → cells; leaves hold members. */
function buildTree(members: number, rand: () => number): { orgs: Org[]; leaves: Org[] } {
  const orgs: Org[] = []
  const add = (parent: Org | null, code: string, name: string, kind: string): Org => {
    const org = { id: crypto.randomUUID(), parent_id: parent?.id ?? null, path: parent ? `${parent.path}.${code}` : code, code, name, kind }
    orgs.push(org)
    return org
  }
  const province = add(null, 'ns', 'Đảng bộ tỉnh Nam Sơn', 'province_committee')
  const committees = Math.max(1, Math.round(members / MEMBERS_PER_COMMITTEE))
  const leaves: Org[] = []
  for (let k = 1; k <= committees; k++) {
    const city = add(province, `tp${k}`, k === 1 ? 'Đảng bộ thành phố Nam Sơn' : `Đảng bộ xã Nam Sơn ${k}`, 'commune_committee')
    if (k === 1) leaves.push(add(city, 'vp', 'Chi bộ Văn phòng Thành ủy', 'grassroots_cell'))
    for (let g = 1; g <= GRASSROOTS_PER_COMMITTEE; g++) {
      if (g % 7 === 0) {
        leaves.push(add(city, `g${g}`, `Chi bộ ${AGENCIES[(g / 7 - 1) % AGENCIES.length]}`, 'grassroots_cell'))
        continue
      }
      const place = g <= WARDS.length ? WARDS[g - 1] : `${pick(rand, WARDS)} ${g}`
      const kind = g % 3 === 0 ? 'xã' : 'phường'
      const grassroots = add(city, `g${g}`, `Đảng bộ ${kind} ${place}`, 'grassroots_committee')
      const cells = 1 + (g % 2)
      for (let c = 1; c <= cells; c++) leaves.push(add(grassroots, `c${c}`, `Chi bộ khu phố ${c}`, 'cell'))
    }
  }
  return { orgs, leaves }
}

/** Bulk insert through one JSON parameter; columns are the first row's keys, the rest take defaults. */
async function insertJson(tx: Tx, table: string, rows: object[]) {
  if (!rows.length) return
  const columns = Object.keys(rows[0]).map((c) => `"${c}"`).join(', ')
  for (let i = 0; i < rows.length; i += BATCH) {
    await tx.query(`insert into ${table} (${columns}) select ${columns} from jsonb_populate_recordset(null::${table}, $1::jsonb)`, [
      JSON.stringify(rows.slice(i, i + BATCH)),
    ])
  }
}

const DEMO_PEOPLE = [
  { key: 'staff', role: 'Cán bộ văn phòng Thành ủy (quản lý toàn thành phố)', name: 'Phạm Minh Tuấn', gender: 'male', phone: '0901000001' },
  { key: 'grassroots', role: 'Bí thư Đảng ủy phường Minh Khai', name: 'Lê Thị Hoa', gender: 'female', phone: '0901000002' },
  { key: 'cell', role: 'Bí thư Chi bộ khu phố 1, phường Minh Khai', name: 'Trần Văn Bình', gender: 'male', phone: '0901000003' },
  { key: 'member', role: 'Đảng viên Chi bộ khu phố 1, phường Minh Khai', name: 'Nguyễn Thị Hồng Nhung', gender: 'female', phone: '0901000004' },
] as const
const ADMIN_PHONE = '0900000000'

/**
 * Creates the demo committee on an empty database and returns its logins (null when the
 * database already has organizations). Bulk rows skip triggers: paths are computed here and
 * the seed itself is not worth an audit trail.
 */
export async function seedDemo(data: DataAccess, options: { members?: number; password?: string; seed?: number } = {}) {
  const total = options.members ?? 1000
  const rand = prng(options.seed ?? 2026)
  const password = options.password ?? temporaryPassword(12)
  const [demoHash, otherHash] = await Promise.all([hashPassword(password), hashPassword(crypto.randomUUID())])
  return data.asSystem('seed the demo committee into an empty database', async (tx) => {
    const [{ n }] = await tx.query<{ n: number }>(`select count(*)::int as n from public.organizations`)
    if (n > 0) return null
    await tx.query(`set local session_replication_role = replica`)
    const { orgs, leaves } = buildTree(total, rand)
    await insertJson(tx, 'public.organizations', orgs.map((o) => ({ ...o, valid_from: '2025-07-01' })))

    const office = leaves[0]
    const demoCell = leaves.find((o) => o.path === 'ns.tp1.g1.c1')!
    const members: (DemoMember & { org_path?: string; registered_at?: string | null })[] = []
    for (let i = 0; i < total - DEMO_PEOPLE.length; i++) members.push(demoMember(rand, i, leaves[i % leaves.length].id))
    const demo = DEMO_PEOPLE.map((p, i) => ({
      ...demoMember(rand, total + i, p.key === 'staff' ? office.id : demoCell.id),
      full_name: p.name,
      gender: p.gender,
      phone: p.phone,
      status: 'official' as const,
      official_on: '2010-05-19',
      admitted_on: '2009-05-19',
      exempt: false,
      exempt_reason: null,
    }))
    members.push(...demo)
    const registered = members.filter((m, i) => demo.includes(m as never) || (i * 7919) % 100 < 80)
    const now = new Date().toISOString()
    const isRegistered = new Set(registered)
    const pathOf = new Map(orgs.map((o) => [o.id, o.path]))
    for (const m of members) {
      m.registered_at = isRegistered.has(m) ? now : null
      m.org_path = pathOf.get(m.org_id)
    }
    await insertJson(tx, 'public.members', members)

    // Every leaf has a secretary (its first member); the demo people hold their demo roles.
    const firstOf = new Map<string, string>()
    for (const m of members) if (!firstOf.has(m.org_id)) firstOf.set(m.org_id, m.id)
    const grassroots = orgs.find((o) => o.path === 'ns.tp1.g1')!
    const city = orgs.find((o) => o.path === 'ns.tp1')!
    const roles = [...firstOf].filter(([org]) => org !== demoCell.id).map(([org_id, member_id]) => ({ org_id, member_id, role: 'secretary' }))
    roles.push(
      { org_id: city.id, member_id: demo[0].id, role: 'staff' },
      { org_id: grassroots.id, member_id: demo[1].id, role: 'secretary' },
      { org_id: demoCell.id, member_id: demo[2].id, role: 'secretary' },
    )
    await insertJson(tx, 'public.org_roles', roles.map((r) => ({ id: crypto.randomUUID(), valid_from: '2025-07-01', created_at: now, ...r })))

    const adminId = crypto.randomUUID()
    const accounts = registered.map((m) => ({ user_id: crypto.randomUUID(), member: m }))
    await insertJson(tx, 'auth.users', [{ id: adminId }, ...accounts.map((a) => ({ id: a.user_id }))].map((u) => ({ ...u, raw_app_meta_data: {}, raw_user_meta_data: {}, created_at: now, updated_at: now })))
    await insertJson(tx, 'public.accounts', [
      { user_id: adminId, member_id: null, is_admin: true, display_name: 'Quản trị hệ thống', created_at: now },
      ...accounts.map((a) => ({ user_id: a.user_id, member_id: a.member.id, is_admin: false, display_name: a.member.full_name, created_at: now })),
    ])
    const isDemo = new Set(demo.map((d) => d.id))
    await insertJson(tx, 'app.credentials', [
      { user_id: adminId, login_phone: ADMIN_PHONE, login_card: null, password_hash: demoHash, must_change_password: false, password_changed_at: now },
      ...accounts.map((a) => ({
        user_id: a.user_id,
        login_phone: a.member.phone,
        login_card: a.member.card_number,
        password_hash: isDemo.has(a.member.id) ? demoHash : otherHash,
        must_change_password: false,
        password_changed_at: now,
      })),
    ])
    const logins: DemoLogin[] = [
      { login: ADMIN_PHONE, role: 'Quản trị hệ thống' },
      ...DEMO_PEOPLE.map((p) => ({ login: p.phone, role: p.role })),
    ].map((l) => (options.password ? l : { ...l, password }))
    await tx.query(`insert into app.settings (key, value) values ('demo.logins', $1) on conflict (key) do update set value = excluded.value`, [
      JSON.stringify(logins),
    ])
    await tx.query(`set local session_replication_role = origin`)
    return logins
  })
}
