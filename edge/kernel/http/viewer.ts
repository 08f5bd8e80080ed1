import { sessionOf, type AppContext } from './context.ts'

/** Who the page is for, as the layout needs it: name, CSRF token, and whether to show the managers' places. */
export function viewerOf(c: AppContext) {
  const session = sessionOf(c)
  return { name: session.name, csrf: c.get('csrf'), manages: !!session.mgr }
}
