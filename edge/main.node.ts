import { serve } from '@hono/node-server'
import { start } from './start.ts'

const { app, runtime } = await start()
const server = serve({ fetch: app.fetch, port: runtime.config.PORT }, (info) => {
  console.log(`Sổ tay đảng viên: http://localhost:${info.port} (${runtime.config.databaseUrl ? 'Postgres server' : `PGlite in ${runtime.config.DATA_DIR}`})`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close()
    runtime.close().finally(() => process.exit(0))
  })
}
