import { compose, type AppRuntime, type Routers } from './compose.ts'
import { FEATURES, type FeatureName } from './features.ts'
import { auth } from './features/auth/auth.routes.tsx'
import { home } from './features/home/home.routes.tsx'
import { orgTree } from './features/org-tree/org-tree.routes.tsx'
import { members } from './features/members/members.routes.tsx'
import { reports } from './features/reports/reports.routes.tsx'
import { cellMeetings } from './features/cell-meetings/cell-meetings.routes.tsx'
import { comments } from './features/comments/comments.routes.tsx'
import { votes } from './features/votes/votes.routes.tsx'
import { minutes } from './features/minutes/minutes.routes.tsx'
import { materials } from './features/materials/materials.routes.tsx'
import { notifications } from './features/notifications/notifications.routes.tsx'
import { tasks } from './features/tasks/tasks.routes.tsx'
import { reminders } from './features/reminders/reminders.routes.ts'
import { calendar } from './features/calendar/calendar.routes.tsx'
import { evaluations } from './features/evaluations/evaluations.routes.tsx'
import { transfers } from './features/transfers/transfers.routes.tsx'
import { residentMembers } from './features/resident-members/resident-members.routes.tsx'
import { documents } from './features/documents/documents.routes.tsx'
import { resolutionStudy } from './features/resolution-study/resolution-study.routes.tsx'
import { exams } from './features/exams/exams.routes.tsx'

/**
 * Every feature's router, by its key in the registry (edge/features.ts says where each is mounted
 * and in which order). A Supabase Edge Function per feature imports only its own router
 * (supabase/functions/<name>/index.ts), so that its bundle holds no other feature.
 */
const ROUTERS: Routers = {
  auth,
  home,
  orgTree,
  members,
  cellMeetings,
  comments,
  votes,
  minutes,
  materials,
  notifications,
  tasks,
  reminders,
  calendar,
  reports,
  evaluations,
  transfers,
  residentMembers,
  documents,
  resolutionStudy,
  exams,
}

/** The whole app: kernel middleware, then every feature at its mount. */
export function createApp(runtime: AppRuntime) {
  return compose(runtime, ROUTERS)
}

/** One feature alone (with the kernel and static files): what its edge function serves. */
export function createFeatureApp(runtime: AppRuntime, name: FeatureName) {
  const feature = FEATURES.find((f) => f.name === name)
  if (!feature) throw new Error(`no feature named ${name}`)
  return compose(runtime, { [feature.key]: ROUTERS[feature.key] })
}

export type App = ReturnType<typeof createApp>
