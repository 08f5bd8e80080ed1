import { claimsOf, memberIdOf, newPerson, setClock as setDatabaseClock, type TestApp } from '../../../test/support.ts'

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

  const person = (path: string, name: string, role?: { path: string; role: string; from?: string }) => newPerson(t, path, name, role)

  /** Freezes the database's clock (app.now) at an instant, or thaws it. */
  const setClock = (at: string | Date | null) => setDatabaseClock(t, at)

  const memberOf = (login: string) => memberIdOf(t, login)

  return { system, as, outcome, orgId, person, setClock, memberOf }
}
