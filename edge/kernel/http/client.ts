import type { Context } from 'hono'
import type { Config } from '../config.ts'
import { formatIp, inAnyRange, parseIp, type IpRange } from './ip.ts'

/** The socket peer: from the Node socket, or the Deno serve info passed as env. */
function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; remoteAddr?: { hostname?: string } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? env?.remoteAddr?.hostname ?? 'unknown'
}

function trustedProxies(c: Context): readonly IpRange[] {
  return (c.get('config') as Config | undefined)?.TRUSTED_PROXIES ?? []
}

/**
 * Who sent the request: the socket peer, unless the peer is a trusted proxy (TRUSTED_PROXIES). Then X-Forwarded-For
 * is read from the right, each trusted hop skipped, and the first untrusted address is the client: entries to its left
 * were written by the client itself and prove nothing. A malformed entry stops the walk at the peer.
 */
export function clientAddress(c: Context): string {
  return forwardedClient(peerAddress(c), c.req.header('X-Forwarded-For'), trustedProxies(c))
}

export function forwardedClient(peer: string, forwardedFor: string | undefined, trusted: readonly IpRange[]): string {
  const peerIp = parseIp(peer)
  if (!peerIp) return peer
  const peerText = formatIp(peerIp)
  if (!trusted.length || !inAnyRange(peerIp, trusted) || !forwardedFor) return peerText
  const hops = forwardedFor.split(',').map((h) => h.trim())
  let leftmost = peerText
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = parseIp(hops[i])
    if (!ip) return peerText
    if (!inAnyRange(ip, trusted)) return formatIp(ip)
    leftmost = formatIp(ip)
  }
  // every hop is a trusted proxy: the client is the first of them
  return leftmost
}

/** Whether the browser reached us over https: the URL says so, or a trusted proxy does (X-Forwarded-Proto, its first value). */
export function requestIsHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true
  const proto = c.req.header('X-Forwarded-Proto')
  if (!proto) return false
  const peer = parseIp(peerAddress(c))
  const trusted = trustedProxies(c)
  return !!peer && inAnyRange(peer, trusted) && proto.split(',')[0].trim().toLowerCase() === 'https'
}

/** Hex SHA-256, so throttling keys hold no phone numbers or addresses. */
export async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
