/**
 * The registry of features, in mounting order: each feature's name (its Supabase Edge Function's
 * name too), the key of its router in `edge/app.ts`, where it is mounted, and for features mounted
 * at the root the first path segments they answer ('' is `/` itself). Light on purpose: the path
 * router (supabase/functions/router) reads it without loading any feature.
 */
export const FEATURES = [
  { name: 'auth', key: 'auth', mount: '/', segments: ['login', 'logout', 'account', 'activate'] },
  { name: 'home', key: 'home', mount: '/', segments: [''] },
  { name: 'org-tree', key: 'orgTree', mount: '/orgs' },
  { name: 'members', key: 'members', mount: '/members' },
  { name: 'cell-meetings', key: 'cellMeetings', mount: '/meetings' },
  { name: 'comments', key: 'comments', mount: '/comments' },
  { name: 'votes', key: 'votes', mount: '/votes' },
  { name: 'minutes', key: 'minutes', mount: '/minutes' },
  { name: 'materials', key: 'materials', mount: '/materials' },
  { name: 'notifications', key: 'notifications', mount: '/notifications' },
  { name: 'tasks', key: 'tasks', mount: '/tasks' },
  { name: 'reminders', key: 'reminders', mount: '/reminders' },
  { name: 'calendar', key: 'calendar', mount: '/calendar' },
  { name: 'reports', key: 'reports', mount: '/reports' },
  { name: 'evaluations', key: 'evaluations', mount: '/evaluations' },
  { name: 'transfers', key: 'transfers', mount: '/transfers' },
  { name: 'resident-members', key: 'residentMembers', mount: '/residents' },
  { name: 'documents', key: 'documents', mount: '/library' },
  { name: 'resolution-study', key: 'resolutionStudy', mount: '/study' },
  { name: 'exams', key: 'exams', mount: '/exams' },
] as const satisfies readonly { name: string; key: string; mount: string; segments?: readonly string[] }[]

export type Feature = (typeof FEATURES)[number]
export type FeatureName = Feature['name']
export type FeatureKey = Feature['key']

/** Which feature answers a path (the first segment decides), or undefined for a path no feature owns. */
export function featureOf(pathname: string): Feature | undefined {
  const first = pathname.split('/')[1] ?? ''
  return FEATURES.find((f) => (f.mount === '/' ? (f.segments as readonly string[]).includes(first) : f.mount === `/${first}`))
}
