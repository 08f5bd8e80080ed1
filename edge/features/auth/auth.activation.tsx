import { timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { startSession } from '../../kernel/auth/session.ts'
import { hashPassword } from '../../kernel/auth/password.ts'
import { activationCodeHash } from '../../kernel/auth/activation.ts'
import type { AppContext, AppEnv } from '../../kernel/http/context.ts'
import { clientAddress, digest } from '../../kernel/http/client.ts'
import { parseForm } from '../../kernel/http/validation.ts'
import { ActivatePage } from '../../../views/auth/ActivatePage.tsx'
import { activationForm, messages } from './auth.forms.ts'
import * as q from './auth.queries.ts'

export const activation = new Hono<AppEnv>()

const MAX_FAILURES_PER_ACCOUNT = 5
const MAX_FAILURES_PER_ADDRESS = 30

const sameMac = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

activation.get('/activate', (c) => {
  if (c.get('session')) return c.redirect('/', 302)
  return c.html(<ActivatePage />)
})

type Refusal = { status: 400 | 401 | 403 | 429; message: string; field?: 'birth_date' }

/**
 * Which refusal a matching login gets. Only a member who also knows the birth date learns more than
 * "wrong" (that the code expired, or the account is already activated); the code itself is compared
 * by its keyed hash, in constant time.
 */
function refusalOf(found: q.PendingActivation | undefined, birthDate: string | undefined, codeHash: string): Refusal | null {
  const wrong: Refusal = { status: 401, message: messages.activationWrong }
  // only an account whose record has no birth date (an administrator's) goes without one; an unknown login is asked too
  if (!birthDate && found?.birth_date !== null) return { status: 400, message: messages.birthDateMissing, field: 'birth_date' }
  if (!found || (found.birth_date && found.birth_date !== birthDate)) return wrong
  if (!found.active) return { status: 403, message: messages.inactive }
  if (!found.code_hash) return found.has_password ? { status: 401, message: messages.alreadyActivated } : wrong
  if (!sameMac(found.code_hash, codeHash)) return wrong
  if (found.expired) return { status: 401, message: messages.activationExpired(found.expires_on ?? '') }
  return null
}

/*
 * A member activates the account from the slip: login, birth date and the code, and chooses a
 * password (so the first sign-in is already with his/her own password; no temporary one exists).
 * Throttled like sign-in, on keys of its own: 5 failures per account (phone or card number alike) and
 * 30 per address in 15 minutes.
 */
activation.post('/activate', async (c) => {
  const data = c.get('data')
  const body = await c.req.parseBody()
  // what was typed comes back, cut to the fields' lengths: never a page as large as the request
  const kept = {
    login: String(body.login ?? '').slice(0, 40),
    birth_date: String(body.birth_date ?? '').slice(0, 10),
    code: String(body.code ?? '').slice(0, 40),
  }
  const page = (status: 400 | 401 | 403 | 429, errors: Record<string, string>) => c.html(<ActivatePage values={kept} errors={errors} />, status)
  const form = parseForm(activationForm, body)
  if (!form.ok) return page(400, form.errors)
  const { login, birth_date, code, password } = form.value
  // its own address key: mistyped birth dates in a meeting hall must not lock that network out of signing in
  const addressKey = await digest(`activate-ip:${clientAddress(c)}`)
  const before = await data.asSystem('activation: there is no user yet', async (tx) => {
    const found = await q.findActivation(tx, login)
    // per account, whichever of its logins is typed (phone or card number)
    const accountKey = await digest(`activate:${found?.user_id ?? login}`)
    await q.lockKeys(tx, [accountKey, addressKey])
    const failures = await q.recentFailures(tx, [accountKey, addressKey])
    if ((failures.get(addressKey) ?? 0) >= MAX_FAILURES_PER_ADDRESS) return { throttled: messages.activationThrottledAddress }
    if ((failures.get(accountKey) ?? 0) >= MAX_FAILURES_PER_ACCOUNT) return { throttled: messages.activationThrottled }
    return { attempt: await q.reserveAttempt(tx, [accountKey, addressKey]), found }
  })
  if (before.throttled !== undefined) return page(429, { _form: before.throttled })
  const { attempt, found } = before
  const codeHash = await activationCodeHash(c.get('signer'), code)
  const refusal = refusalOf(found, birth_date, codeHash)
  if (refusal || !found) return page(refusal?.status ?? 401, { [refusal?.field ?? '_form']: refusal?.message ?? messages.activationWrong })
  const passwordHash = await hashPassword(password)
  const activated = await data.asSystem('activation: spend the code and set the chosen password', async (tx) => {
    if (!(await q.activate(tx, found.user_id, codeHash, passwordHash))) return false
    await q.settleAttempt(tx, attempt)
    await q.recordSignIn(tx, found.user_id, await digest(`device:activation:${found.user_id}`))
    return true
  })
  // spent by another device a moment ago: the same answer as a used code
  if (!activated) return page(401, { _form: messages.alreadyActivated })
  await startSession(c as AppContext, { id: found.user_id, name: found.name, mustChangePassword: false })
  return c.redirect('/', 303)
})
