import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppEnv } from '../../kernel/http/context.ts'
import { HomePage } from '../../../views/home/HomePage.tsx'
import { homeSummary } from './home.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

export const home = new Hono<AppEnv>()

home.get('/', requireUser, async (c) => {
  const session = sessionOf(c)
  const s = await c.get('data').withUser(session, homeSummary)
  return c.html(
    <HomePage
      viewer={viewerOf(c)}
      isAdmin={s.is_admin}
      fullName={s.full_name}
      cell={s.cell_id && s.cell_name ? { id: s.cell_id, name: s.cell_name } : null}
      ancestors={s.ancestors}
      roles={s.roles}
      cellSize={s.cell_size}
    />,
  )
})
