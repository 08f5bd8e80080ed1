import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../edge/app.ts'
import { boot } from '../edge/kernel/boot.ts'
import { seedDemo } from '../edge/demo/seed.ts'
import { Agent, DEMO_PASSWORD, LOGINS, tomorrow } from '../test/support.ts'
import { report } from './lib.ts'
import { BUDGET } from './budgets.ts'

/**
 * On the default engine (PGlite in a data folder, one connection, running on the app's own
 * thread), how long another user's home page waits while a cell secretary uploads a 9 MB PDF
 * to a meeting's materials. BENCH_UPLOAD_MEMORY=1 keeps PGlite in memory instead.
 */
const MB = Number(process.env.BENCH_UPLOAD_MB ?? 9)
const UPLOADS = 3
const dir = await mkdtemp(join(tmpdir(), 'upload-stall-'))
const runtime = await boot(
  { SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent', DATA_DIR: join(dir, 'data') },
  { memory: process.env.BENCH_UPLOAD_MEMORY === '1' },
)
try {
  await seedDemo(runtime.data, { members: 1000, password: DEMO_PASSWORD })
  const app = createApp(runtime)
  const signIn = async (login: string) => {
    const agent = new Agent(app)
    await agent.post('/login', { login, password: DEMO_PASSWORD })
    await agent.loadCsrf()
    return agent
  }
  const secretary = await signIn(LOGINS.cellSecretary)
  const member = await signIn(LOGINS.member)
  const cellId = await runtime.data.asSystem(
    'bench: the cell',
    async (tx) => (await tx.query<{ id: string }>(`select id from public.organizations where path = 'ns.tp1.g1.c1'`))[0].id,
  )
  const scheduled = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title: 'Họp có tài liệu lớn', date: tomorrow(), time: '19:30' })
  const meetingId = scheduled.headers.get('Location')!.split('?')[0].split('/').pop()!

  const pdf = new Uint8Array(MB * 1024 * 1024)
  for (let at = 0; at < pdf.length; at += 65536) crypto.getRandomValues(pdf.subarray(at, at + 65536)) // incompressible, as a scanned PDF is
  pdf.set(new TextEncoder().encode('%PDF-1.4\n'))

  const timeHome = async () => {
    const started = performance.now()
    const res = await member.get('/')
    await res.text()
    if (res.status !== 200) throw new Error(`home page: ${res.status}`)
    return performance.now() - started
  }
  const quiet: number[] = []
  for (let i = 0; i < 20; i++) quiet.push(await timeHome())

  const uploads: number[] = []
  const stalls: number[] = []
  for (let round = 0; round < UPLOADS; round++) {
    let uploading = true
    const started = performance.now()
    const upload = (async () => {
      const form = new FormData()
      form.set('file', new File([pdf], `tai-lieu-${round}.pdf`))
      form.set('title', '')
      try {
        // as the page sends it (htmx): the answer is the materials fragment, not a redirect
        const res = await secretary.post(`/materials/meetings/${meetingId}/files`, form, { htmx: true })
        const html = await res.text()
        if (res.status !== 200) throw new Error(`upload: ${res.status} ${html.slice(0, 300)}`)
        uploads.push(performance.now() - started)
      } finally {
        uploading = false // the reader stops either way: the database closes after a failed upload
      }
    })()
    // another user keeps opening the home page while the upload is in flight
    const reader = (async () => {
      await new Promise((r) => setTimeout(r, 5))
      while (uploading) {
        stalls.push(await timeHome())
        await new Promise((r) => setTimeout(r, 10))
      }
    })()
    await Promise.all([upload, reader])
  }
  const worst = Math.max(...stalls)
  const stored = await runtime.data.asSystem(
    'bench: stored files',
    async (tx) => (await tx.query<{ n: number }>(`select count(*)::int as n from public.stored_files`))[0].n,
  )
  await report([
    {
      name: 'upload-stall',
      value: Math.round(worst),
      unit: 'ms',
      budget: BUDGET.uploadStallMs,
      ok: worst <= BUDGET.uploadStallMs && stored === UPLOADS,
      note: `worst home page of another user during ${UPLOADS} uploads of ${MB} MB (PGlite ${process.env.BENCH_UPLOAD_MEMORY === '1' ? 'in memory' : 'in a data folder'}); upload ${uploads.map((u) => (u / 1000).toFixed(1)).join(' / ')} s; home page alone ${Math.round(Math.max(...quiet))} ms at worst, ${stalls.length} pages during the uploads`,
    },
  ])
} finally {
  await runtime.close()
  await rm(dir, { recursive: true, force: true })
}
