import type { Tx } from '../db/types.ts'
import { sessionOf, type AppContext } from './context.ts'
import { notFound } from './errors.tsx'

/**
 * One transaction under the user's RLS: read something, run a change on it (if any), read it
 * again so the answer shows the result. Something out of sight is a 404 before anything runs.
 */
export async function readAndChange<T, O extends object>(
  c: AppContext,
  read: (tx: Tx) => Promise<T | undefined>,
  change?: (tx: Tx, before: T) => Promise<O>,
): Promise<{ state: T; outcome: O | Record<string, never> }> {
  const result = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const before = await read(tx)
    if (before === undefined) return undefined
    if (!change) return { state: before, outcome: {} }
    const outcome = await change(tx, before)
    return { state: (await read(tx)) ?? before, outcome }
  })
  if (!result) notFound()
  return result
}
