import { compose, type Routers } from './compose.ts'
import { FEATURES } from './features.ts'
import { processEnv } from './kernel/config.ts'
import { listen } from './listen.ts'
import { prepare } from './prepare.ts'

/**
 * One feature's edge function, named as the feature (edge/features.ts): boot (Supabase Realtime
 * and Storage unless a secret says otherwise; pg_cron calls the reminders, a function instance does
 * not tick), then the kernel with the feature's router alone. The entry imports that one router and
 * passes it as `{ key: router }`, so that the function's bundle holds no other feature.
 */
export async function serveFeature(routers: Partial<Routers>): Promise<ReturnType<typeof compose>> {
  const keys = Object.keys(routers)
  const feature = FEATURES.find((f) => f.key === keys[0])
  if (keys.length !== 1 || !feature) throw new Error(`serveFeature takes one feature's router by its key, not ${keys.join(', ')}`)
  const name = feature.name
  const runtime = await prepare({ REALTIME: 'supabase', STORAGE: 'supabase', ...processEnv() }, { reminders: false })
  const app = compose(runtime, routers)
  listen(name, (req, env) => app.fetch(req, env))
  return app
}
