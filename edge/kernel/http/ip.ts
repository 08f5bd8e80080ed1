/**
 * IP addresses and ranges, parsed by hand so the same code runs on Node and Deno.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports) is the IPv4 address.
 */
export type Ip = { version: 4 | 6; bytes: Uint8Array }
export type IpRange = Ip & { prefix: number }

function parseV4(text: string): Uint8Array | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  const bytes = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    // no leading zeros: 010 is octal to some parsers and decimal to others
    if (!/^(0|[1-9]\d{0,2})$/.test(parts[i])) return null
    const n = Number(parts[i])
    if (n > 255) return null
    bytes[i] = n
  }
  return bytes
}

function parseV6(text: string): Uint8Array | null {
  const halves = text.split('::')
  if (halves.length > 2) return null
  const groups = (half: string): number[] | null => {
    if (half === '') return []
    const out: number[] = []
    const pieces = half.split(':')
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseV4(piece)
        if (!v4) return null
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(parseInt(piece, 16))
      else return null
    }
    return out
  }
  const head = groups(halves[0])
  const tail = halves.length === 2 ? groups(halves[1]) : []
  if (!head || !tail) return null
  // a dotted quad may end only the whole address
  if (halves.length === 2 && halves[0].includes('.')) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8
    bytes[2 * i + 1] = g & 0xff
  })
  return bytes
}

const isMapped = (b: Uint8Array) => b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff

/** An address as text (`1.2.3.4`, `2001:db8::1`, `[2001:db8::1]`, `fe80::1%eth0`), or null when it is not one. */
export function parseIp(text: string): Ip | null {
  let s = text.trim()
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1)
  const v4 = parseV4(s)
  if (v4) return { version: 4, bytes: v4 }
  const zone = s.indexOf('%')
  if (zone > 0) s = s.slice(0, zone)
  const v6 = s.includes(':') ? parseV6(s) : null
  if (!v6) return null
  return isMapped(v6) ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 }
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address; host bits beyond the prefix are ignored. */
export function parseRange(text: string): IpRange | null {
  const [address, prefixText, ...rest] = text.trim().split('/')
  if (rest.length) return null
  const raw = address.trim()
  const ip = parseIp(raw)
  if (!ip) return null
  const written = raw.includes(':') ? 128 : 32
  let prefix = written
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null
    prefix = Number(prefixText)
    if (prefix > written) return null
  }
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8
  if (ip.version === 4 && written === 128) {
    if (prefix < 96) return null
    prefix -= 96
  }
  return { ...ip, prefix }
}

export function inRange(ip: Ip, range: IpRange): boolean {
  if (ip.version !== range.version) return false
  const full = Math.floor(range.prefix / 8)
  for (let i = 0; i < full; i++) if (ip.bytes[i] !== range.bytes[i]) return false
  const bits = range.prefix % 8
  if (bits === 0) return true
  const mask = (0xff << (8 - bits)) & 0xff
  return (ip.bytes[full] & mask) === (range.bytes[full] & mask)
}

export const inAnyRange = (ip: Ip, ranges: readonly IpRange[]) => ranges.some((r) => inRange(ip, r))

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, the longest run of zero groups as ::). */
export function formatIp(ip: Ip): string {
  if (ip.version === 4) return Array.from(ip.bytes).join('.')
  const groups = Array.from({ length: 8 }, (_, i) => (ip.bytes[2 * i] << 8) | ip.bytes[2 * i + 1])
  let best = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) [best, bestLength] = [i, j - i]
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`
}

const ranges = (list: string[]) => list.map((r) => parseRange(r)!)

// Special-purpose ranges (IANA registries): nothing on the public internet lives there.
const NOT_PUBLIC_V4 = ranges([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
])
const GLOBAL_UNICAST_V6 = parseRange('2000::/3')!
// within 2000::/3: protocol assignments (Teredo, ORCHID…), documentation, 6to4 (which embeds IPv4 addresses)
const NOT_PUBLIC_V6 = ranges(['2001::/23', '2001:db8::/32', '2002::/16', '3fff::/20'])

/**
 * True for an address on the public internet. IPv6 outside global unicast (2000::/3) is never public: that refuses
 * ::1, ::, fc00::/7, fe80::/10, multicast, NAT64 and the IPv4-compatible forms at once.
 */
export function isPublicIp(ip: Ip): boolean {
  if (ip.version === 4) return !inAnyRange(ip, NOT_PUBLIC_V4)
  return inRange(ip, GLOBAL_UNICAST_V6) && !inAnyRange(ip, NOT_PUBLIC_V6)
}
