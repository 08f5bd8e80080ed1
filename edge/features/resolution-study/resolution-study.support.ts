import { DEMO_PASSWORD, LOGINS, asUser, orgIdByPath, type TestApp } from '../../../test/support.ts'

/** Test fixtures of the resolution-study tests (not imported by the app). */

/** Someone of the seed at a cell, given the demo password: its secretary (role) or a member without any role. */
export async function personOf(t: TestApp, path: string, kind: 'secretary' | 'plain') {
  const found = await t.runtime.data.asSystem('test: a person of a cell', async (tx) => {
    const [row] = await tx.query<{ login_phone: string; member_id: string }>(
      kind === 'secretary'
        ? `select c.login_phone, m.id as member_id from public.org_roles r
             join public.organizations o on o.id = r.org_id join public.members m on m.id = r.member_id
             join public.accounts a on a.member_id = m.id join app.credentials c on c.user_id = a.user_id
            where o.path = $1::extensions.ltree and r.role = 'secretary' and c.login_phone is not null and c.login_phone <> all ($2::text[])
            order by m.full_name limit 1`
        : `select c.login_phone, m.id as member_id from app.credentials c join public.accounts a on a.user_id = c.user_id
             join public.members m on m.id = a.member_id join public.organizations o on o.id = m.org_id
            where o.path = $1::extensions.ltree and not exists (select 1 from public.org_roles r where r.member_id = m.id)
              and c.login_phone <> all ($2::text[]) and m.deceased_on is null and m.left_on is null
            order by m.full_name limit 1`,
      [path, Object.values(LOGINS)],
    )
    if (!row) throw new Error(`no ${kind} with a login at ${path}`)
    await tx.query(`update app.credentials set password_hash = (select password_hash from app.credentials where login_phone = $2) where login_phone = $1`, [
      row.login_phone,
      LOGINS.member,
    ])
    return row
  })
  return { login: found.login_phone, memberId: found.member_id, agent: () => t.signIn(found.login_phone, DEMO_PASSWORD) }
}

/** A campaign opened by `login` for the subtree at `path` (today until `dueOn`), straight in SQL under that login's RLS. */
export async function openCampaign(t: TestApp, login: string, path: string, dueOn: string, title = 'Học tập Nghị quyết 57-NQ/TW') {
  const orgId = await orgIdByPath(t, path)
  const documentId = await publishedDocument(t, path, `Văn bản của ${title}`)
  return asUser(t, login, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.study_campaigns (org_id, title, document_id, starts_on, due_on)
       values ($1, $2, $4, app.today(), $3) returning id`,
      [orgId, title, dueOn, documentId],
    )
    return row.id
  })
}

/** A library document published to the subtree at `path` (system path: the library's own forms are tested there). */
export async function publishedDocument(t: TestApp, path: string, title: string) {
  const orgId = await orgIdByPath(t, path)
  return t.runtime.data.asSystem('test: a published library document', async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.documents (org_id, kind, category, title) values ($1, 'document', 'party', $2) returning id`,
      [orgId, title],
    )
    await tx.query(`insert into public.document_audiences (document_id, org_id) values ($1, $2)`, [row.id, orgId])
    // an item is inserted as a draft (the library's trigger), then published
    await tx.query(`update public.documents set status = 'published' where id = $1`, [row.id])
    return row.id
  })
}

/** An exam for the subtree at `path` and, for each member given, one graded attempt (passed or not). */
export async function examWithResults(t: TestApp, path: string, results: { memberId: string; passed: boolean }[]) {
  const orgId = await orgIdByPath(t, path)
  return t.runtime.data.asSystem('test: an exam with graded attempts', async (tx) => {
    const [bank] = await tx.query<{ id: string }>(`insert into public.question_banks (org_id, title) values ($1, 'Ngân hàng NQ57') returning id`, [orgId])
    const [exam] = await tx.query<{ id: string }>(
      `insert into public.exams (bank_id, org_id, title, opens_at, closes_at, time_limit_minutes, pass_percent)
       values ($1, $2, 'Kiểm tra NQ57', now() - interval '1 day', now() + interval '10 days', 15, 50) returning id`,
      [bank.id, orgId],
    )
    for (const r of results) {
      await tx.query(
        `insert into public.exam_attempts (exam_id, member_id, org_key, attempt_no, started_at, deadline, submitted_at, question_count, correct_count, score, passed)
         select $1, m.id, m.org_key, 1, now() - interval '1 hour', now(), now() - interval '30 minutes', 10, case when $3 then 8 else 2 end, case when $3 then 80 else 20 end, $3
           from public.members m where m.id = $2`,
        [exam.id, r.memberId, r.passed],
      )
    }
    return exam.id
  })
}
