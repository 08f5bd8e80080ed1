import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { boot } from '../boot.ts'
import { createApp } from '../../app.ts'
import { Agent, DEMO_PASSWORD, LOGINS, scheduleMeeting, setClock, signInMemberOf, testApp, tomorrow, type TestApp } from '../../../test/support.ts'
import { BackupError, differences, readManifest, restore } from './backup.ts'

/*
 * A backup is one file that brings back exactly what was there: taken while members post to a
 * live meeting, it restores into an empty database with the same rows in every table (the
 * manifest's counts and checksums, taken in the dump's own snapshot), and the app runs on it.
 * On PGlite (a new data folder) or on the Postgres server (a new database), whichever runs.
 */
const server = process.env.DATABASE_URL
let t: TestApp
let dir: string
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  t = await testApp({ members: 100 })
  dir = await mkdtemp(join(tmpdir(), 'sotay-backup-'))
})
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup()
  await t?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** An empty target for a restore: a new folder, or a new database on the server. */
async function emptyTarget(): Promise<{ env: Record<string, string>; target: Parameters<typeof restore>[1] }> {
  if (!server) {
    const dataDir = join(dir, `restored-${crypto.randomUUID().slice(0, 8)}`)
    const { openPglite } = await import('./pglite.ts')
    return { env: { DATA_DIR: dataDir }, target: { dataDir, openPglite } }
  }
  const name = `sotay_t_restore_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`
  const admin = postgres(server, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  await admin.end()
  cleanups.push(async () => {
    const again = postgres(server, { max: 1, onnotice: () => {} })
    await again.unsafe(`drop database if exists "${name}" with (force)`)
    await again.end()
  })
  const url = new URL(server)
  url.pathname = `/${name}`
  const { openPostgres } = await import('./postgres.ts')
  return { env: { DATABASE_URL: url.toString() }, target: { url: url.toString(), openPostgres: (u: string) => openPostgres(u, 2) } }
}

describe('backup and restore', () => {
  let file: string
  let target: Awaited<ReturnType<typeof emptyTarget>>

  it('a backup taken while members post to a live meeting restores every table row for row', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const meetingId = await scheduleMeeting(t, secretary, { title: 'Sinh hoạt trong lúc sao lưu' })
    await setClock(t, `${tomorrow()}T19:45:00+07:00`) // under way
    const members = [await t.signIn(LOGINS.member), await signInMemberOf(t, 'ns.tp1.g1.c1'), await t.signIn(LOGINS.cellSecretary)]
    let posting = true
    let posted = 0
    // each member keeps to the comment rate (10 a minute): a few comments each, spread over the backup
    const writers = members.map(async (member, k) => {
      for (let i = 0; posting && i < 9; i++) {
        const res = await member.post(`/comments/meetings/${meetingId}`, { body: `Ý kiến ${k}-${i} trong lúc sao lưu` }, { htmx: true })
        expect(res.status).toBe(200)
        posted++
        await new Promise((r) => setTimeout(r, 60))
      }
    })
    // a few comments are in before the backup starts (however busy the machine), more arrive during it
    while (posted < 3) await new Promise((r) => setTimeout(r, 10))
    const committedBefore = posted
    file = join(dir, 'sotay.backup')
    const manifest = await t.runtime.backup(file)
    posting = false
    await Promise.all(writers)
    const comments = manifest.tables.find((x) => x.table === 'public.meeting_comments')!
    expect(comments.rows).toBeGreaterThan(0)
    expect(manifest.tables.length).toBeGreaterThan(40)
    expect((await readManifest(file)).manifest).toEqual(manifest)

    target = await emptyTarget()
    const restored = await restore(file, target.target)
    expect(restored.tables).toEqual(manifest.tables)

    // the app starts on it and a member signs in to the meeting's comments as they were at the backup
    const runtime = await boot({ SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', LOG_LEVEL: 'silent', DEMO: 'off', ...target.env })
    try {
      const agent = new Agent(createApp(runtime))
      expect((await agent.post('/login', { login: LOGINS.member, password: DEMO_PASSWORD })).status).toBe(303)
      const [{ n }] = await runtime.data.asSystem('test: comments restored', (tx) =>
        tx.query<{ n: number }>(`select count(*)::int as n from public.meeting_comments where meeting_id = $1`, [meetingId]),
      )
      expect(n).toBeGreaterThanOrEqual(committedBefore)
      expect(n).toBeLessThanOrEqual(posted)
    } finally {
      await runtime.close()
    }
  })

  it('a restore refuses a database that is not empty, and a file that is not a backup', async () => {
    await expect(restore(file, target.target)).rejects.toThrow(BackupError)
    const bogus = join(dir, 'not-a-backup.backup')
    await writeFile(bogus, 'Họ và tên,Ngày sinh\n')
    await expect(restore(bogus, (await emptyTarget()).target)).rejects.toThrow('is not a backup of this app')
  })

  it('a changed row is caught: the manifest’s checksum tells the tables apart', () => {
    const sums = [{ table: 'public.members', rows: 2, checksum: '10' }]
    expect(differences(sums, [{ table: 'public.members', rows: 2, checksum: '11' }])).toEqual(['public.members: same 2 rows, different contents'])
    expect(differences(sums, [{ table: 'public.members', rows: 1, checksum: '10' }])).toEqual(['public.members: 1 rows, the backup had 2'])
    expect(differences(sums, [])).toEqual(['public.members: missing'])
  })
})
