import type { DataAccess } from '../../kernel/db/access.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { subtreesOf } from './tasks.queries.ts'

interface Job {
  task_id: string
  org_ids: string[]
  requested_by: string
  after_member: string | null
}

const LEASE_SECONDS = 300

export interface FanoutOptions {
  chunk: number
  /** Tries of one chunk before the job fails for good (a dropped connection, a deadlock, a restart of the database pass). */
  maxAttempts?: number
  /** The first retry of a chunk waits this long, each next one twice as long (1 + 2 + 4 + 8 s by default: well within the lease). */
  retryBaseMs?: number
}

/** One chunk: the next members (by id) of the subtrees get the task; done again, it changes nothing. */
export async function assignChunk(tx: Tx, job: Pick<Job, 'task_id' | 'org_ids'>, after: string | null, size: number) {
  const subtrees = await subtreesOf(tx, job.org_ids)
  const [row] = await tx.query<{ last: string | null; n: number; inserted: number }>(
    `with batch as (
       select m.id from public.members m
        where m.deceased_on is null and m.left_on is null
          and ${subtrees.clause('$2')}
          and ($3::uuid is null or m.id > $3::uuid)
        order by m.id limit $4),
     ins as (insert into public.task_assignees (task_id, member_id) select $1, b.id from batch b on conflict do nothing returning 1)
     select (select b.id from batch b order by b.id desc limit 1) as last, (select count(*)::int from batch) as n, (select count(*)::int from ins) as inserted`,
    [job.task_id, subtrees.param, after, size],
  )
  return { last: row.last, inserted: row.inserted, finished: row.n < size }
}

/**
 * Runs waiting background assignments until none is left. Each chunk runs as the assigner
 * (withUser), so RLS decides exactly as it would have in the request; progress is recorded after
 * each chunk, and a job whose worker died is taken again when its lease runs out.
 */
export async function runFanouts(data: DataAccess, options: FanoutOptions): Promise<number> {
  let finished = 0
  for (;;) {
    const job = await data.asSystem('task fan-out: claim the oldest waiting job (scheduled background work)', async (tx) => {
      const [row] = await tx.query<Job>(
        `update public.task_fanouts f set claimed_until = now() + make_interval(secs => ${LEASE_SECONDS})
          where f.task_id = (select x.task_id from public.task_fanouts x
                              where x.status = 'pending' and (x.claimed_until is null or x.claimed_until < now())
                              order by x.created_at limit 1 for update skip locked)
          returning f.task_id, f.org_ids::text[] as org_ids, f.requested_by, f.after_member`,
      )
      return row
    })
    if (!job) return finished
    await runJob(data, job, options)
    finished++
  }
}

async function runJob(data: DataAccess, job: Job, options: FanoutOptions) {
  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: job.requested_by, role: 'authenticated' as const, iat: now, exp: now + 24 * 3600 }
  const maxAttempts = options.maxAttempts ?? 5
  let after = job.after_member
  let attempt = 0
  for (;;) {
    let step: Awaited<ReturnType<typeof assignChunk>>
    try {
      step = await data.withUser(claims, (tx) => assignChunk(tx, job, after, options.chunk))
    } catch (error) {
      // one error is usually passing: the chunk is tried again after a pause; the job fails only when it keeps failing
      attempt++
      const message = `attempt ${attempt}/${maxAttempts}: ${String((error as Error).message ?? error)}`.slice(0, 1000)
      if (attempt >= maxAttempts) {
        await data.asSystem('task fan-out: record that the job failed', (tx) =>
          tx.query(`update public.task_fanouts set status = 'failed', error = $2, finished_at = now() where task_id = $1`, [job.task_id, message]),
        )
        return
      }
      await data.asSystem('task fan-out: record a failed attempt, kept until the chunk is retried', (tx) =>
        tx.query(`update public.task_fanouts set error = $2, claimed_until = now() + make_interval(secs => ${LEASE_SECONDS}) where task_id = $1`, [
          job.task_id,
          message,
        ]),
      )
      await new Promise((resolve) => setTimeout(resolve, (options.retryBaseMs ?? 1000) * 2 ** (attempt - 1)))
      continue
    }
    attempt = 0
    // the count comes from the task's own counters: a chunk redone after a crash adds nobody twice
    await data.asSystem('task fan-out: record progress', (tx) =>
      tx.query(
        `update public.task_fanouts
            set assigned = (select t.assignee_count from public.tasks t where t.id = $1), after_member = coalesce($2::uuid, after_member),
                claimed_until = now() + make_interval(secs => ${LEASE_SECONDS}),
                status = case when $3 then 'done' else status end, finished_at = case when $3 then now() end
          where task_id = $1`,
        [job.task_id, step.last, step.finished],
      ),
    )
    if (step.finished) return
    after = step.last
  }
}

/** Long-running servers look for waiting jobs every minute (after a crash, a job resumes). */
export function startFanoutTicks(data: DataAccess, chunk: number, everyMs = 60_000): () => void {
  let running = false
  const timer = setInterval(async () => {
    if (running) return
    running = true
    await runFanouts(data, { chunk }).catch((error) => console.error('task fan-out failed:', error))
    running = false
  }, everyMs)
  return () => clearInterval(timer)
}
