import { Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { endSession, renewSession, requireUser, secureCookie, startSession } from '../../kernel/auth/session.ts'
import { hashPassword, verifyPassword } from '../../kernel/auth/password.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { clientAddress, digest } from '../../kernel/http/client.ts'
import { parseForm } from '../../kernel/http/validation.ts'
import { LoginPage } from '../../../views/auth/LoginPage.tsx'
import { PasswordPage } from '../../../views/auth/PasswordPage.tsx'
import { loginForm, messages, passwordForm, safeNext } from './auth.forms.ts'
import * as q from './auth.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'
import { activation } from './auth.activation.tsx'

// A hash of a random password: verifying against it when the login is unknown costs the
// same time as a real check, so response time does not reveal which logins exist.
const decoyHash = hashPassword(crypto.randomUUID())

export const auth = new Hono<AppEnv>()
auth.route('/', activation)

auth.get('/login', async (c) => {
  if (c.get('session')) return c.redirect('/', 302)
  const demo = c.get('config').DEMO === 'off' ? [] : await c.get('data').asSystem('list demo logins on the login page', q.demoLogins)
  return c.html(<LoginPage next={safeNext(c.req.query('next'))} demo={demo} />)
})

const DEVICE_COOKIE = 'sotay_device'
const MAX_FAILURES_PER_LOGIN = 5
const MAX_FAILURES_PER_ADDRESS = 30

/** This browser's id, if it carries one we made; otherwise a new one (kept after a successful sign-in). */
async function deviceOf(c: AppContext): Promise<{ id: string; known: boolean }> {
  const [id, mac] = (getCookie(c, DEVICE_COOKIE) ?? '').split('.')
  if (id && mac && mac === (await c.get('signer').mac(`device:${id}`))) return { id, known: true }
  return { id: crypto.randomUUID(), known: false }
}

/*
 * Throttling that cannot be turned against the owner: failures count per login, per client
 * address and per (browser, login). Past 5 failures a login only accepts browsers that signed
 * in to it before, which still have their own 5; an attacker elsewhere cannot lock the owner's
 * phone out, and a secretary's reset clears the count. The password is checked outside any
 * transaction, so a slow hash never holds a database connection.
 */
auth.post('/login', async (c) => {
  const data = c.get('data')
  const form = parseForm(loginForm, await c.req.parseBody())
  const renderError = async (status: 400 | 401 | 403 | 429, errors: Record<string, string>, login?: string) => {
    const demo = c.get('config').DEMO === 'off' ? [] : await data.asSystem('list demo logins on the login page', q.demoLogins)
    // the page the user was going to stays the goal of the next try
    return c.html(<LoginPage login={login} errors={errors} demo={demo} next={safeNext(form.ok ? form.value.next : undefined)} />, status)
  }
  if (!form.ok) return renderError(400, form.errors)
  const { login, password, next } = form.value
  const device = await deviceOf(c)
  const [loginKey, addressKey, deviceKey] = await Promise.all([
    digest(`login:${login}`),
    digest(`ip:${clientAddress(c)}`),
    digest(`device:${device.id}:${login}`),
  ])
  const before = await data.asSystem('sign-in: there is no user yet', async (tx) => {
    await q.lockKeys(tx, [loginKey, addressKey, deviceKey])
    const failures = await q.recentFailures(tx, [loginKey, addressKey, deviceKey])
    const trusted = device.known && (await q.isTrustedDevice(tx, deviceKey))
    // a shared address (a carrier's NAT, a meeting hall's Wi-Fi) holds off new browsers, not a phone
    // that signed in to this account before: its own failures are counted on its device key
    if (!trusted && (failures.get(addressKey) ?? 0) >= MAX_FAILURES_PER_ADDRESS) return { throttled: messages.throttledAddress }
    if ((failures.get(trusted ? deviceKey : loginKey) ?? 0) >= MAX_FAILURES_PER_LOGIN) {
      return { throttled: trusted ? messages.throttled : messages.throttledNewDevice }
    }
    const attempt = await q.reserveAttempt(tx, [loginKey, addressKey, ...(trusted ? [deviceKey] : [])])
    return { credential: await q.findCredential(tx, login), attempt }
  })
  if ('throttled' in before) return renderError(429, { _form: before.throttled! }, login)
  const { credential, attempt } = before
  const ok = (await verifyPassword(password, credential?.password_hash ?? (await decoyHash))) && !!credential
  if (ok) {
    await data.asSystem('sign-in: record the success', async (tx) => {
      await q.settleAttempt(tx, attempt)
      if (credential.active) await q.recordSignIn(tx, credential.user_id, deviceKey)
    })
  }
  if (!ok) return renderError(401, { _form: messages.badLogin }, login)
  if (!credential.active) return renderError(403, { _form: messages.inactive }, login)
  setCookie(c, DEVICE_COOKIE, `${device.id}.${await c.get('signer').mac(`device:${device.id}`)}`, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookie(c),
    path: '/login',
    maxAge: 400 * 86_400,
  })
  await startSession(c, { id: credential.user_id, name: credential.name, mustChangePassword: credential.must_change_password })
  return c.redirect(credential.must_change_password ? '/account/password' : safeNext(next), 303)
})

auth.post('/logout', async (c) => {
  await endSession(c)
  return c.redirect('/login', 303)
})

auth.get('/account/password', requireUser, (c) => {
  const session = sessionOf(c)
  return c.html(<PasswordPage viewer={viewerOf(c)} forced={session.mcp} />)
})

auth.post('/account/password', requireUser, async (c) => {
  const session = sessionOf(c)
  const data = c.get('data')
  const viewer = viewerOf(c)
  const form = parseForm(passwordForm, await c.req.parseBody())
  if (!form.ok) return c.html(<PasswordPage viewer={viewer} errors={form.errors} forced={session.mcp} />, 400)
  // guessing the current password is throttled like sign-in
  const throttleKey = await digest(`password:${session.sub}`)
  const attempt = await data.asSystem('throttle guesses of the current password', async (tx) => {
    await q.lockKeys(tx, [throttleKey])
    if (((await q.recentFailures(tx, [throttleKey])).get(throttleKey) ?? 0) >= MAX_FAILURES_PER_LOGIN) return null
    return q.reserveAttempt(tx, [throttleKey])
  })
  if (!attempt) return c.html(<PasswordPage viewer={viewer} errors={{ current: messages.passwordThrottled }} forced={session.mcp} />, 429)
  const newHash = hashPassword(form.value.password) // overlaps with the reads below
  const current = await data.withUser(session, q.ownPasswordHash)
  const right = !!current && (await verifyPassword(form.value.current, current))
  const hashed = await newHash
  const changed = right && (await data.withUser(session, (tx) => q.setOwnPassword(tx, hashed, current)))
  if (!changed) return c.html(<PasswordPage viewer={viewer} errors={{ current: messages.wrongCurrent }} forced={session.mcp} />, 400)
  await data.asSystem('a right current password does not count against the throttle', (tx) => q.settleAttempt(tx, attempt))
  await renewSession(c, { mcp: false })
  return c.html(<PasswordPage viewer={viewerOf(c)} notice={messages.changed} />)
})
