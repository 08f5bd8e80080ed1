import { claimsOf, LOGINS, memberIdOf, setClock as setDatabaseClock, type TestApp } from '../../../test/support.ts'

/* Fixtures of the transfers tests: people with accounts and roles, SQL run as them (exactly as requests do). */

// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc fixture queries
type Rows = any[]

export function fixtures(t: TestApp) {
  const system = (sql: string, params?: unknown[]): Promise<Rows> => t.runtime.data.asSystem('test: transfers fixtures', (tx) => tx.query(sql, params))

  /** Runs SQL as the person behind a login, under RLS. */
  const as = async (login: string, sql: string, params?: unknown[]): Promise<Rows> => {
    const claims = await claimsOf(t, login)
    return t.runtime.data.withUser(claims, (tx) => tx.query(sql, params))
  }

  /** The SQLSTATE a statement fails with as that person ('ok' when it succeeds). */
  const outcome = (login: string, sql: string, params?: unknown[]): Promise<string> =>
    as(login, sql, params).then(
      () => 'ok',
      (error) => (error as { code?: string }).code ?? String(error),
    )

  const orgId = async (path: string): Promise<string> => (await system(`select id from public.organizations where path = $1::ltree`, [path]))[0].id

  /** A new member of the cell at `path` with an account (the demo password); optionally a role in an organization. */
  const person = async (path: string, name: string, role?: { path: string; role: string; from?: string }) => {
    const phone = `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
    const [m] = await system(
      `insert into public.members (org_id, full_name, phone, status, birth_date) values ((select id from public.organizations where path = $1::ltree), $2, $3, 'official', '1980-05-01') returning id`,
      [path, name, phone],
    )
    const [u] = await system(`insert into auth.users (phone) values (null) returning id`)
    await system(`insert into public.accounts (user_id, member_id, display_name) values ($1, $2, $3)`, [u.id, m.id, name])
    await system(
      `insert into app.credentials (user_id, login_phone, password_hash, must_change_password)
       values ($1, $2, (select password_hash from app.credentials where login_phone = $3), false)`,
      [u.id, phone, LOGINS.member],
    )
    if (role)
      await system(
        `insert into public.org_roles (org_id, member_id, role, valid_from) values ((select id from public.organizations where path = $1::ltree), $2, $3, $4)`,
        [role.path, m.id, role.role, role.from ?? '2024-01-01'],
      )
    return { id: m.id as string, login: phone }
  }

  /** Freezes the database's clock (app.now) at an instant, or thaws it. */
  const setClock = (at: string | Date | null) => setDatabaseClock(t, at)

  const memberOf = (login: string) => memberIdOf(t, login)

  return { system, as, outcome, orgId, person, setClock, memberOf }
}
