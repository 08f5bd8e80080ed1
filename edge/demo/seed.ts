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
  const columns = Object.keys(rows[0])
    .map((c) => `"${c}"`)
    .join(', ')
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

type SeedMember = DemoMember & { org_path: string; registered_at: string | null }
/** The tables a seed fills by the hundred thousand. */
const BULK_TABLES = ['public.members', 'public.org_roles', 'public.accounts', 'auth.users', 'app.credentials', 'app.logins']

/** Drops the indexes of these tables that no constraint needs and returns how to build them again. */
async function dropSecondaryIndexes(tx: Tx, tables: string[]): Promise<string[]> {
  const indexes = await tx.query<{ name: string; definition: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i
      where i.indrelid = any ($1::regclass[])
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [tables],
  )
  for (const { name } of indexes) await tx.exec(`drop index ${name}`)
  return indexes.map((i) => i.definition)
}

/** An account for every registered member, made in the database from the members just loaded. */
async function seedAccounts(tx: Tx, a: { now: string; demoHash: string; otherHash: string; demoIds: string[] }) {
  const adminId = crypto.randomUUID()
  await tx.query(
    `create temporary table seed_accounts on commit drop as
     select gen_random_uuid() as user_id, m.id as member_id, m.full_name, m.phone, m.card_number
       from public.members m where m.registered_at is not null`,
  )
  await tx.query(
    `insert into auth.users (id, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     select $1::uuid, '{}'::jsonb, '{}'::jsonb, $2::timestamptz, $2::timestamptz
     union all select user_id, '{}', '{}', $2, $2 from seed_accounts`,
    [adminId, a.now],
  )
  await tx.query(
    `insert into public.accounts (user_id, member_id, is_admin, display_name, created_at)
     select $1::uuid, null::uuid, true, 'Quản trị hệ thống', $2::timestamptz
     union all select user_id, member_id, false, full_name, $2 from seed_accounts`,
    [adminId, a.now],
  )
  await tx.query(
    `insert into app.credentials (user_id, login_phone, login_card, password_hash, must_change_password, password_changed_at)
     select $1::uuid, $2::text, null::text, $3::text, false, $5::timestamptz
     union all select user_id, phone, card_number, case when member_id = any ($6::uuid[]) then $3 else $4 end, false, $5 from seed_accounts`,
    [adminId, ADMIN_PHONE, a.demoHash, a.otherHash, a.now, a.demoIds],
  )
}

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
    await insertJson(
      tx,
      'public.organizations',
      orgs.map((o) => ({ ...o, valid_from: '2025-07-01' })),
    )

    // Indexes are built once after the load: maintaining a trigram and a GiST index row by row
    // is most of the time of a province's seed.
    const deferred = await dropSecondaryIndexes(tx, BULK_TABLES)
    const office = leaves[0]
    const demoCell = leaves.find((o) => o.path === 'ns.tp1.g1.c1')!
    const pathOf = new Map(orgs.map((o) => [o.id, o.path]))
    const now = new Date().toISOString()
    const people = total - DEMO_PEOPLE.length
    /** Members go in batches as they are made: a million objects at once would take gigabytes. */
    const firstOf = new Map<string, string>()
    const inDemoCell: DemoMember[] = []
    let batch: SeedMember[] = []
    const flush = async () => {
      await insertJson(tx, 'public.members', batch)
      batch = []
    }
    const add = async (m: DemoMember, i: number, registered: boolean) => {
      if (!firstOf.has(m.org_id)) firstOf.set(m.org_id, m.id)
      if (m.org_id === demoCell.id) inDemoCell.push(m)
      batch.push({ ...m, org_path: pathOf.get(m.org_id)!, registered_at: registered || (i * 7919) % 100 < 80 ? now : null })
      if (batch.length === BATCH) await flush()
    }
    for (let i = 0; i < people; i++) await add(demoMember(rand, i, leaves[i % leaves.length].id), i, false)
    const demo = DEMO_PEOPLE.map((p, i) => ({
      ...demoMember(rand, total + i, p.key === 'staff' ? office.id : demoCell.id),
      full_name: p.name,
      gender: p.gender,
      phone: p.phone,
      // admitted in 2009: born long enough before it (a random birth date could make them 7 years old then)
      birth_date: `${1962 + i * 3}-0${3 + i}-12`,
      status: 'official' as const,
      official_on: '2010-05-19',
      admitted_on: '2009-05-19',
      exempt: false,
      exempt_reason: null,
    }))
    for (const [i, m] of demo.entries()) await add(m, people + i, true)
    await flush()

    // Every leaf has a secretary (its first member); the demo people hold their demo roles.
    const grassroots = orgs.find((o) => o.path === 'ns.tp1.g1')!
    const city = orgs.find((o) => o.path === 'ns.tp1')!
    const roles = [...firstOf].filter(([org]) => org !== demoCell.id).map(([org_id, member_id]) => ({ org_id, member_id, role: 'secretary' }))
    roles.push(
      { org_id: city.id, member_id: demo[0].id, role: 'staff' },
      { org_id: grassroots.id, member_id: demo[1].id, role: 'secretary' },
      { org_id: demoCell.id, member_id: demo[2].id, role: 'secretary' },
    )
    await insertJson(
      tx,
      'public.org_roles',
      roles.map((r) => ({ id: crypto.randomUUID(), valid_from: '2025-07-01', created_at: now, ...r })),
    )
    await seedAccounts(tx, { now, demoHash, otherHash, demoIds: demo.map((d) => d.id) })
    // triggers are off: the space of logins (app.logins) is written here
    await tx.query(
      `insert into app.logins (login, user_id)
       select x.login, c.user_id from app.credentials c cross join lateral unnest(array[c.login_phone, c.login_card]) x(login)
        where x.login is not null`,
    )
    for (const definition of deferred) await tx.exec(definition)
    await seedMeetings(tx, { cell: demoCell, people: inDemoCell, secretary: demo[2], member: demo[3] })

    const logins: DemoLogin[] = [{ login: ADMIN_PHONE, role: 'Quản trị hệ thống' }, ...DEMO_PEOPLE.map((p) => ({ login: p.phone, role: p.role }))].map((l) =>
      options.password ? l : { ...l, password },
    )
    await tx.query(`insert into app.settings (key, value) values ('demo.logins', $1) on conflict (key) do update set value = excluded.value`, [
      JSON.stringify(logins),
    ])
    // triggers were off: the registration report's counters are filled from the rows, in one pass
    await tx.query(`select app.rebuild_registration_rollup()`)
    await tx.query(`set local session_replication_role = origin`)
    return logins
  })
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Vietnam's calendar date of an instant, shifted by `days` (yyyy-mm-dd). */
const vietnamDate = (at: number, days = 0) => new Date(at + days * DAY + 7 * HOUR).toISOString().slice(0, 10)

/**
 * One meeting of the demo cell in each state, so every part can be tried at once: one ahead with
 * its draft resolution published, one under way now (some members checked in, the vote not yet
 * opened), and one held last week with its vote closed, its minutes approved and its resolution
 * issued. The demo cell secretary chairs them and the demo member takes the minutes. Triggers
 * are off in the seed: keys, places, tallies and frozen counts are written here.
 */
async function seedMeetings(tx: Tx, demo: { cell: Org; people: DemoMember[]; secretary: DemoMember; member: DemoMember }) {
  const now = Date.now()
  const key = demo.cell.path
  const base = {
    org_id: demo.cell.id,
    org_key: key,
    kind: 'regular',
    place: 'Nhà văn hóa khu phố 1',
    chair_id: demo.secretary.id,
    note_taker_id: demo.member.id,
  }
  const expected = demo.people.filter((p) => !p.exempt)
  // under way: started half an hour ago, but never before midnight (check-in lasts the meeting's day)
  const liveStart = Math.max(now - HOUR / 2, Date.parse(`${vietnamDate(now)}T00:00:00+07:00`))
  const monthOf = (at: number) => `${Number(vietnamDate(at).slice(5, 7))}/${vietnamDate(at).slice(0, 4)}`
  const upcoming = {
    ...base,
    id: crypto.randomUUID(),
    title: `Sinh hoạt chi bộ thường kỳ tháng ${monthOf(now + 2 * DAY)} (sắp tới)`,
    starts_at: `${vietnamDate(now, 2)}T19:30:00+07:00`,
    agenda: '1. Kiểm điểm công tác tháng\n2. Góp ý dự thảo nghị quyết\n3. Phương hướng tháng tới',
    expected_count: null,
  }
  const live = {
    ...base,
    id: crypto.randomUUID(),
    title: `Sinh hoạt chuyên đề tháng ${monthOf(now)} (đang diễn ra)`,
    kind: 'thematic',
    starts_at: new Date(liveStart).toISOString(),
    agenda: '1. Học tập chuyên đề\n2. Thảo luận, biểu quyết nghị quyết',
    expected_count: expected.length,
  }
  const heldAt = `${vietnamDate(now, -7)}T19:30:00+07:00`
  const held = {
    ...base,
    id: crypto.randomUUID(),
    title: `Sinh hoạt chi bộ thường kỳ tháng ${monthOf(now - 7 * DAY)} (đã họp)`,
    starts_at: heldAt,
    agenda: '1. Kiểm điểm công tác tháng\n2. Biểu quyết nghị quyết',
    expected_count: expected.length,
  }
  await insertJson(
    tx,
    'public.meetings',
    [upcoming, live, held].map((m) => ({ ...m, status: 'scheduled', recorded_late: false, created_at: new Date(now - 10 * DAY).toISOString() })),
  )

  // attendance: last week everyone expected came but one (excused); now, a few have checked in (not the demo people)
  const others = expected.filter((p) => p.id !== demo.secretary.id && p.id !== demo.member.id)
  const excused = others[0]
  const heldAttendance = expected.map((p) => ({
    meeting_id: held.id,
    member_id: p.id,
    org_key: key,
    status: p === excused ? 'absent_excused' : 'present',
    reason: p === excused ? 'Ốm, có đơn xin phép' : null,
    by_proxy: false,
    recorded_at: heldAt,
  }))
  const liveAttendance = others.slice(1, 4).map((p) => ({
    meeting_id: live.id,
    member_id: p.id,
    org_key: key,
    status: 'present',
    reason: null,
    by_proxy: false,
    recorded_at: new Date(liveStart).toISOString(),
  }))
  await insertJson(tx, 'public.meeting_attendance', [...heldAttendance, ...liveAttendance])

  // last week's vote: every official member present voted for; the result is recorded on the ballot
  const voters = expected.filter((p) => p !== excused && p.status === 'official')
  const closedAt = new Date(Date.parse(heldAt) + HOUR).toISOString()
  await insertJson(tx, 'public.meeting_ballots', [
    {
      meeting_id: held.id,
      org_key: key,
      status: 'closed',
      opened_at: heldAt,
      closed_at: closedAt,
      result: { for: voters.length, against: 0, abstain: 0, eligible: voters.length, passed: voters.length > 0 },
    },
  ])
  await insertJson(
    tx,
    'public.meeting_votes',
    voters.map((p) => ({ meeting_id: held.id, member_id: p.id, org_key: key, choice: 'for', cast_at: heldAt })),
  )

  // comments: their places in each thread, as the comments' trigger would give them
  const comments = [
    {
      meeting_id: held.id,
      author_id: demo.member.id,
      body: 'Đề nghị bổ sung chỉ tiêu vận động quỹ khuyến học của khu phố.',
      taken_into_resolution: true,
      seq: 1,
      created_at: heldAt,
    },
    {
      meeting_id: held.id,
      author_id: others[1]?.id ?? demo.secretary.id,
      body: 'Thống nhất với dự thảo.',
      taken_into_resolution: false,
      seq: 2,
      created_at: heldAt,
    },
    {
      meeting_id: live.id,
      author_id: others[1]?.id ?? demo.secretary.id,
      body: 'Đề nghị làm rõ thời hạn hoàn thành nhiệm vụ trong dự thảo.',
      taken_into_resolution: false,
      seq: 1,
      created_at: new Date(liveStart).toISOString(),
    },
  ]
  await insertJson(
    tx,
    'public.meeting_comments',
    comments.map((c) => ({ id: crypto.randomUUID(), org_key: key, hidden: false, ...c })),
  )
  await insertJson(tx, 'app.meeting_comment_places', [
    { meeting_id: held.id, last_seq: 2 },
    { meeting_id: live.id, last_seq: 1 },
  ])

  // materials: the draft resolution of each meeting, published; last week's final resolution, issued
  const draft = (meetingId: string, at: string) => ({
    id: crypto.randomUUID(),
    meeting_id: meetingId,
    org_key: key,
    kind: 'draft_resolution',
    title: 'Dự thảo nghị quyết của chi bộ',
    body: 'Chi bộ quyết nghị:\n1. Hoàn thành chỉ tiêu công tác tháng.\n2. Vận động đảng viên tham gia các phong trào của khu phố.',
    published_at: at,
  })
  await insertJson(tx, 'public.meeting_materials', [
    draft(upcoming.id, new Date(now).toISOString()),
    draft(live.id, new Date(liveStart - 2 * DAY).toISOString()),
    draft(held.id, new Date(Date.parse(heldAt) - 2 * DAY).toISOString()),
    { ...draft(held.id, closedAt), id: crypto.randomUUID(), kind: 'final_resolution', title: 'Nghị quyết của chi bộ' },
  ])

  // last week's minutes, approved by the chair
  const present = heldAttendance.filter((a) => a.status === 'present').length
  const body = [
    'BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ',
    held.title,
    '',
    'I. TÌNH HÌNH ĐẢNG VIÊN',
    `Tổng số đảng viên của chi bộ: ${demo.people.length} (chính thức: ${demo.people.filter((p) => p.status === 'official').length}; dự bị: ${demo.people.filter((p) => p.status === 'probationary').length}; miễn sinh hoạt: ${demo.people.length - expected.length}; sinh hoạt tạm thời: 0).`,
    `Có mặt: ${present}.`,
    excused ? `Vắng có lý do: 1 — ${excused.full_name} (Ốm, có đơn xin phép).` : 'Vắng có lý do: 0.',
    'Vắng không lý do: 0.',
    '',
    'II. NỘI DUNG SINH HOẠT',
    held.agenda,
    '',
    'III. Ý KIẾN THẢO LUẬN',
    '2 ý kiến, 1 ý kiến được tiếp thu vào nghị quyết.',
    '',
    'IV. BIỂU QUYẾT NGHỊ QUYẾT',
    `Số đảng viên chính thức có mặt: ${voters.length}. Tán thành: ${voters.length}; không tán thành: 0; không biểu quyết: 0. Nghị quyết được thông qua.`,
    '',
    'Biên bản được thông qua trước chi bộ.',
  ].join('\n')
  await insertJson(tx, 'public.meeting_minutes', [
    {
      meeting_id: held.id,
      org_key: key,
      body,
      status: 'approved',
      revision: 1,
      drafted_at: closedAt,
      approved_at: new Date(Date.parse(closedAt) + HOUR).toISOString(),
    },
  ])
}
