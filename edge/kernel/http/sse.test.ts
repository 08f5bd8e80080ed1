import { type IncomingMessage, get } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hubFor } from '../../features/comments/comments.live.tsx'
import { LOGINS, type Agent, scheduleMeeting, testApp, type TestApp } from '../../../test/support.ts'

/**
 * Live streams on the Node server, where after the head and the first second frames skip the
 * body stream and go to the response itself: the same frames, the same end, the same clean-up.
 */
let t: TestApp
let server: ReturnType<typeof serve>
let origin: string
let secretary: Agent
let base: string

beforeAll(async () => {
  t = await testApp({ members: 200 })
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((resolve) => server.once('listening', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  secretary = await t.signIn(LOGINS.cellSecretary)
  base = `/comments/meetings/${await scheduleMeeting(t, secretary, { title: 'Họp qua máy chủ Node' })}`
})
afterAll(async () => {
  server?.close()
  await t?.close()
})

/** An SSE client over real HTTP: the text received so far, and whether the server ended the response. */
function open(agent: Agent, path: string) {
  const got = { text: '', ended: false, res: undefined as IncomingMessage | undefined }
  const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const req = get(`${origin}${path}`, { headers: { Cookie: cookie } }, (res) => {
    got.res = res
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => (got.text += chunk))
    res.on('end', () => (got.ended = true))
  })
  req.on('error', () => {})
  return { got, req }
}

const until = async (test: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms
  while (!test() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  return test()
}
const followers = () => hubFor(t.runtime.realtime, t.runtime.data).followerCount()

describe('live streams on the Node server', () => {
  it('a stream open for more than a second still gets each comment once, with its id', async () => {
    const member = await t.signIn(LOGINS.member)
    const { got, req } = open(member, `${base}/stream`)
    expect(await until(() => got.res?.statusCode === 200)).toBe(true)
    // past the first look-over of the open streams
    await new Promise((r) => setTimeout(r, 1500))
    await secretary.post(base, { body: 'Sau giây đầu tiên' }, { htmx: true })
    await member.post(base, { body: 'Lần thứ hai' }, { htmx: true })
    expect(await until(() => (got.text.match(/^id: /gm) ?? []).length >= 2)).toBe(true)
    expect(got.text).toContain('Sau giây đầu tiên')
    expect(got.text.indexOf('Sau giây đầu tiên')).toBeLessThan(got.text.indexOf('Lần thứ hai'))
    req.destroy()
  })

  it('a stream whose session is logged out gets the notice and the close event, and the response ends', async () => {
    const member = await t.signIn(LOGINS.member)
    const { got } = open(member, `${base}/stream`)
    expect(await until(() => got.res?.statusCode === 200)).toBe(true)
    await new Promise((r) => setTimeout(r, 1500))
    await member.post('/logout', {})
    expect(await until(() => got.ended)).toBe(true)
    expect(got.text).toContain('Phiên đăng nhập đã kết thúc')
    expect(got.text).toContain('event: ended')
  })

  it('a client that goes away no longer counts among the meeting’s followers', async () => {
    const member = await t.signIn(LOGINS.member)
    const before = followers()
    const { got, req } = open(member, `${base}/stream`)
    expect(await until(() => got.res?.statusCode === 200 && followers() === before + 1)).toBe(true)
    await new Promise((r) => setTimeout(r, 1500))
    req.destroy()
    expect(await until(() => followers() === before)).toBe(true)
  })
})
