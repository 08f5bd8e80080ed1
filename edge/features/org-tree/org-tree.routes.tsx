import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid, parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { OrgTreePage } from '../../../views/org-tree/OrgTreePage.tsx'
import { OrgChildren } from '../../../views/org-tree/OrgChildren.tsx'
import { OrgPage } from '../../../views/org-tree/OrgPage.tsx'
import { childForm, messages, nameForm, targetForm } from './org-tree.forms.ts'
import * as q from './org-tree.queries.ts'

export const orgTree = new Hono<AppEnv>()
orgTree.use(requireUser)

const viewerOf = (c: AppContext) => ({ name: sessionOf(c).name, csrf: c.get('csrf') })

function orgId(c: AppContext): string {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  return id
}

orgTree.get('/', async (c) => {
  const roots = await c.get('data').withUser(sessionOf(c), q.roots)
  return c.html(<OrgTreePage viewer={viewerOf(c)} roots={roots} />)
})

async function orgPage(c: AppContext, id: string, extra: { notice?: string; errors?: FieldErrors } = {}, status: 200 | 400 | 409 = 200) {
  const page = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const org = await q.getOrg(tx, id)
    if (!org) return null
    return {
      org,
      units: await q.children(tx, id),
      roles: await q.rolesOf(tx, id),
      targets: org.can_restructure ? await q.moveTargets(tx, id) : [],
    }
  })
  if (!page) notFound()
  return c.html(<OrgPage viewer={viewerOf(c)} {...page} {...extra} />, status)
}

orgTree.get('/:id', (c) => orgPage(c, orgId(c)))

orgTree.get('/:id/children', async (c) => {
  const id = orgId(c)
  const nodes = await c.get('data').withUser(sessionOf(c), async (tx) => ((await q.getOrg(tx, id)) ? q.children(tx, id) : null))
  if (!nodes) notFound()
  return c.html(<OrgChildren nodes={nodes} />)
})

/** Runs a restructuring change; "not allowed" from RLS or a trigger reads as 404, a clash as 409. */
async function restructure(c: AppContext, id: string, change: (tx: Tx) => Promise<boolean | string>, errorKey: string, failure: string) {
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => ((await q.getOrg(tx, id))?.can_restructure ? change(tx) : 'not-found'))
    .catch((error) => {
      const code = (error as { code?: string }).code
      if (code === '23505') return 'clash'
      if (code === '42501') return false
      throw error
    })
  if (outcome === 'not-found') notFound()
  if (outcome === 'clash') return orgPage(c, id, { errors: { [errorKey]: messages.sameCode } }, 409)
  if (outcome === false) return orgPage(c, id, { errors: { [errorKey]: failure } }, 400)
  return null
}

orgTree.post('/:id/children', async (c) => {
  const id = orgId(c)
  const form = parseForm(childForm, await c.req.parseBody())
  if (!form.ok) return orgPage(c, id, { errors: { child_name: form.errors.name, kind: form.errors.kind } }, 400)
  let childId = ''
  const failed = await restructure(c, id, async (tx) => {
    childId = await q.createChild(tx, id, form.value.name, form.value.kind)
    return true
  }, 'child_name', messages.badTarget)
  return failed ?? c.redirect(`/orgs/${childId}`, 303)
})

orgTree.post('/:id/rename', async (c) => {
  const id = orgId(c)
  const form = parseForm(nameForm, await c.req.parseBody())
  if (!form.ok) return orgPage(c, id, { errors: form.errors }, 400)
  const failed = await restructure(c, id, (tx) => q.rename(tx, id, form.value.name), 'name', messages.badTarget)
  return failed ?? orgPage(c, id, { notice: messages.renamed })
})

orgTree.post('/:id/move', async (c) => {
  const id = orgId(c)
  const form = parseForm(targetForm, await c.req.parseBody())
  if (!form.ok) return orgPage(c, id, { errors: { move: form.errors.target } }, 400)
  const failed = await restructure(c, id, (tx) => q.move(tx, id, form.value.target), 'move', messages.badTarget)
  return failed ?? orgPage(c, id, { notice: messages.moved })
})

orgTree.post('/:id/merge', async (c) => {
  const id = orgId(c)
  const form = parseForm(targetForm, await c.req.parseBody())
  if (!form.ok) return orgPage(c, id, { errors: { merge: form.errors.target } }, 400)
  if (form.value.target === id) return orgPage(c, id, { errors: { merge: messages.mergeSelf } }, 400)
  let moved = 0
  const failed = await restructure(c, id, async (tx) => {
    const allowed = (await q.moveTargets(tx, id)).some((t) => t.id === form.value.target)
    if (!allowed) return false
    moved = await q.merge(tx, id, form.value.target)
    return true
  }, 'merge', messages.badTarget)
  return failed ?? orgPage(c, form.value.target, { notice: messages.merged(moved) })
})
