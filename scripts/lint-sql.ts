import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'

/**
 * The SQL of the migrations, checked for the project's rules (npm run check):
 * - a security definer function pins its search_path (else a user's objects could stand in for ours);
 * - a policy names its command and its role (STYLE.md);
 * - dates are Vietnam dates: no current_date, no now()::date (use app.today());
 * - no tabs, no trailing spaces, a final newline;
 * - a released migration (listed in supabase/released-migrations.txt) is never edited: its SHA-256 is the one recorded.
 */
const DIRS = ['supabase/migrations/', 'supabase/local/', 'supabase/shim/']
const problems: string[] = []

for (const dir of DIRS) {
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort()) {
    const file = `${dir}${name}`
    const sql = await readFile(file, 'utf8')
    const say = (index: number, what: string) => problems.push(`${file}:${sql.slice(0, index).split('\n').length}: ${what}`)
    if (!sql.endsWith('\n')) say(sql.length, 'no newline at the end of the file')
    for (const m of sql.matchAll(/\t| +$/gm)) say(m.index, m[0].includes('\t') ? 'a tab' : 'trailing spaces')
    for (const m of sql.matchAll(/current_date|now\(\)::date/gi)) say(m.index, `${m[0]}: use app.today() (the Vietnam date)`)
    // each function definition up to its body
    for (const m of sql.matchAll(/create or replace function ([\w.]+)\([^)]*\)[\s\S]*?\bas \$\$/gi)) {
      const head = m[0]
      if (/security definer/i.test(head) && !/set search_path = ''/i.test(head)) say(m.index, `${m[1]} is security definer without set search_path = ''`)
    }
    for (const m of sql.matchAll(/create policy ("[^"]+") on [\w.]+\s+([\s\S]*?)(?:using|with check)/gi)) {
      if (!/\bfor (select|insert|update|delete|all)\b/i.test(m[2])) say(m.index, `policy ${m[1]} does not name its command`)
      if (!/\bto \w+/i.test(m[2])) say(m.index, `policy ${m[1]} does not name its role`)
    }
    for (const m of sql.matchAll(/app\.define_policy\(('[^']+'), '((?:[^']|'')+)', '(\w+)'/g)) {
      if (!['select', 'insert', 'update', 'delete', 'all'].includes(m[3])) say(m.index, `define_policy ${m[2]}: unknown command ${m[3]}`)
    }
  }
}

// released migrations: a database that applied one never sees an edit of it, so a change is a new file
const released = await readFile('supabase/released-migrations.txt', 'utf8')
for (const [, hash, name] of released.matchAll(/^([0-9a-f]{64})\s+\*?(\S+\.sql)$/gm)) {
  const sql = await readFile(`supabase/migrations/${name}`).catch(() => undefined)
  if (!sql) problems.push(`supabase/migrations/${name}: released, but missing (a released migration is never removed)`)
  else if (createHash('sha256').update(sql).digest('hex') !== hash)
    problems.push(`supabase/migrations/${name}: released, and edited since (a database that applied it never sees the change): add a new migration instead`)
}

if (problems.length) {
  console.error(`SQL lint: ${problems.length} problem(s)\n${problems.join('\n')}`)
  process.exit(1)
}
console.log('SQL lint: the migrations follow the rules')
