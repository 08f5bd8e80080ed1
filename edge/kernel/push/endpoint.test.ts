import { describe, expect, it } from 'vitest'
import { checkPushEndpoint, guardedLookup, type Resolve } from './endpoint.ts'
import { PushSender } from './push.ts'
import { recorder } from '../../../test/push-recorder.ts'

/** Names resolve only here: no test ever asks a real DNS server or sends a packet. */
const fakeResolve: Resolve = async (host) => {
  const table: Record<string, string[]> = {
    'push.inside.example': ['10.1.2.3'],
    'push.mixed.example': ['93.184.216.34', 'fd00::7'],
    'push.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
  }
  if (table[host]) return table[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
}

const hostile = [
  'http://127.0.0.1/push',
  'https://10.0.0.1/push',
  'https://169.254.169.254/latest/meta-data',
  'https://localhost/push',
  'https://[::1]/push',
  'https://push.inside.example/push',
]

const vapid = {
  publicKey: 'BKd0F0KpK_hVnhfL8kOa9sT2M2yQp7Lq0yP3qZrSgVHIT9jOxsqiu2O4lU5yG0WwE3g0Vnv1M8F9k4yHAnfqR6s',
  privateKey: 'Dt1CLgQlkiaA-tmCkATyKZeoF1-Gtw1-gdEP6pOCqj4',
  subject: 'mailto:admin@localhost',
}
const device = (endpoint: string) => ({ id: crypto.randomUUID(), endpoint, p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) })

describe('push endpoints', () => {
  it('only https on a public host passes', async () => {
    expect(await checkPushEndpoint('https://push.example.com/send/abc', { resolve: fakeResolve })).toEqual({ ok: true })
    expect(await checkPushEndpoint('https://8.8.8.8/x', { resolve: fakeResolve })).toEqual({ ok: true })
  })

  for (const endpoint of hostile) {
    it(`refuses ${endpoint}`, async () => {
      const check = await checkPushEndpoint(endpoint, { resolve: fakeResolve })
      expect(check.ok).toBe(false)
    })
  }

  it('refuses every other inside address, spelled however the URL parser allows', async () => {
    for (const endpoint of [
      'https://0x7f.1/',
      'https://2130706433/',
      'https://127.1/',
      'https://0.0.0.0/',
      'https://172.16.5.4/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://224.0.0.1/',
      'https://[::ffff:10.0.0.1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[ff02::1]/',
      'https://[::]/',
      'https://api.localhost/',
      'https://LOCALHOST./',
      'https://metadata/',
      'https://user:pw@push.example.com/',
      'ftp://push.example.com/',
      'https://push.mixed.example/',
    ])
      expect((await checkPushEndpoint(endpoint, { resolve: fakeResolve })).ok, endpoint).toBe(false)
  })

  it('says why: the endpoint itself, what its name resolves to, or an unknown name', async () => {
    expect(await checkPushEndpoint('https://10.0.0.1/', { resolve: fakeResolve })).toMatchObject({ reason: 'endpoint' })
    expect(await checkPushEndpoint('https://push.inside.example/', { resolve: fakeResolve })).toMatchObject({
      reason: 'address',
      error: expect.stringContaining('10.1.2.3'),
    })
    expect(await checkPushEndpoint('https://nowhere.example/', { resolve: fakeResolve })).toMatchObject({ reason: 'unresolved' })
  })

  it('PUSH_ALLOW_HOSTS lets tests name a loopback push service, by host or by host and port', async () => {
    expect((await checkPushEndpoint('https://127.0.0.1:8443/p', { allowHosts: ['127.0.0.1'] })).ok).toBe(true)
    expect((await checkPushEndpoint('https://127.0.0.1:8443/p', { allowHosts: ['127.0.0.1:8443'] })).ok).toBe(true)
    expect((await checkPushEndpoint('https://127.0.0.1:9443/p', { allowHosts: ['127.0.0.1:8443'] })).ok).toBe(false)
    expect((await checkPushEndpoint('https://[::1]:8443/p', { allowHosts: ['[::1]:8443'] })).ok).toBe(true)
    expect((await checkPushEndpoint('http://127.0.0.1:8443/p', { allowHosts: ['127.0.0.1'] })).ok).toBe(false)
  })

  it('the sender refuses them just before sending: no request leaves, the endpoint is forgotten unless only its name misled', async () => {
    const { calls, transport } = recorder()
    const sender = new PushSender(vapid, { resolve: fakeResolve, transport })
    for (const endpoint of hostile) {
      const outcome = await sender.send(device(endpoint), { title: 'x' })
      expect(outcome, endpoint).toMatchObject({ kind: 'refused', forget: !endpoint.includes('inside') })
    }
    expect(await sender.send(device('https://nowhere.example/p'), { title: 'x' })).toMatchObject({ kind: 'retry' })
    expect(calls).toEqual([])
    expect(await sender.send(device('https://push.example.com/p'), { title: 'x' })).toEqual({ kind: 'delivered' })
    expect(calls).toEqual(['https://push.example.com/p'])
  })

  it('the connection itself goes only to public addresses (a name that later resolves inside: DNS rebinding)', async () => {
    const lookup = guardedLookup([])
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('localhost', { all: true }, (e) => resolve(e)))
    expect(error?.code).toBe('EPUSHADDRESS')
    const allowed = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup(['localhost:8443'])('localhost', {}, (e) => resolve(e)))
    expect(allowed).toBeNull()
  })
})
