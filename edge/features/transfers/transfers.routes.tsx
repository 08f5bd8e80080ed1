import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'

/** Transfers of Party activity (being built: see issue 13). */
export const transfers = new Hono<AppEnv>()

// The member profile's card (views/members/MemberProfile.tsx draws it by URL): nothing recorded yet.
transfers.get('/members/:id', (c) =>
  c.html(
    <section class="card">
      <h2>Chuyển sinh hoạt đảng</h2>
      <p class="muted">Chưa có thông tin.</p>
    </section>,
  ),
)
