import { DEMO_PASSWORD, LOGINS, type TestApp } from '../../../test/support.ts'

/** Test fixtures of the resident members' tests (not imported by the app). */

/** A cell's secretary from the seed (every leaf has one), given the demo password so tests can sign in as him/her. */
export async function secretaryOf(t: TestApp, path: string) {
  const found = await t.runtime.data.asSystem('test: the secretary of a cell', async (tx) => {
    const [row] = await tx.query<{ login_phone: string; member_id: string }>(
      `select c.login_phone, m.id as member_id from public.org_roles r
         join public.organizations o on o.id = r.org_id join public.members m on m.id = r.member_id
         join public.accounts a on a.member_id = m.id join app.credentials c on c.user_id = a.user_id
        where o.path = $1::extensions.ltree and r.role = 'secretary' and c.login_phone is not null
        order by m.full_name limit 1`,
      [path],
    )
    if (!row) throw new Error(`no secretary with a login at ${path}`)
    await tx.query(`update app.credentials set password_hash = (select password_hash from app.credentials where login_phone = $2) where login_phone = $1`, [
      row.login_phone,
      LOGINS.member,
    ])
    return row
  })
  return { login: found.login_phone, memberId: found.member_id, agent: () => t.signIn(found.login_phone, DEMO_PASSWORD) }
}
