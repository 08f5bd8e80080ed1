import postgres from 'postgres'

/** For tooling (seed, benchmarks, tests): create the database of `url` if missing; reset recreates it, drop only drops it. */
export async function ensureDatabase(url: string, options: { reset?: boolean; drop?: boolean } = {}) {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name: ${name}`)
  target.pathname = '/postgres'
  const admin = postgres(target.toString(), { max: 1, onnotice: () => {} })
  try {
    if (options.reset) await admin.unsafe(`drop database if exists "${name}" with (force)`)
    if (options.drop) return
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`
    if (!exists) await admin.unsafe(`create database "${name}"`)
  } finally {
    await admin.end()
  }
}
