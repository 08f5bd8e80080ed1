import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'

/** Annual evaluation and ranking of members and organizations (being built: see issue 13). */
export const evaluations = new Hono<AppEnv>()

// The member profile's card (views/members/MemberProfile.tsx draws it by URL): nothing recorded yet.
evaluations.get('/members/:id', (c) =>
  c.html(
    <section class="card">
      <h2>Đánh giá, xếp loại</h2>
      <p class="muted">Chưa có thông tin.</p>
    </section>,
  ),
)
