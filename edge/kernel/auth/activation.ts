import { randomBytes } from 'node:crypto'
import type { TokenSigner } from './token.ts'

/**
 * One-time activation codes printed on the slips a secretary cuts and hands out. Eight characters
 * from an alphabet without look-alikes (no 0/O, 1/I/L): about 40 bits, which with five tries per
 * login in 15 minutes and an expiry date cannot be guessed, and short enough for an elderly member
 * to type from paper. The database keeps only a keyed hash (HMAC with the app's secret), so a copy
 * of it cannot be used to test guesses.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
const LENGTH = 8

export function newActivationCode(): string {
  // rejection sampling: 31 does not divide 256, and a plain modulo would favour some letters
  const chars: string[] = []
  while (chars.length < LENGTH) {
    for (const b of randomBytes(LENGTH * 2)) {
      if (b < 248 && chars.length < LENGTH) chars.push(ALPHABET[b % ALPHABET.length])
    }
  }
  return chars.join('')
}

/** As printed: two groups of four, easier to read aloud and to copy. */
export function formatActivationCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** What a member typed, in the printed form's characters: case, spaces and dashes do not matter. */
export function normalizeActivationCode(typed: string): string {
  return typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-–—.]/g, '')
}

export function isWellFormedActivationCode(code: string): boolean {
  return code.length === LENGTH && [...code].every((ch) => ALPHABET.includes(ch))
}

export function activationCodeHash(signer: TokenSigner, code: string): Promise<string> {
  return signer.mac(`activation:${code}`)
}
