import { Hono } from 'hono'
import { endSession, renewSession, requireUser, startSession } from '../../kernel/auth/session.ts'
import { hashPassword, verifyPassword } from '../../kernel/auth/password.ts'
import { sessionOf, type AppEnv } from '../../kernel/http/context.ts'
import { clientAddress, digest } from '../../kernel/http/client.ts'
import { parseForm } from '../../kernel/http/validation.ts'
import { LoginPage } from '../../../views/auth/LoginPage.tsx'
import { PasswordPage } from '../../../views/auth/PasswordPage.tsx'
import { loginForm, messages, passwordForm, safeNext } from './auth.forms.ts'
import * as q from './auth.queries.ts'

// A hash of a random password: verifying against it when the login is unknown costs the
// same time as a real check, so response time does not reveal which logins exist.
const decoyHash = hashPassword(crypto.randomUUID())

export const auth = new Hono<AppEnv>()

auth.get('/login', async (c) => {
  if (c.get('session')) return c.redirect('/', 302)
  const demo = c.get('config').DEMO === 'off' ? [] : await c.get('data').asSystem('list demo logins on the login page', q.demoLogins)
  return c.html(<LoginPage next={safeNext(c.req.query('next'))} demo={demo} />)
})

auth.post('/login', async (c) => {
  const data = c.get('data')
  const form = parseForm(loginForm, await c.req.parseBody())
  const renderError = async (status: 400 | 401 | 429, errors: Record<string, string>, login?: string) => {
    const demo = c.get('config').DEMO === 'off' ? [] : await data.asSystem('list demo logins on the login page', q.demoLogins)
    return c.html(<LoginPage login={login} errors={errors} demo={demo} />, status)
  }
  if (!form.ok) return renderError(400, form.errors)
  const { login, password, next } = form.value
  const keys = [await digest(`login:${login}`), await digest(`ip:${clientAddress(c)}`)]
  const outcome = await data.asSystem('sign-in: there is no user yet', async (tx) => {
    if ((await q.recentFailures(tx, keys)) >= 5) return 'throttled' as const
    const credential = await q.findCredential(tx, login)
    const ok = await verifyPassword(password, credential?.password_hash ?? (await decoyHash))
    await q.recordAttempt(tx, keys, ok && !!credential, ok ? credential?.user_id : undefined)
    return ok && credential ? credential : ('bad' as const)
  })
  if (outcome === 'throttled') return renderError(429, { _form: messages.throttled }, login)
  if (outcome === 'bad') return renderError(401, { _form: messages.badLogin }, login)
  await startSession(c, { id: outcome.user_id, name: outcome.name, mustChangePassword: outcome.must_change_password })
  return c.redirect(outcome.must_change_password ? '/account/password' : safeNext(next), 303)
})

auth.post('/logout', (c) => {
  endSession(c)
  return c.redirect('/login', 303)
})

auth.get('/account/password', requireUser, (c) => {
  const session = sessionOf(c)
  return c.html(<PasswordPage viewer={{ name: session.name, csrf: c.get('csrf') }} forced={session.mcp} />)
})

auth.post('/account/password', requireUser, async (c) => {
  const session = sessionOf(c)
  const viewer = { name: session.name, csrf: c.get('csrf') }
  const form = parseForm(passwordForm, await c.req.parseBody())
  if (!form.ok) return c.html(<PasswordPage viewer={viewer} errors={form.errors} forced={session.mcp} />, 400)
  const newHash = await hashPassword(form.value.password)
  const changed = await c.get('data').withUser(session, async (tx) => {
    const current = await q.ownPasswordHash(tx)
    if (!current || !(await verifyPassword(form.value.current, current))) return false
    return q.setOwnPassword(tx, newHash)
  })
  if (!changed) return c.html(<PasswordPage viewer={viewer} errors={{ current: messages.wrongCurrent }} forced={session.mcp} />, 400)
  await renewSession(c, { mcp: false })
  return c.html(<PasswordPage viewer={{ name: session.name, csrf: c.get('csrf') }} notice={messages.changed} />)
})
