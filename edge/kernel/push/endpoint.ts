import { lookup as lookupCallback, promises as dns, type LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { isPublicIp, parseIp } from '../http/ip.ts'

/**
 * A push endpoint is a URL any browser hands us, and the scheduler POSTs to it: without a check it is a way into
 * the server's own network (loopback, private ranges, the cloud metadata service at 169.254.169.254). Only https
 * on a public address passes, checked when a device registers and again before each send, and at connection time
 * by the sender's agent (a name may resolve to another address later: DNS rebinding).
 */
export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>

export const systemResolve: Resolve = (host) => dns.lookup(host, { all: true, verbatim: true })

export interface EndpointPolicy {
  /**
   * PUSH_ALLOW_HOSTS: `host` (any port) or `host:port` entries allowed although not public (tests and benchmarks
   * run a push service on loopback). IPv6 in brackets, as in a URL.
   */
  allowHosts?: readonly string[]
  resolve?: Resolve
}

/** Why an endpoint is refused: not https / not a public host by itself (`endpoint`), by what its name resolves to (`address`), or unknown (`unresolved`). */
export type EndpointCheck = { ok: true } | { ok: false; reason: 'endpoint' | 'address' | 'unresolved'; error: string }

const bareHost = (hostname: string) => hostname.toLowerCase().replace(/\.$/, '')

function allowed(url: URL, allowHosts: readonly string[]): boolean {
  const host = bareHost(url.hostname)
  const port = url.port || '443'
  return allowHosts.some((entry) => entry === host || entry === `${host}:${port}`)
}

export async function checkPushEndpoint(endpoint: string, policy: EndpointPolicy = {}): Promise<EndpointCheck> {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return { ok: false, reason: 'endpoint', error: 'not a URL' }
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'endpoint', error: `${url.protocol} is not https:` }
  if (url.username || url.password) return { ok: false, reason: 'endpoint', error: 'credentials in the URL' }
  if (allowed(url, policy.allowHosts ?? [])) return { ok: true }
  const host = bareHost(url.hostname)
  // the URL parser has already turned 0x7f.1, 2130706433 and the like into dotted quads
  const literal = parseIp(host)
  if (literal) return isPublicIp(literal) ? { ok: true } : { ok: false, reason: 'endpoint', error: `${host} is not a public address` }
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))
    return { ok: false, reason: 'endpoint', error: `${host} is not a public host name` }
  let addresses: { address: string }[]
  try {
    addresses = await (policy.resolve ?? systemResolve)(host)
  } catch (error) {
    return { ok: false, reason: 'unresolved', error: `${host}: ${(error as { code?: string }).code ?? String(error)}` }
  }
  if (!addresses.length) return { ok: false, reason: 'unresolved', error: `${host}: no address` }
  const inside = addresses.find((a) => {
    const ip = parseIp(a.address)
    return !ip || !isPublicIp(ip)
  })
  return inside ? { ok: false, reason: 'address', error: `${host} resolves to ${inside.address}, not a public address` } : { ok: true }
}

/**
 * A `lookup` for the sender's https agent: the connection itself goes only to public addresses, whatever the name
 * resolves to by then. Allowed hosts (any port) pass.
 */
export function guardedLookup(allowHosts: readonly string[] = []): LookupFunction {
  const hosts = new Set(allowHosts.map((entry) => entry.replace(/:\d+$/, '')))
  return (hostname, options, callback) => {
    lookupCallback(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '')
      const list = addresses as LookupAddress[]
      if (!hosts.has(bareHost(hostname))) {
        const inside = list.find((a) => {
          const ip = parseIp(a.address)
          return !ip || !isPublicIp(ip)
        })
        if (inside || !list.length) {
          const refused = Object.assign(new Error(`push endpoint ${hostname} resolves to ${inside?.address ?? 'nothing'}, not a public address`), {
            code: 'EPUSHADDRESS',
          })
          return callback(refused, '')
        }
      }
      if (options?.all) callback(null, list)
      else callback(null, list[0].address, list[0].family)
    })
  }
}

/** PUSH_ALLOW_HOSTS entries: `host` or `host:port`, IPv6 in brackets. */
export function parseAllowHost(entry: string): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.exec(entry.trim())
  if (!match) return null
  if (match[2] && Number(match[2].slice(1)) > 65535) return null
  return `${bareHost(match[1])}${match[2] ?? ''}`
}
