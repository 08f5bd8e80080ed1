import postgres from 'postgres'

/** On a Postgres server, a template database is migrated once; each test file clones it. */
export async function setup() {
  const url = process.env.DATABASE_URL
  if (!url) return
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const stale = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'sotay_t_%'`
    for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`)
  } finally {
    await admin.end()
  }
}
