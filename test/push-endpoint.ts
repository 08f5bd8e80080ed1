import { spawnSync } from 'node:child_process'
import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ece from 'http_ece'

export interface Received {
  device: string
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

const b64url = (buffer: Buffer) => buffer.toString('base64url')

/**
 * A push service on https://127.0.0.1 (self-signed, trusted through `agent`), speaking the
 * protocol: it answers what each device is told to answer (201 by default) and keeps every
 * request, so tests can decrypt the payloads with the device keys and check the VAPID header.
 */
export async function startPushEndpoint() {
  const dir = mkdtempSync(join(tmpdir(), 'push-'))
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ])
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`)
  const cert = readFileSync(join(dir, 'cert.pem'))
  const key = readFileSync(join(dir, 'key.pem'))
  rmSync(dir, { recursive: true, force: true })
  const received: Received[] = []
  const scripts = new Map<string, number[]>()
  const server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const device = decodeURIComponent(req.url!.split('/').pop()!)
      const status = scripts.get(device)?.shift() ?? 201
      received.push({ device, status, headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  const agent = new Agent({ ca: cert, keepAlive: true, maxSockets: 64 })

  /** A browser's subscription: its own ECDH keys and auth secret, at an endpoint of this service. */
  function device(name: string) {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const auth = randomBytes(16)
    return {
      name,
      subscription: { endpoint: `${origin}/push/${encodeURIComponent(name)}`, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) } },
      decrypt: (body: Buffer) => JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: b64url(auth) }).toString('utf8')),
    }
  }

  return {
    origin,
    agent,
    received,
    device,
    /** The next answers for a device, in order (then 201). */
    script: (name: string, statuses: number[]) => scripts.set(name, [...statuses]),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Checks a VAPID Authorization header (RFC 8292): ES256 JWT for this origin, signed by the key it names. */
export function vapidClaims(header: string | undefined, expectedKey: string) {
  const match = /^vapid t=([^,]+),\s*k=(.+)$/.exec(header ?? '')
  if (!match) throw new Error(`not a VAPID header: ${header}`)
  const [token, key] = [match[1], match[2]]
  if (key !== expectedKey) throw new Error('signed with another key')
  const [head, payload, signature] = token.split('.')
  const raw = Buffer.from(key, 'base64url')
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33, 65)) }, format: 'jwk' })
  const ok = verify('sha256', Buffer.from(`${head}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))
  if (!ok) throw new Error('bad VAPID signature')
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as { aud: string; exp: number; sub: string }
}
