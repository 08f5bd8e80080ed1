// Supabase Edge Function entry: the same Hono app, on Supabase's Postgres (SUPABASE_DB_URL).
// Serve it from a custom domain: Supabase's default domain sends edge-function HTML as text/plain.
import { start } from '../../../edge/start.ts'

declare const Deno: { serve(handler: (req: Request) => Response | Promise<Response>): unknown }

const { app } = await start()
Deno.serve((req) => app.fetch(req))
