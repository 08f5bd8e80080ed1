import type { Claims } from '../db/types.ts'

const encoder = new TextEncoder()

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/** Session claims as Supabase issues them (HS256 JWT), plus our own: name and forced password change. */
export interface SessionClaims extends Claims {
  sid: string
  name: string
  mcp?: boolean
  /** holds a current role (or is an administrator): the menu shows the managers' places. Access itself is always decided by RLS. */
  mgr?: boolean
}

export class TokenSigner {
  private constructor(private readonly key: CryptoKey) {}

  static async create(secret: string): Promise<TokenSigner> {
    const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    return new TokenSigner(key)
  }

  async sign(claims: SessionClaims): Promise<string> {
    const head = base64url(encoder.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' })))
    const body = base64url(encoder.encode(JSON.stringify(claims)))
    const signature = new Uint8Array(await crypto.subtle.sign('HMAC', this.key, encoder.encode(`${head}.${body}`)))
    return `${head}.${body}.${base64url(signature)}`
  }

  async verify(token: string, now = Date.now()): Promise<SessionClaims | null> {
    const parts = token.split('.')
    if (parts.length !== 3) return null
    try {
      const ok = await crypto.subtle.verify('HMAC', this.key, fromBase64url(parts[2]), encoder.encode(`${parts[0]}.${parts[1]}`))
      if (!ok) return null
      const claims = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1]))) as SessionClaims
      if (claims.role !== 'authenticated' || typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return null
      return claims
    } catch {
      return null
    }
  }

  /** A per-session CSRF token: an HMAC of the session id, so it needs no storage. */
  async csrfToken(sid: string): Promise<string> {
    return this.mac(`csrf:${sid}`)
  }

  /** A keyed digest of a short text (CSRF tokens, device ids): only this server can make one. */
  async mac(text: string): Promise<string> {
    return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', this.key, encoder.encode(text))))
  }
}
