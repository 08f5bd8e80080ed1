import { start } from './start.ts'

declare const Deno: {
  serve(
    options: { port: number; onListen?: (a: { port: number }) => void },
    handler: (req: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>,
  ): unknown
}

const { app, runtime } = await start()
Deno.serve({ port: runtime.config.PORT, onListen: ({ port }) => console.log(`Sổ tay đảng viên (Deno): http://localhost:${port}`) }, (req, info) =>
  app.fetch(req, { remoteAddr: info.remoteAddr }),
)
