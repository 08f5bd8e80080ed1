import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOGINS, scheduleMeeting, testApp, type Agent, type TestApp } from '../../../test/support.ts'
import { PERMISSIONS_POLICY } from './headers.ts'

let t: TestApp
let secretary: Agent
beforeAll(async () => {
  t = await testApp({ members: 50 })
  secretary = await t.signIn(LOGINS.cellSecretary)
})
afterAll(() => t?.close())

describe('response headers', () => {
  it('every response denies camera, microphone, geolocation, payment, usb and interest cohorts', async () => {
    for (const res of [
      await t.anonymous().get('/login'),
      await t.anonymous().get('/static/css/app.css'),
      await secretary.get('/'),
      await secretary.get('/no-such-page'),
    ]) {
      const policy = res.headers.get('Permissions-Policy')
      expect(policy).toBe(PERMISSIONS_POLICY)
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'interest-cohort', 'browsing-topics'])
        expect(policy).toContain(`${feature}=()`)
    }
  })

  it('pages, fragments and errors for a signed-in user are never stored', async () => {
    for (const res of [
      await secretary.get('/'),
      await secretary.get('/members'),
      await secretary.get('/members', { htmx: true }),
      await secretary.get('/no-such-page'),
    ])
      expect(res.headers.get('Cache-Control'), res.url).toBe('no-store')
  })

  it('a response that sets the session cookie is never stored either', async () => {
    const res = await t.anonymous().post('/login', { login: LOGINS.member, password: 'demo-pass-2026' })
    expect(res.status).toBe(303)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it('static files and uploaded files keep their own caching', async () => {
    expect((await secretary.get('/static/css/app.css?v=1')).headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    const meetingId = await scheduleMeeting(t, secretary, { title: 'Họp có tài liệu' })
    const form = new FormData()
    form.set('file', new File([new TextEncoder().encode('%PDF-1.4\n%%EOF\n') as BlobPart], 'a.pdf'))
    form.set('title', '')
    await secretary.post(`/materials/meetings/${meetingId}/files`, form)
    const list = await (await secretary.get(`/materials/meetings/${meetingId}`, { htmx: true })).text()
    const id = /href="\/materials\/([0-9a-f-]{36})\/file"/.exec(list)![1]
    const file = await secretary.get(`/materials/${id}/file`)
    expect(file.status).toBe(200)
    expect(file.headers.get('Cache-Control')).toBe('private, max-age=3600')
    expect(file.headers.get('Permissions-Policy')).toBe(PERMISSIONS_POLICY)
  })

  it('static files keep their public caching for anonymous visitors too', async () => {
    expect((await t.anonymous().get('/static/js/push.js')).headers.get('Cache-Control')).toBe('public, max-age=3600')
  })
})
