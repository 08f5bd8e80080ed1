// Supabase Edge Function "members": the kernel and this one feature (edge/features.ts says where it is mounted).
import { members } from '../../../edge/features/members/members.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ members })
