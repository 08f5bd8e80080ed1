import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asUser, inDays, LOGINS, mulberry32, newPerson, orgIdByPath, studyMaterials, testApp, type TestApp } from '../../../test/support.ts'

/*
 * The organization's invariants over random histories. A seeded walk of steps, each done as the
 * app does it (pages for the tree, the transfer functions as the committee, members acting for
 * themselves): transfers between cells of one ward or two, temporary stays, a cell changed by an
 * edit, cells created, merged and moved to the other ward, members leaving and dying, and between
 * them the members study, take the exam, read, get tasks and assess themselves. After every step:
 *   - each active member is in exactly one open cell, and his/her key is that cell's path;
 *   - every copy of a member's cell key is the member's cell of now (so the study, exam and
 *     reading counts of a subtree are the sums of its children's), and a meeting's attendance,
 *     votes and comments stay with the cell that held it, wherever that cell moves;
 *   - the registration rollup equals a recount of the members, at every level, and the
 *     evaluation counts equal a recount of the evaluations, per cell and step;
 *   - a secretary of a cell outside the walk reads no row of it.
 * `npm test` walks a fixed seed; `npm run test:invariants -- --steps 100000 [--seed n]` walks
 * longer. A failure names the seed and the step, and the same seed replays the same walk.
 */
const STEPS = Number(process.env.INVARIANT_STEPS ?? 30)
const SEED = Number(process.env.INVARIANT_SEED ?? 23)

let t: TestApp
// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc queries
type Rows = any[]
const system = (sql: string, params?: unknown[]): Promise<Rows> => t.runtime.data.asSystem('test: invariants', (tx) => tx.query(sql, params))
const as = (login: string, sql: string, params?: unknown[]): Promise<Rows> => asUser(t, login, (tx) => tx.query(sql, params))

const WARDS = ['ns.tp1.g1', 'ns.tp1.g3'] as const
const OUTSIDE = 'ns.tp1.g4.c1'
const ACTIVE = `m.deceased_on is null and (m.left_on is null or m.left_on > app.today())`

let people: { id: string; login: string }[] = []
let outsider: { id: string; login: string }
let ids: { document: string; exam: string; campaign: string }

beforeAll(async () => {
  t = await testApp({ members: 60 })
  const homes = ['ns.tp1.g1.c1', 'ns.tp1.g1.c1', 'ns.tp1.g1.c2', 'ns.tp1.g1.c2', 'ns.tp1.g3.c1', 'ns.tp1.g3.c1', 'ns.tp1.g3.c2', 'ns.tp1.g3.c2']
  people = []
  for (const [i, home] of homes.entries()) people.push(await newPerson(t, home, `Ngẫu Nhiên ${i}`))
  outsider = await newPerson(t, OUTSIDE, 'Bí Thư Ngoài Cuộc', { path: OUTSIDE, role: 'secretary' })
  const city = await orgIdByPath(t, 'ns.tp1')
  // the city publishes an item, sets an exam and opens a campaign for the whole city; the first ward opens an evaluation period
  ids = await studyMaterials(t, LOGINS.staff, city)
  await as(
    LOGINS.grassroots,
    `insert into public.evaluation_periods (org_id, year, title, self_due, proposal_due, decision_due)
     values ($1, extract(year from app.today())::int, 'Đánh giá năm', app.today() + 7, app.today() + 14, app.today() + 21)`,
    [await orgIdByPath(t, 'ns.tp1.g1')],
  )
})
afterAll(() => t?.close())

/** The open cells under the two wards of the walk. */
async function openCells(): Promise<{ id: string; path: string; parent: string }[]> {
  return system(
    `select o.id, o.path::text as path, p.path::text as parent from public.organizations o join public.organizations p on p.id = o.parent_id
      where o.kind = 'cell' and o.valid_to is null and o.merged_into is null and (o.path <@ $1::ltree or o.path <@ $2::ltree)
      order by o.path`,
    [...WARDS],
  )
}

async function activePeople(): Promise<{ id: string; login: string; path: string }[]> {
  const rows = await system(`select m.id, m.org_path::text as path from public.members m where m.id = any ($1::uuid[]) and ${ACTIVE}`, [
    people.map((p) => p.id),
  ])
  return rows.map((r) => ({ ...r, login: people.find((p) => p.id === r.id)!.login }))
}

type Step = (rand: () => number) => Promise<string>
let created = 0

function stepsOf(pick: <T>(xs: readonly T[]) => T): Record<string, [number, Step]> {
  const someone = async () => {
    const here = await activePeople()
    return here.length ? pick(here) : null
  }
  const elsewhere = async (path: string) => {
    const cells = (await openCells()).filter((c) => c.path !== path)
    return cells.length ? pick(cells) : null
  }
  /** A transfer from request to acceptance, by the city's staff (a wider scope than anyone's roles here). */
  const transfer = async (kind: 'permanent' | 'temporary') => {
    const member = await someone()
    const to = member && (await elsewhere(member.path))
    if (!member || !to) return 'nobody to transfer'
    const dates = kind === 'temporary' ? [inDays(-1), inDays(60)] : [null, null]
    const [{ id }] = await as(LOGINS.staff, `select public.transfer_request($1, $2, $3, null, 'Ngẫu nhiên', $4, $5) as id`, [member.id, kind, to.id, ...dates])
    await as(LOGINS.staff, `select public.transfer_confirm($1, date_trunc('month', app.today())::date, true)`, [id])
    await as(LOGINS.staff, `select public.transfer_issue($1, 'S-1', app.today())`, [id])
    await as(LOGINS.staff, `select public.transfer_accept($1)`, [id])
    return `${kind} transfer ${member.path} → ${to.path}`
  }
  return {
    transfer: [4, () => transfer('permanent')],
    temporary: [1, () => transfer('temporary')],
    edit: [
      2,
      async () => {
        const member = await someone()
        const to = member && (await elsewhere(member.path))
        if (!member || !to) return 'nobody to edit'
        await as(LOGINS.staff, `update public.members set org_id = $2 where id = $1`, [member.id, to.id])
        return `edit ${member.path} → ${to.path}`
      },
    ],
    create: [
      1,
      async () => {
        const ward = pick(WARDS)
        const staff = await t.signIn(LOGINS.staff)
        created++
        const res = await staff.post(`/orgs/${await orgIdByPath(t, ward)}/children`, { name: `Chi bộ mới ${created}`, kind: 'cell' })
        expect(res.status).toBe(303)
        return `create a cell under ${ward}`
      },
    ],
    merge: [
      1,
      async () => {
        const cells = await openCells()
        const from = pick(cells)
        const siblings = cells.filter((c) => c.parent === from.parent && c.id !== from.id)
        if (!siblings.length) return 'no sibling to merge into'
        const into = pick(siblings)
        const res = await (await t.signIn(LOGINS.staff)).post(`/orgs/${from.id}/merge`, { into: into.id })
        expect(res.status).toBe(303)
        return `merge ${from.path} into ${into.path}`
      },
    ],
    move: [
      1,
      async () => {
        const cell = pick(await openCells())
        const ward = WARDS.find((w) => !cell.path.startsWith(`${w}.`))!
        const res = await (await t.signIn(LOGINS.staff)).post(`/orgs/${cell.id}/move`, { target: await orgIdByPath(t, ward) })
        expect([200, 303]).toContain(res.status)
        return `move ${cell.path} under ${ward} (${res.status === 303 ? 'moved' : 'refused'})`
      },
    ],
    meet: [
      1,
      async () => {
        const member = await someone()
        if (!member) return 'nobody to meet'
        // a meeting held an hour ago in the member's cell, entered afterwards; the committee records who came
        await as(
          LOGINS.staff,
          `with held as (insert into public.meetings (org_id, kind, title, starts_at, recorded_late)
                         select org_id, 'thematic', 'Sinh hoạt ngẫu nhiên', app.now() - interval '1 hour', true from public.members where id = $1 returning id)
           insert into public.meeting_attendance (meeting_id, member_id, status) select id, $1, 'present' from held`,
          [member.id],
        )
        return `${member.path}: meets with the cell`
      },
    ],
    join: [
      2,
      async () => {
        const cell = pick(await openCells())
        people.push(await newPerson(t, cell.path, `Đảng Viên Mới ${people.length}`))
        return `${cell.path}: a new member joins`
      },
    ],
    leave: [
      1,
      async () => {
        const member = await someone()
        if (!member) return 'nobody to leave'
        await system(`update public.members set left_on = app.today() where id = $1`, [member.id])
        return `${member.path}: leaves`
      },
    ],
    die: [
      1,
      async () => {
        const member = await someone()
        if (!member) return 'nobody'
        await system(`update public.members set deceased_on = app.today() where id = $1`, [member.id])
        return `${member.path}: dies`
      },
    ],
    study: [
      2,
      async () => {
        const member = await someone()
        if (!member) return 'nobody to study'
        await as(
          member.login,
          `insert into public.study_records (campaign_id, member_id, studied_at) values ($1, app.current_member_id(), now()) on conflict do nothing`,
          [ids.campaign],
        )
        return `${member.path}: studies`
      },
    ],
    exam: [
      2,
      async () => {
        const member = await someone()
        if (!member) return 'nobody to take the exam'
        await as(member.login, `select app.exam_submit((select attempt_id from app.exam_start($1)))`, [ids.exam])
        return `${member.path}: takes the exam`
      },
    ],
    read: [
      1,
      async () => {
        const member = await someone()
        if (!member) return 'nobody to read'
        await as(member.login, `insert into public.document_reads (document_id, member_id) values ($1, app.current_member_id()) on conflict do nothing`, [
          ids.document,
        ])
        return `${member.path}: reads`
      },
    ],
    task: [
      1,
      async () => {
        const member = await someone()
        if (!member) return 'nobody to give a task'
        await as(
          LOGINS.staff,
          `with task as (insert into public.tasks (org_id, title, due_on) select org_id, 'Việc ngẫu nhiên', app.today() + 3 from public.members where id = $1 returning id)
         insert into public.task_assignees (task_id, member_id) select id, $1 from task`,
          [member.id],
        )
        return `${member.path}: gets a task`
      },
    ],
    assess: [
      1,
      async () => {
        const member = await someone()
        if (!member) return 'nobody to assess'
        const rows = await as(
          member.login,
          `update public.evaluations e
            set step = 'cell_proposal', self_all_tasks_done = true,
                self_scores = (select jsonb_object_agg(c.id, c.max_points) from public.evaluation_criteria c where c.period_id = e.period_id)
          where e.member_id = app.current_member_id() and e.step = 'self_assessment' returning 1`,
        )
        return `${member.path}: assesses himself/herself (${rows.length})`
      },
    ],
  }
}

/** Every broken invariant, in words (empty when all hold). */
async function broken(): Promise<string[]> {
  const found: string[] = []
  const homeless = await system(
    `select m.full_name, o.path::text as path from public.members m join public.organizations o on o.id = m.org_id
      where ${ACTIVE} and (o.valid_to is not null or o.merged_into is not null or o.kind not in ('cell', 'grassroots_cell')
                           or m.org_key is distinct from o.path::text)`,
  )
  for (const r of homeless) found.push(`${r.full_name} is in ${r.path}, not an open cell of that path`)
  for (const { name } of await system(`select table_name::text as name from app.member_cell_copies()`)) {
    const [row] = await system(
      `select count(*)::int as n from ${name} c join public.members m on m.id = c.member_id where c.org_key is distinct from m.org_key`,
    )
    if (row.n) found.push(`${row.n} rows of ${name} keep a cell their member left`)
  }
  for (const table of ['public.meeting_attendance', 'public.meeting_votes', 'public.meeting_comments']) {
    const [row] = await system(
      `select count(*)::int as n from ${table} c join public.meetings mt on mt.id = c.meeting_id where c.org_key is distinct from mt.org_key`,
    )
    if (row.n) found.push(`${row.n} rows of ${table} left the cell that held their meeting`)
  }
  const registration = await system(
    `with expected as (
       select extensions.subpath(c.org_path, 0, l.level)::text as path, sum(c.members)::int as members, sum(c.registered)::int as registered
         from (select m.org_path, count(*) as members, count(m.registered_at) as registered
                 from public.members m where m.deceased_on is null and m.left_on is null group by 1) c
        cross join lateral generate_series(1, extensions.nlevel(c.org_path)) as l (level)
        group by 1),
     kept as (select org_path::text as path, members, registered from app.registration_totals where members <> 0 or registered <> 0)
     select coalesce(e.path, k.path) as path, e.members as expected, k.members as kept
       from expected e full join kept k on k.path = e.path
      where e.members is distinct from k.members or e.registered is distinct from k.registered`,
  )
  for (const r of registration) found.push(`registration at ${r.path}: ${r.kept} kept, ${r.expected} counted`)
  const evaluation = await system(
    `with counted as (select period_id, org_id, step, count(*)::int as n from public.evaluations group by 1, 2, 3),
          kept as (select period_id, org_id, step, sum(members)::int as n from public.evaluation_band_counts group by 1, 2, 3 having sum(members) <> 0)
     select coalesce(c.step, k.step) as step, c.n as counted, k.n as kept
       from counted c full join kept k on (k.period_id, k.org_id, k.step) = (c.period_id, c.org_id, c.step)
      where c.n is distinct from k.n`,
  )
  for (const r of evaluation) found.push(`evaluations at step ${r.step}: ${r.kept} kept, ${r.counted} counted`)
  const seen = await as(
    outsider.login,
    `select (select count(*) from public.members where not org_path <@ $1::text::ltree)
          + (select count(*) from public.study_records where org_key not like $1::text || '%')
          + (select count(*) from public.exam_attempts where org_key not like $1::text || '%')
          + (select count(*) from public.document_reads where org_key not like $1::text || '%')
          + (select count(*) from public.task_assignees where org_key not like $1::text || '%')
          + (select count(*) from public.evaluations where org_key not like $1::text || '%')
          + (select count(*) from public.transfers) as n`,
    [OUTSIDE],
  )
  if (Number(seen[0].n)) found.push(`the outside secretary reads ${seen[0].n} rows of the walk`)
  return found
}

/** The study, exam and reading counts of each ward are its cells' sums (active members, by their copied keys). */
async function unequalSums(): Promise<string[]> {
  const found: string[] = []
  for (const [table, filter] of [
    ['public.study_records', `campaign_id = '${ids.campaign}'`],
    ['public.exam_attempts', `exam_id = '${ids.exam}'`],
    ['public.document_reads', `document_id = '${ids.document}'`],
  ]) {
    const rows = await system(
      `with people as (select distinct c.member_id, c.org_key from ${table} c join public.members m on m.id = c.member_id where ${filter} and ${ACTIVE})
       select w.path::text as ward,
              (select count(*)::int from people p where p.org_key like w.path::text || '.%') as total,
              (select coalesce(sum((select count(*) from people p where p.org_key = o.path::text or p.org_key like o.path::text || '.%')), 0)::int
                 from public.organizations o where o.parent_id = w.id and o.valid_to is null) as children
         from public.organizations w where w.path::text = any ($1::text[])`,
      [WARDS],
    )
    for (const r of rows) if (r.total !== r.children) found.push(`${table} at ${r.ward}: ${r.total}, its cells ${r.children}`)
  }
  return found
}

describe('the organization over random histories', () => {
  it(`holds its invariants after every step (seed ${SEED}, ${STEPS} steps)`, async () => {
    const rand = mulberry32(SEED)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]
    const steps = Object.entries(stepsOf(pick))
    const weight = steps.reduce((sum, [, [w]]) => sum + w, 0)
    const log: string[] = []
    expect(await broken()).toEqual([])
    for (let n = 1; n <= STEPS; n++) {
      let roll = rand() * weight
      const [name, [, step]] = steps.find(([, [w]]) => (roll -= w) < 0) ?? steps[0]
      const did = await step(rand).catch((error) => `${name} refused: ${(error as { code?: string }).code ?? (error as Error).message}`)
      log.push(`${n}. ${did}`)
      const wrong = [...(await broken()), ...(await unequalSums())]
      if (wrong.length) throw new Error(`seed ${SEED}, step ${n}:\n${wrong.join('\n')}\nwalk:\n${log.join('\n')}`)
    }
    if (process.env.INVARIANT_LOG) console.log(log.join('\n'))
    // the walk did things: members moved and acted
    expect(log.filter((line) => / → | into | under /.test(line)).length).toBeGreaterThan(0)
  })
})
