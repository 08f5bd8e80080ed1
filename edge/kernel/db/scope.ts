import type { Tx } from './types.ts'

/**
 * How a list reaches the rows of the user's scope: the one place that knows what the planner
 * cannot see through a policy.
 *
 * The policies (app.in_scope) admit a range of organization keys, and the planner guesses the
 * same small share of any table for every range: it cannot tell a cell's ten members from a
 * province's million. So a list asks which kind of scope it serves:
 * - narrow (a cell, a ward: at most NARROW_SCOPE_ORGS organizations): spell the organizations
 *   out as ids and let the (org_id, …) index find the rows; the policy then checks few rows.
 * - wide (a city, a province): walk the list's own order index (name, time) and stop at the
 *   page; nearly every row passes the policy, so a page needs only about a page of rows. The
 *   planner would rather sort the whole scope (it believes the range holds few rows), so sorting
 *   is switched off for that one query (`inIndexOrder`): it then has no plan but the index walk.
 */
export const NARROW_SCOPE_ORGS = 500

/** The organization ids of a narrow scope, or null for a wide one (see above). */
export async function narrowScopeOrgIds(tx: Tx): Promise<string[] | null> {
  const [row] = await tx.query<{ ids: string[] | null }>(`select ${narrowScopeOrgIdsSql('null')} as ids`)
  return row.ids
}

/**
 * The same as an SQL expression (uuid[] as text[]), for a query that asks something else in the
 * same round trip; with `within` (an organization id, or null), of the part of the scope under
 * that organization: a list narrowed to one branch, since a branch filter on org_path would not
 * reach an index under RLS (ltree's operators are not leakproof).
 */
export const narrowScopeOrgIdsSql = (within: string) => `app.small_scope_org_ids(${NARROW_SCOPE_ORGS}, ${within})::text[]`

/** Runs one ordered, limited read of a wide scope so that it walks its order index (see above). */
export async function inIndexOrder<T>(tx: Tx, read: () => Promise<T>): Promise<T> {
  await tx.query(`set local enable_sort = off`)
  try {
    return await read()
  } finally {
    await tx.query(`set local enable_sort = on`)
  }
}
