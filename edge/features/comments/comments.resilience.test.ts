import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hubFor } from './comments.live.tsx'
import { claimsOf, LOGINS, orgIdByPath, signInMemberOf, testApp, tomorrow, type Agent, type TestApp } from '../../../test/support.ts'

let t: TestApp
let base: string
let meetingId: string

/** A subscriber that keeps reading frames, and can be cut and come back with Last-Event-ID. */
class Subscriber {
  ids: string[] = []
  frames: { id?: string; data: string }[] = []
  private reader?: ReadableStreamDefaultReader<Uint8Array>
  private loop?: Promise<void>
  constructor(private agent: Agent) {}

  async connect(path = base) {
    const headers: Record<string, string> = this.ids.length ? { 'Last-Event-ID': this.ids.at(-1)! } : {}
    const res = await this.agent.request(`${path}/stream${this.ids.length ? '' : '?after='}`, { headers })
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`)
    const reader = res.body!.getReader()
    this.reader = reader
    this.loop = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }))
        if (done) return
        buffer += decoder.decode(value, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          const id = /^id: (.*)$/m.exec(block)?.[1]
          buffer = buffer.slice(end + 2)
          if (id) this.ids.push(id)
          const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n')
          if (data) this.frames.push({ id, data })
        }
      }
    })()
  }

  async cut() {
    await this.reader?.cancel()
    await this.loop
  }
}

beforeAll(async () => {
  t = await testApp({ members: 100 })
  const secretary = await t.signIn(LOGINS.cellSecretary)
  const cellId = await orgIdByPath(t, 'ns.tp1.g1.c1')
  const res = await secretary.post('/meetings', { org_id: cellId, kind: 'regular', title: 'Họp chịu lỗi', date: tomorrow(), time: '19:30' })
  meetingId = res.headers.get('Location')!.split('?')[0].split('/').pop()!
  base = `/comments/meetings/${meetingId}`
})
afterAll(() => t?.close())

describe('nothing lost, nothing twice', () => {
  it('200 comments while streams are cut and restored and the database listener restarts: each subscriber gets every comment once, in order', async () => {
    const a = new Subscriber(await t.signIn(LOGINS.cellSecretary))
    const b = new Subscriber(await t.signIn(LOGINS.member))
    await a.connect()
    await b.connect()
    await new Promise((r) => setTimeout(r, 100))
    const author = await claimsOf(t, LOGINS.member)
    const posted: string[] = []
    let restarting: Promise<void> = Promise.resolve()
    for (let i = 1; i <= 200; i++) {
      const [row] = await t.runtime.data.withUser(author, (tx) =>
        tx.query<{ id: string }>(`insert into public.meeting_comments (meeting_id, body) values ($1, $2) returning id`, [meetingId, `Ý kiến ${i}`]),
      )
      posted.push(row.id)
      if (i % 40 === 0) {
        await a.cut()
        await a.connect()
      }
      if (i % 70 === 0) {
        await b.cut()
        await new Promise((r) => setTimeout(r, 20))
        await b.connect()
      }
      // the listener goes away while comments keep coming: those must be caught up, not lost
      if (i === 100 || i === 150) restarting = hubFor(t.runtime.realtime, t.runtime.data).restart()
      if (i === 105 || i === 155) await restarting
    }
    const deadline = Date.now() + 10_000
    while ((a.ids.length < 200 || b.ids.length < 200) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await a.cut()
    await b.cut()
    expect(a.ids).toEqual(posted)
    expect(b.ids).toEqual(posted)
  })
})

/** Waits (bounded) until every subscriber holds a frame with this id; false if one never does. */
async function until(subscribers: Subscriber[], id: string, times = 1): Promise<boolean> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (subscribers.every((s) => s.frames.filter((f) => f.id === id).length >= times)) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return false
}

async function postAs(login: string, meeting: string, body: string): Promise<string> {
  const [row] = await t.runtime.data.withUser(await claimsOf(t, login), (tx) =>
    tx.query<{ id: string }>(`insert into public.meeting_comments (meeting_id, body) values ($1, $2) returning id`, [meeting, body]),
  )
  return row.id
}

describe('the live stream after a listener outage, and hidden comments', () => {
  it('the first comment of a meeting, posted while the listener is down, arrives when it comes back', async () => {
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const res = await secretary.post('/meetings', {
      org_id: await orgIdByPath(t, 'ns.tp1.g1.c1'),
      kind: 'regular',
      title: 'Họp chưa có ý kiến',
      date: tomorrow(),
      time: '19:30',
    })
    const fresh = `/comments/meetings/${res.headers.get('Location')!.split('?')[0].split('/').pop()!}`
    const freshId = fresh.split('/').pop()!
    const follower = new Subscriber(await t.signIn(LOGINS.member))
    await follower.connect(fresh)
    const hub = hubFor(t.runtime.realtime, t.runtime.data)
    for (let i = 0; i < 500 && hub.followerCount() === 0; i++) await new Promise((r) => setTimeout(r, 20))
    let first = ''
    await hub.restart(async () => {
      first = await postAs(LOGINS.member, freshId, 'Ý kiến đầu tiên, lúc mất kết nối')
    })
    expect(await until([follower], first)).toBe(true)
    await follower.cut()
  })

  it('a comment hidden live leaves members’ pages without its reason; the secretary sees the reason', async () => {
    const member = new Subscriber(await t.signIn(LOGINS.member))
    const manager = new Subscriber(await t.signIn(LOGINS.cellSecretary))
    const other = await signInMemberOf(t, 'ns.tp1.g1.c1')
    const target = await postAs(other.login, meetingId, 'Ý kiến sẽ bị ẩn')
    await member.connect()
    await manager.connect()
    const probe = await postAs(LOGINS.member, meetingId, 'Ý kiến thăm dò')
    expect(await until([member, manager], probe)).toBe(true)
    const secretary = await t.signIn(LOGINS.cellSecretary)
    const hidden = await secretary.post(`${base}/${target}/hide`, { reason: 'Lý do riêng của chi ủy 4711' }, { htmx: true })
    expect(hidden.status).toBe(200)
    expect(await until([member, manager], target, 2)).toBe(true)
    const seenBy = (s: Subscriber) => s.frames.filter((f) => f.id === target).at(-1)!.data
    expect(seenBy(member)).not.toContain('4711')
    expect(seenBy(member)).toMatch(/<li id="comment-[^"]+" hx-swap-oob="true" hidden/)
    expect(seenBy(manager)).toContain('Lý do riêng của chi ủy 4711')
    await member.cut()
    await manager.cut()
  })
})
