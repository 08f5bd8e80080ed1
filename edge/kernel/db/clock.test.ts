import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setClock, testApp, type TestApp } from '../../../test/support.ts'

/* The database's clock (app.now): frozen by a test at once, never by a row left behind. */
let t: TestApp
beforeAll(async () => {
  t = await testApp({ members: 50 })
})
afterAll(() => t?.close())

const now = () => t.runtime.data.asSystem('test: read the clock', async (tx) => (await tx.query<{ at: string }>(`select app.now()::text as at`))[0].at)

describe('the database clock', () => {
  it('a test freezes it at once; a frozen clock left behind for more than an hour is ignored, so a deployment’s timers keep running', async () => {
    const frozen = new Date(Date.now() + 40 * 86_400_000)
    await setClock(t, frozen)
    expect(Date.parse(await now())).toBe(frozen.getTime())
    await t.runtime.data.asSystem('test: the row grows old', (tx) =>
      tx.query(`update app.settings set created_at = now() - interval '61 minutes' where key = 'clock.now'`),
    )
    expect(Math.abs(Date.parse(await now()) - Date.now())).toBeLessThan(60_000)
    await setClock(t, null)
  })
})
