import { Hono } from 'hono'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid, parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { OrgTreePage } from '../../../views/org-tree/OrgTreePage.tsx'
import { OrgChildren } from '../../../views/org-tree/OrgChildren.tsx'
import { OrgPage } from '../../../views/org-tree/OrgPage.tsx'
import { childForm, done, mergeForm, messages, nameForm, ORG_KINDS, shortCodeForm, targetForm } from './org-tree.forms.ts'
import { orgImport } from './org-tree.import.tsx'
import { ORG_KIND_LABELS } from '../../../views/components/labels.ts'
import * as q from './org-tree.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

export const orgTree = new Hono<AppEnv>()
orgTree.use(requireUser)
// before '/:id', which would take "import" for an id
orgTree.route('/import', orgImport)

function orgId(c: AppContext): string {
  const id = c.req.param('id')
  if (!isUuid(id)) notFound()
  return id
}

orgTree.get('/', async (c) => {
  const roots = await c.get('data').withUser(sessionOf(c), q.roots)
  return c.html(<OrgTreePage viewer={viewerOf(c)} roots={roots} />)
})

/** The kinds a `kind` may hold, top of the hierarchy first. */
const allowedUnder = (kind: string, rules: { parent_kind: string; child_kind: string }[]) =>
  ORG_KINDS.filter((k) => rules.some((r) => r.parent_kind === kind && r.child_kind === k))

type PageExtra = { notice?: string; errors?: FieldErrors; input?: Record<string, string> }

async function orgPage(c: AppContext, id: string, extra: PageExtra = {}, status: 200 | 400 | 409 = 200) {
  const page = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const org = await q.getOrg(tx, id)
    if (!org) return null
    const restructures = org.can_restructure && !org.valid_to
    return {
      org,
      units: await q.children(tx, id),
      roles: await q.rolesOf(tx, id),
      childKinds: restructures ? allowedUnder(org.kind, await q.kindRules(tx)) : [],
      targets: restructures ? await q.moveTargets(tx, id) : [],
      mergeTargets: restructures ? await q.mergeTargets(tx, id) : [],
    }
  })
  if (!page) notFound()
  return c.html(<OrgPage viewer={viewerOf(c)} {...page} {...extra} />, status)
}

orgTree.get('/:id', (c) => orgPage(c, orgId(c), { notice: doneMessage(c, done) }))

orgTree.get('/:id/children', async (c) => {
  const id = orgId(c)
  const nodes = await c.get('data').withUser(sessionOf(c), async (tx) => ((await q.getOrg(tx, id)) ? q.children(tx, id) : null))
  if (!nodes) notFound()
  return c.html(<OrgChildren nodes={nodes} />)
})

const kindLabel = (kind: string | undefined) => (kind && ORG_KIND_LABELS[kind]) || kind || ''

/**
 * Runs a restructuring change; "not allowed" from RLS or a trigger reads as 404 before the
 * change and as `failure` after, a clash as 409, a kind the parent may not hold (23514 from
 * the database's org_kind_rules check) as `kindFailure()`, asked after the rollback.
 */
async function restructure(
  c: AppContext,
  id: string,
  change: (tx: Tx, org: q.OrgDetail) => Promise<boolean | string>,
  errorKey: string,
  failure: string,
  kindFailure: () => string = () => failure,
  input: Record<string, string> = {},
) {
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const org = await q.getOrg(tx, id)
      return org?.can_restructure ? change(tx, org) : 'not-found'
    })
    .catch((error) => {
      const code = (error as { code?: string }).code
      if (code === '23505') return 'clash'
      if (code === '23514') return 'kind'
      if (code === '42501') return false
      // a member in transit keeps the cell until the receiving side accepts (members_guard_transit)
      if (code === '55000') return 'transit'
      throw error
    })
  if (outcome === 'not-found') notFound()
  if (outcome === 'transit') return orgPage(c, id, { errors: { [errorKey]: messages.inTransit }, input }, 409)
  if (outcome === 'duplicate') return orgPage(c, id, { errors: { child_name: messages.duplicateChild }, input }, 400)
  if (outcome === 'clash') return orgPage(c, id, { errors: { [errorKey]: messages.sameCode }, input }, 409)
  if (outcome === 'kind') return orgPage(c, id, { errors: { [errorKey]: kindFailure() }, input }, 400)
  if (outcome === false) return orgPage(c, id, { errors: { [errorKey]: failure }, input }, 400)
  return null
}

orgTree.post('/:id/children', async (c) => {
  const id = orgId(c)
  const body = await c.req.parseBody()
  const form = parseForm(childForm, body)
  const input = { child_name: String(body.name ?? ''), kind: String(body.kind ?? '') }
  if (!form.ok) return orgPage(c, id, { errors: { child_name: form.errors.name, kind: form.errors.kind }, input }, 400)
  let childId = ''
  let parentKind = ''
  const failed = await restructure(
    c,
    id,
    async (tx, org) => {
      parentKind = org.kind
      // two units of one name under one committee are a typing slip, never two units people could tell apart
      if (await q.hasChildNamed(tx, id, form.value.name)) return 'duplicate'
      childId = await q.createChild(tx, id, form.value.name, form.value.kind)
      return true
    },
    'kind',
    messages.badTarget,
    () => messages.kindRefused(kindLabel(form.value.kind), kindLabel(parentKind)),
    input,
  )
  return failed ?? c.redirect(`/orgs/${childId}?done=created`, 303)
})

orgTree.post('/:id/rename', async (c) => {
  const id = orgId(c)
  const form = parseForm(nameForm, await c.req.parseBody())
  if (!form.ok) return orgPage(c, id, { errors: form.errors }, 400)
  const failed = await restructure(c, id, (tx) => q.rename(tx, id, form.value.name), 'name', messages.badTarget)
  return failed ?? seeOther(c, `/orgs/${id}`, 'renamed', () => orgPage(c, id, { notice: done.renamed }))
})

orgTree.post('/:id/short-code', async (c) => {
  const id = orgId(c)
  const body = await c.req.parseBody()
  const input = { short_code: String(body.short_code ?? '') }
  const form = parseForm(shortCodeForm, input)
  if (!form.ok) return orgPage(c, id, { errors: form.errors, input }, 400)
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const org = await q.getOrg(tx, id)
      return org?.can_restructure ? q.setShortCode(tx, id, form.value.short_code) : 'not-found'
    })
    .catch((error) => {
      if ((error as { code?: string }).code === '23505') return 'taken' as const
      throw error
    })
  if (outcome === 'not-found') notFound()
  if (outcome === 'taken') return orgPage(c, id, { errors: { short_code: messages.shortCodeTaken }, input }, 409)
  if (outcome === false) return orgPage(c, id, { errors: { short_code: messages.badTarget }, input }, 400)
  return seeOther(c, `/orgs/${id}`, 'coded', () => orgPage(c, id, { notice: done.coded }))
})

orgTree.post('/:id/move', async (c) => {
  const id = orgId(c)
  const form = parseForm(targetForm, await c.req.parseBody())
  if (!form.ok) return orgPage(c, id, { errors: { move: form.errors.target } }, 400)
  let kinds = { node: '', target: '' }
  const failed = await restructure(
    c,
    id,
    async (tx, org) => {
      kinds = { node: org.kind, target: (await q.getOrg(tx, form.value.target))?.kind ?? '' }
      return q.move(tx, id, form.value.target)
    },
    'move',
    messages.badTarget,
    () => messages.moveKindRefused(kindLabel(kinds.node), kindLabel(kinds.target)),
  )
  return failed ?? seeOther(c, `/orgs/${id}`, 'moved', () => orgPage(c, id, { notice: done.moved }))
})

orgTree.post('/:id/merge', async (c) => {
  const id = orgId(c)
  const form = parseForm(mergeForm, await c.req.parseBody())
  if (!form.ok) return orgPage(c, id, { errors: { merge: form.errors.into } }, 400)
  const target = form.value.into
  if (target === id) return orgPage(c, id, { errors: { merge: messages.mergeSelf } }, 400)
  let moved = 0
  const failed = await restructure(
    c,
    id,
    async (tx) => {
      const allowed = (await q.mergeTargets(tx, id)).some((t) => t.id === target)
      if (!allowed) return false
      moved = await q.merge(tx, id, target)
      return true
    },
    'merge',
    messages.badMergeTarget,
  )
  return failed ?? seeOther(c, `/orgs/${target}`, 'merged', () => orgPage(c, target, { notice: messages.merged(moved) }))
})
