import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, LOGINS, testApp, type TestApp } from '../../../test/support.ts'
import { readConfig } from '../config.ts'
import { clientAddress, forwardedClient, requestIsHttps } from './client.ts'
import type { AppEnv } from './context.ts'
import { formatIp, isPublicIp, parseIp, parseRange } from './ip.ts'

const trusted = (list: string) => readConfig({ TRUSTED_PROXIES: list }).TRUSTED_PROXIES

describe('IP addresses', () => {
  it('parses IPv4, IPv6, mapped IPv4 and zones, and refuses what is not an address', () => {
    expect(formatIp(parseIp('203.0.113.7')!)).toBe('203.0.113.7')
    expect(formatIp(parseIp('2001:0DB8:0:0:0:0:0:1')!)).toBe('2001:db8::1')
    expect(formatIp(parseIp('[2001:db8::1]')!)).toBe('2001:db8::1')
    expect(formatIp(parseIp('::ffff:127.0.0.1')!)).toBe('127.0.0.1')
    expect(formatIp(parseIp('::ffff:7f00:1')!)).toBe('127.0.0.1')
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80::1')
    expect(formatIp(parseIp('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3')
    for (const bad of ['', 'unknown', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4:80', '::1::2', '1:2:3:4:5:6:7:8:9', 'g::1', 'example.org'])
      expect(parseIp(bad), bad).toBeNull()
  })

  it('matches CIDR ranges, IPv4 written as mapped IPv6 included', () => {
    const r = parseRange('10.0.0.0/8')!
    expect(r.prefix).toBe(8)
    expect(parseRange('::ffff:10.0.0.0/104')).toEqual(r)
    expect(parseRange('10.0.0.0/33')).toBeNull()
    expect(parseRange('10.0.0.0/x')).toBeNull()
  })

  it('knows which addresses are public', () => {
    for (const ip of ['8.8.8.8', '142.250.1.1', '2607:f8b0:4005:80a::200a', '2a00:1450::1']) expect(isPublicIp(parseIp(ip)!), ip).toBe(true)
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fc00::1',
      'fd12::1',
      'fe80::1',
      'ff02::1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2001:db8::1',
      '2002:a00:1::1',
    ])
      expect(isPublicIp(parseIp(ip)!), ip).toBe(false)
  })
})

describe('TRUSTED_PROXIES', () => {
  it('is empty by default and takes addresses and CIDR ranges of both families', () => {
    expect(readConfig({}).TRUSTED_PROXIES).toEqual([])
    expect(trusted(' 10.0.0.0/8, 192.0.2.1 ,2001:db8::/32').map((r) => r.prefix)).toEqual([8, 32, 32])
  })

  it('refuses a bad entry with a message that names it', () => {
    expect(() => readConfig({ TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).toThrow(/TRUSTED_PROXIES.*"proxy\.local" is not an IP address/)
    expect(() => readConfig({ TRUSTED_PROXIES: '10.0.0.0/40' })).toThrow(/TRUSTED_PROXIES/)
  })
})

describe('the client address', () => {
  const proxies = trusted('10.0.0.0/8,2001:db8:ffff::/48')

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(forwardedClient('198.51.100.9', '203.0.113.7', [])).toBe('198.51.100.9')
  })

  it('ignores X-Forwarded-For spoofed by an untrusted peer', () => {
    expect(forwardedClient('198.51.100.9', '203.0.113.7, 10.0.0.1', proxies)).toBe('198.51.100.9')
  })

  it('behind a trusted proxy is the address the proxy saw', () => {
    expect(forwardedClient('10.0.0.1', '203.0.113.7', proxies)).toBe('203.0.113.7')
    expect(forwardedClient('::ffff:10.0.0.1', '203.0.113.7', proxies)).toBe('203.0.113.7')
    expect(forwardedClient('10.0.0.1', undefined, proxies)).toBe('10.0.0.1')
  })

  it('walks a chain of trusted proxies from the right and stops at the first untrusted hop', () => {
    // the client wrote 1.1.1.1 itself; the edge proxy appended its real address 203.0.113.7
    expect(forwardedClient('10.0.0.1', '1.1.1.1, 203.0.113.7, 10.2.0.5, 10.3.0.9', proxies)).toBe('203.0.113.7')
    expect(forwardedClient('10.0.0.1', '10.2.0.5, 10.3.0.9', proxies)).toBe('10.2.0.5')
  })

  it('handles IPv6 hops and ranges', () => {
    expect(forwardedClient('2001:db8:ffff::2', '2001:DB8:0:0::42, 2001:db8:ffff::1', proxies)).toBe('2001:db8::42')
    expect(forwardedClient('2001:db8:fffe::2', '203.0.113.7', proxies)).toBe('2001:db8:fffe::2')
  })

  it('falls back to the peer on a malformed hop', () => {
    expect(forwardedClient('10.0.0.1', '203.0.113.7, garbage', proxies)).toBe('10.0.0.1')
    expect(forwardedClient('10.0.0.1', '203.0.113.7:4711', proxies)).toBe('10.0.0.1')
    expect(forwardedClient('10.0.0.1', '', proxies)).toBe('10.0.0.1')
  })

  it('reads the peer and the configuration from the request context, and says when the browser used https', async () => {
    const app = new Hono<AppEnv>()
    app.use(async (c, next) => {
      c.set('config', readConfig({ TRUSTED_PROXIES: '10.0.0.0/8' }))
      await next()
    })
    app.get('/', (c) => c.json({ address: clientAddress(c), https: requestIsHttps(c) }))
    const ask = async (url: string, peer: string, headers: Record<string, string>) =>
      (await app.request(url, { headers }, { remoteAddr: { hostname: peer } })).json()
    expect(await ask('http://app/', '10.0.0.1', { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' })).toEqual({
      address: '203.0.113.7',
      https: true,
    })
    expect(await ask('http://app/', '10.0.0.1', { 'X-Forwarded-Proto': 'http' })).toEqual({ address: '10.0.0.1', https: false })
    expect(await ask('http://app/', '198.51.100.9', { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' })).toEqual({
      address: '198.51.100.9',
      https: false,
    })
    expect(await ask('https://app/', '198.51.100.9', {})).toEqual({ address: '198.51.100.9', https: true })
  })
})

describe('sign-in throttling behind a reverse proxy', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await testApp({ members: 50, env: { TRUSTED_PROXIES: '10.9.0.1' } })
  })
  afterAll(() => t?.close())

  const signIn = (address: string, forwardedFor: string, login: string, password: string) => {
    const agent = t.anonymous()
    agent.address = address
    return agent.request('/login', { method: 'POST', body: new URLSearchParams({ login, password }), headers: { 'X-Forwarded-For': forwardedFor } })
  }

  /** Wrong passwords (each for another login) from one client until the address is throttled; how many it took. */
  async function failUntilThrottled(address: string, forwardedFor: (i: number) => string) {
    for (let i = 0; i < 100; i++) {
      const res = await signIn(address, forwardedFor(i), `0999${address.replace(/\D/g, '').slice(-3)}${String(i).padStart(3, '0')}`, 'wrong-password')
      if (res.status === 429) return i
      expect(res.status).toBe(401)
    }
    throw new Error('never throttled')
  }

  it('wrong passwords lock out the client that sent them, not everybody behind the proxy', async () => {
    await failUntilThrottled('10.9.0.1', () => '203.0.113.7')
    expect((await signIn('10.9.0.1', '203.0.113.7', LOGINS.member, DEMO_PASSWORD)).status).toBe(429)
    expect((await signIn('10.9.0.1', '203.0.113.8', LOGINS.member, DEMO_PASSWORD)).status).toBe(303)
  })

  it('others’ failures on a shared address (carrier NAT, a hall’s Wi-Fi) do not lock out a phone that signed in to its account before', async () => {
    const owner = t.anonymous()
    owner.address = '198.51.100.77'
    const form = { login: LOGINS.grassroots, password: DEMO_PASSWORD }
    expect((await owner.post('/login', form)).status).toBe(303)
    await owner.loadCsrf()
    expect((await owner.post('/logout', {})).status).toBe(303)
    owner.csrf = ''
    await failUntilThrottled('198.51.100.77', () => '')
    // a new browser on that address is held off; the owner's phone, with its device cookie and the right password, is not
    const stranger = t.anonymous()
    stranger.address = '198.51.100.77'
    expect((await stranger.post('/login', { login: LOGINS.staff, password: DEMO_PASSWORD })).status).toBe(429)
    expect((await owner.post('/login', form)).status).toBe(303)
  })

  it('a client that is not the proxy cannot borrow or dodge a lock with X-Forwarded-For', async () => {
    expect((await signIn('198.51.100.9', '203.0.113.7', LOGINS.cellSecretary, DEMO_PASSWORD)).status).toBe(303)
    const needed = await failUntilThrottled('10.9.0.1', () => '203.0.113.50')
    // the same number of failures, each claiming another address, from a peer that is no proxy
    expect(await failUntilThrottled('198.51.100.10', (i) => `203.0.113.${100 + i}`)).toBe(needed)
  })

  it('the session cookie is Secure when the proxy says the browser used https, and only then', async () => {
    const viaProxy = (proto: string, address = '10.9.0.1') => {
      const agent = t.anonymous()
      agent.address = address
      return agent.request('/login', {
        method: 'POST',
        body: new URLSearchParams({ login: LOGINS.staff, password: DEMO_PASSWORD }),
        headers: { 'X-Forwarded-Proto': proto, 'X-Forwarded-For': '203.0.113.77' },
      })
    }
    const session = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('sotay_session='))!
    expect(session(await viaProxy('https'))).toMatch(/;\s*Secure/i)
    expect(session(await viaProxy('http'))).not.toMatch(/;\s*Secure/i)
    expect(session(await viaProxy('https', '198.51.100.20'))).not.toMatch(/;\s*Secure/i)
  })
})
