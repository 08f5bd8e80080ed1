import postgres from 'postgres'
import { contentKey } from '../test/content-key.ts'

/**
 * The Postgres database a benchmark of this size seeds once and reuses: named after the size and
 * the content key of the migrations and seed (sotay_bench_<members>_<key>), so a changed
 * migration gets a fresh one instead of failing on a stale schema. Older versions of the same
 * size are dropped (a province's seed is a gigabyte). BENCH_DATABASE_URL overrides all this.
 */
export async function benchDatabase(members: number, password: string): Promise<string> {
  const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `sotay_bench_${members}_${await contentKey(members, password)}`
  const admin = postgres(server, { max: 1, onnotice: () => {} })
  try {
    const stale = await admin<
      { datname: string }[]
    >`select datname from pg_database where datname like ${`sotay\\_bench\\_${members}\\_%`} and datname <> ${name}`
    for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`)
  } finally {
    await admin.end()
  }
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.toString()
}
