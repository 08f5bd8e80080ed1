// Supabase Edge Function entry: the same Hono app, on Supabase's Postgres (SUPABASE_DB_URL).
// Serve it from a custom domain: Supabase's default domain sends edge-function HTML as text/plain.
// On Supabase, live events travel through Supabase Realtime and files through Supabase Storage
// (an edge function is short-lived and reaches Postgres through a pooler, where LISTEN does not
// work, and it has no lasting disk); a secret can still override either.
// The whole app in one function; supabase/functions/<feature>/ serve one feature each (edge/features.ts).
import { start } from '../../../edge/start.ts'
import { listen } from '../../../edge/listen.ts'
import { processEnv } from '../../../edge/kernel/config.ts'

// reminders: pg_cron calls POST /reminders/run (README, "Reminders"); a function instance does not tick
const { app } = await start({ REALTIME: 'supabase', STORAGE: 'supabase', ...processEnv() }, { reminders: false })
listen('app', (req, env) => app.fetch(req, env))
