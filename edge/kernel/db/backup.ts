import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Db, Tx } from './types.ts'

/**
 * Backup and restore of the whole database, in one file:
 *   SOTAY-BACKUP 1\n<manifest JSON>\n<the engine's dump>
 * The dump is PGlite's data folder (a gzipped tar) or pg_dump's custom format. The manifest has,
 * for every table, its row count and a checksum of its rows, taken in the same snapshot as the
 * dump (PGlite: inside the transaction that holds every other writer off; Postgres: the dump runs
 * on the exported snapshot of the transaction that counted), so a restore proves it brought back
 * exactly what was there, even when the backup ran while a meeting was live.
 */
const MAGIC = 'SOTAY-BACKUP 1'
/** Schemas whose tables are ours (Supabase's own schemas are backed up by Supabase). */
const SCHEMAS = ['public', 'app', 'auth', 'migrations', 'supabase_migrations', 'storage', 'realtime']

export interface TableSum {
  table: string
  rows: number
  checksum: string
}

export interface Manifest {
  engine: 'pglite' | 'postgres'
  taken_at: string
  migrations: string[]
  tables: TableSum[]
}

export class BackupError extends Error {}

/** Every table of ours with its row count and an order-independent sum of its rows' hashes. */
export async function tableSums(tx: Tx): Promise<TableSum[]> {
  const tables = await tx.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any ($1::text[]) order by 1`,
    [SCHEMAS],
  )
  const sums: TableSum[] = []
  for (const { name } of tables) {
    const [row] = await tx.query<{ rows: number; checksum: string }>(
      `select count(*)::int as rows, coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint::numeric), 0)::text as checksum from ${name} t`,
    )
    sums.push({ table: name, ...row })
  }
  return sums
}

async function manifestOf(tx: Tx, engine: Manifest['engine']): Promise<Manifest> {
  const migrations = (await tx.query<{ name: string }>(`select name from migrations.applied order by name`)).map((r) => r.name)
  const [{ now }] = await tx.query<{ now: string }>(`select now()::text as now`)
  return { engine, taken_at: now, migrations, tables: await tableSums(tx) }
}

const header = (manifest: Manifest) => new TextEncoder().encode(`${MAGIC}\n${JSON.stringify(manifest)}\n`)

/** Runs a command, feeding it `input` (a file from an offset) or appending its output to `output`; rejects with its stderr. */
async function run(command: string, args: string[], io: { input?: { file: string; start: number }; output?: string } = {}): Promise<void> {
  const child = spawn(command, args, { stdio: [io.input ? 'pipe' : 'ignore', io.output ? 'pipe' : 'ignore', 'pipe'] })
  let errors = ''
  child.stderr!.on('data', (chunk) => {
    errors = (errors + chunk).slice(-4000)
  })
  const written = io.output
    ? new Promise<void>((resolve, reject) => {
        const out = createWriteStream(io.output!, { flags: 'a' })
        out.on('finish', resolve).on('error', reject)
        child.stdout!.pipe(out)
      })
    : Promise.resolve()
  if (io.input) createReadStream(io.input.file, { start: io.input.start }).pipe(child.stdin!)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) => reject(new BackupError(`${command}: ${error.message} (is the PostgreSQL client installed?)`)))
    child.on('close', resolve)
  })
  await written
  if (code !== 0) throw new BackupError(`${command} failed (${code}): ${errors.trim()}`)
}

/** Writes the backup of `db` to `file`; `url` is the server's for Postgres (pg_dump reads it). */
export async function backup(db: Db, file: string, url?: string): Promise<Manifest> {
  if (db.engine === 'pglite') {
    // the transaction holds every writer off while its rows are summed and its folder copied
    const { manifest, bytes } = await db.transaction(async (tx) => {
      const manifest = await manifestOf(tx, 'pglite')
      return { manifest, bytes: await db.snapshot!() }
    })
    const handle = await open(file, 'w')
    try {
      await handle.write(header(manifest))
      await handle.write(gzipSync(bytes, { level: 6 }))
    } finally {
      await handle.close()
    }
    return manifest
  }
  if (!url) throw new BackupError('a Postgres backup needs the database URL')
  return db.transaction(async (tx) => {
    await tx.query(`set transaction isolation level repeatable read, read only`)
    const [{ snapshot }] = await tx.query<{ snapshot: string }>(`select pg_export_snapshot() as snapshot`)
    const manifest = await manifestOf(tx, 'postgres')
    const handle = await open(file, 'w')
    await handle.write(header(manifest))
    await handle.close()
    // pg_dump reads exactly what the manifest counted: the same snapshot, while this transaction stays open
    await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, '--dbname', url], { output: file })
    return manifest
  })
}

/** The manifest of a backup file and where its dump begins. */
export async function readManifest(file: string): Promise<{ manifest: Manifest; start: number }> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(Math.min(64 * 1024 * 1024, (await stat(file)).size))
    await handle.read(head, 0, head.length, 0)
    const first = head.indexOf(10)
    const second = head.indexOf(10, first + 1)
    if (first < 0 || second < 0 || head.subarray(0, first).toString() !== MAGIC) throw new BackupError(`${file} is not a backup of this app`)
    return { manifest: JSON.parse(head.subarray(first + 1, second).toString()) as Manifest, start: second + 1 }
  } finally {
    await handle.close()
  }
}

/** The tables whose rows differ between a backup's manifest and a restored database, as "table: what". */
export function differences(expected: TableSum[], actual: TableSum[]): string[] {
  const found = new Map(actual.map((t) => [t.table, t]))
  return expected.flatMap((e) => {
    const a = found.get(e.table)
    if (!a) return [`${e.table}: missing`]
    if (a.rows !== e.rows) return [`${e.table}: ${a.rows} rows, the backup had ${e.rows}`]
    return a.checksum === e.checksum ? [] : [`${e.table}: same ${a.rows} rows, different contents`]
  })
}

/** The roles the dump's grants name (Supabase's own, made by supabase/local where they are missing). */
async function rolesSql(): Promise<string> {
  const builtins = await readFile(new URL('../../../supabase/local/20200101000000_supabase_builtins.sql', import.meta.url), 'utf8')
  const roles = /-- roles -+\n([\s\S]*?)\n-- /.exec(builtins)?.[1]
  if (!roles) throw new BackupError('supabase/local: the roles block is missing')
  return roles
}

/**
 * Restores a backup into an empty database: a new PGlite folder (`dataDir`), or an empty
 * Postgres database (`url`); then checks every table against the manifest. Returns the manifest;
 * throws with the tables that differ.
 */
export async function restore(
  file: string,
  target: { dataDir: string; openPglite: (dataDir: string, snapshot?: Uint8Array) => Promise<Db> } | { url: string; openPostgres: (url: string) => Db },
): Promise<Manifest> {
  const { manifest, start } = await readManifest(file)
  let db: Db
  if ('dataDir' in target) {
    if (manifest.engine !== 'pglite') throw new BackupError('this backup is of a Postgres server: restore it with DATABASE_URL set')
    const existing = await stat(join(target.dataDir, 'PG_VERSION')).catch(() => undefined)
    if (existing) throw new BackupError(`${target.dataDir} already holds a database: restore into a new, empty folder`)
    const bytes = (await readFile(file)).subarray(start)
    db = await target.openPglite(target.dataDir, new Uint8Array(gunzipSync(bytes)))
  } else {
    if (manifest.engine !== 'postgres') throw new BackupError('this backup is of the embedded database: restore it without DATABASE_URL (into DATA_DIR)')
    db = target.openPostgres(target.url)
    try {
      const [{ tables }] = await db.transaction((tx) =>
        tx.query<{ tables: number }>(`select count(*)::int as tables from pg_tables where schemaname = any ($1::text[])`, [
          SCHEMAS.filter((s) => s !== 'realtime' && s !== 'storage'),
        ]),
      )
      if (tables > 0) throw new BackupError('the target database is not empty: restore into a new, empty database')
      await db.exec(await rolesSql())
      await run('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', target.url], { input: { file, start } })
    } catch (error) {
      await db.close()
      throw error
    }
  }
  try {
    const differ = differences(manifest.tables, await db.transaction(tableSums))
    if (differ.length) throw new BackupError(`the restored database differs from the backup:\n${differ.join('\n')}`)
    return manifest
  } finally {
    await db.close()
  }
}
