import { readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'

/**
 * Before a run: databases left by an interrupted run go, and so do templates (test/support.ts)
 * built from other migrations or seeds. Templates of the current code stay for the next run.
 */
export async function setup() {
  const { contentKey } = await import('./content-key.ts')
  const { DEMO_PASSWORD } = await import('./support.ts')
  const current = new Set(await Promise.all([50, 60, 100, 200, 300].map((members) => contentKey(members, DEMO_PASSWORD))))
  for (const name of await readdir(tmpdir())) {
    const key = /^sotay-template-([0-9a-f]+)\.tar/.exec(name)?.[1]
    if (!key || current.has(key)) continue
    // a partial file of a worker still writing is younger than a minute
    if (Date.now() - (await stat(join(tmpdir(), name))).mtimeMs > 60_000) await rm(join(tmpdir(), name), { force: true })
  }
  const url = process.env.DATABASE_URL
  if (!url) return
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const stale = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'sotay_t\\_%' or datname like 'sotay_tpl\\_%'`
    for (const { datname } of stale) {
      const key = /^sotay_tpl_([0-9a-f]+)$/.exec(datname)?.[1]
      if (key && current.has(key)) continue
      await admin.unsafe(`drop database if exists "${datname}" with (force)`)
    }
  } finally {
    await admin.end()
  }
}
