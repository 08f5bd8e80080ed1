import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, inDays, LOGINS, orgIdByPath, signInMemberOf, testApp, type Agent, type TestApp } from '../../../test/support.ts'
import { assignChunk, runFanouts } from './tasks.fanout.ts'

let t: TestApp
let ward: Agent
let wardId: string

const membersOfWard = () =>
  t.runtime.data.asSystem(
    'test: current members of the ward',
    async (tx) =>
      (
        await tx.query<{ n: number }>(`select count(*)::int as n from public.members where org_path <@ 'ns.tp1.g1' and deceased_on is null and left_on is null`)
      )[0].n,
  )
const job = (taskId: string) =>
  t.runtime.data.asSystem(
    'test: the job',
    async (tx) => (await tx.query<{ status: string; assigned: number }>(`select status, assigned from public.task_fanouts where task_id = $1`, [taskId]))[0],
  )
async function until(taskId: string, status: string) {
  for (let i = 0; i < 100 && (await job(taskId))?.status !== status; i++) await new Promise((r) => setTimeout(r, 50))
  return job(taskId)
}

beforeAll(async () => {
  // a small threshold and chunk, so a ward of a demo city is "large"
  t = await testApp({ members: 300, env: { TASK_BULK_THRESHOLD: '4', TASK_BULK_CHUNK: '3' } })
  ward = await t.signIn(LOGINS.grassroots)
  wardId = await orgIdByPath(t, 'ns.tp1.g1')
})
afterAll(() => t?.close())

describe('assigning to every member of a large subtree', () => {
  it('returns at once, then assigns in the background, chunk by chunk, each member once; the page shows how far it got', async () => {
    const res = await ward.post('/tasks', {
      org_id: wardId,
      title: 'Học tập Nghị quyết toàn đảng bộ',
      due_on: inDays(10),
      priority: 'high',
      org_ids: wardId,
      every_member: 'on',
    })
    expect(res.status).toBe(303)
    const taskId = res.headers.get('Location')!.split('/').pop()!
    await Promise.all([runFanouts(t.runtime.data, { chunk: 3 }), runFanouts(t.runtime.data, { chunk: 3 })])
    const done = await until(taskId, 'done')
    const expected = await membersOfWard()
    expect(expected).toBeGreaterThan(4)
    expect(done).toEqual({ status: 'done', assigned: expected })
    const [counts] = await t.runtime.data.asSystem('test: assignments', (tx) =>
      tx.query<{ rows: number; members: number; notices: number }>(
        `select count(*)::int as rows, count(distinct member_id)::int as members,
                (select count(*)::int from public.notifications where url = '/tasks/' || $1::text) as notices
           from public.task_assignees where task_id = $1::uuid`,
        [taskId],
      ),
    )
    expect(counts).toEqual({ rows: expected, members: expected, notices: expected })
    const progress = await (await ward.get(`/tasks/${taskId}/fanout`, { htmx: true })).text()
    expect(progress).toContain(`Đã giao xong cho <strong>${expected}</strong> đảng viên.`)
    expect(await (await ward.get(`/tasks/${taskId}`)).text()).toContain(`Người nhận việc (${expected})`)
  })

  it('a chunk redone after a crash adds nobody twice', async () => {
    const res = await ward.post('/tasks', {
      org_id: wardId,
      title: 'Việc giao lại sau sự cố',
      due_on: inDays(10),
      priority: 'normal',
      org_ids: wardId,
      every_member: 'on',
    })
    const taskId = res.headers.get('Location')!.split('/').pop()!
    await until(taskId, 'done')
    // the same first chunk again, as a worker that died before recording its progress would
    const again = await t.runtime.data.withUser(await claimsOf(t, LOGINS.grassroots), (tx) => assignChunk(tx, { task_id: taskId, org_ids: [wardId] }, null, 3))
    expect(again.inserted).toBe(0)
    expect((await job(taskId)).assigned).toBe(await membersOfWard())
  })

  it('below the threshold it is done in the request; nobody outside sees the job', async () => {
    const cell = await orgIdByPath(t, 'ns.tp1.g1.c2')
    const res = await ward.post('/tasks', {
      org_id: wardId,
      title: 'Việc cho một chi bộ',
      due_on: inDays(10),
      priority: 'normal',
      org_ids: cell,
      every_member: 'on',
    })
    expect(res.headers.get('Location')).toContain('?created=')
    const outsider = await signInMemberOf(t, 'ns.tp1.g2.c1')
    const seen = await t.runtime.data.withUser(await claimsOf(t, outsider.login), (tx) => tx.query(`select 1 from public.task_fanouts`))
    expect(seen).toEqual([])
  })
})

describe('a background assignment that meets errors', () => {
  /** A task in the ward with a waiting job, as the request would leave it (the job is not started here). */
  async function waitingJob(title: string) {
    const res = await ward.post('/tasks', {
      org_id: wardId,
      title,
      due_on: inDays(10),
      priority: 'normal',
      org_ids: await orgIdByPath(t, 'ns.tp1.g1.c2'),
      every_member: 'on',
    })
    const taskId = res.headers.get('Location')!.split('?')[0].split('/').pop()!
    const { sub } = await claimsOf(t, LOGINS.grassroots)
    await t.runtime.data.asSystem('test: a waiting background job', (tx) =>
      tx.query(`insert into public.task_fanouts (task_id, org_ids, requested_by) values ($1, $2::uuid[], $3)`, [taskId, [wardId], sub]),
    )
    return taskId
  }

  /** The database as the job sees it, with the assigner's transactions failing `failures` times first; records when each was tried. */
  function flaky(failures: number) {
    const tries: number[] = []
    const data = {
      ...t.runtime.data,
      withUser: (async (claims, fn) => {
        tries.push(Date.now())
        if (tries.length <= failures) throw new Error('connection terminated unexpectedly (injected)')
        return t.runtime.data.withUser(claims, fn)
      }) as typeof t.runtime.data.withUser,
    }
    return { data, tries }
  }

  const errorOf = async (taskId: string) =>
    (
      await t.runtime.data.asSystem('test: the job error', (tx) =>
        tx.query<{ error: string | null }>(`select error from public.task_fanouts where task_id = $1`, [taskId]),
      )
    )[0].error

  it('a passing error is retried after a pause, and the job still assigns everybody once', async () => {
    const taskId = await waitingJob('Việc giao qua mạng chập chờn')
    const { data, tries } = flaky(2)
    await runFanouts(data, { chunk: 3, retryBaseMs: 10 })
    expect(await job(taskId)).toEqual({ status: 'done', assigned: await membersOfWard() })
    expect(tries.length).toBeGreaterThan(2)
    expect(await errorOf(taskId)).toBe('attempt 2/5: connection terminated unexpectedly (injected)')
  })

  it('an error that keeps coming fails the job for good after 5 attempts, waiting longer each time, with its error kept', async () => {
    const taskId = await waitingJob('Việc giao khi cơ sở dữ liệu hỏng')
    const { data, tries } = flaky(Number.POSITIVE_INFINITY)
    await runFanouts(data, { chunk: 3, retryBaseMs: 20 })
    expect(tries).toHaveLength(5)
    const waits = tries.slice(1).map((at, i) => at - tries[i])
    for (const [i, wait] of waits.entries()) expect(wait).toBeGreaterThanOrEqual(20 * 2 ** i - 2)
    expect(await job(taskId)).toMatchObject({ status: 'failed' })
    expect(await errorOf(taskId)).toBe('attempt 5/5: connection terminated unexpectedly (injected)')
  })
})
