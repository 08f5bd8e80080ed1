import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'

/** Resident members (being built: see issue 13). */
export const residentMembers = new Hono<AppEnv>()

// The member profile's card (views/members/MemberProfile.tsx draws it by URL): nothing recorded yet.
residentMembers.get('/members/:id', (c) =>
  c.html(
    <section class="card">
      <h2>Sinh hoạt nơi cư trú</h2>
      <p class="muted">Chưa có thông tin.</p>
    </section>,
  ),
)
