import { serve } from '@hono/node-server'
import { start } from './start.ts'

// A client that goes away mid-response (a phone losing signal) must not take the server down.
process.on('unhandledRejection', (reason) => console.error(`[${new Date().toISOString()}] unhandled rejection:`, reason))

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
