// Supabase Edge Function "resident-members": the kernel and this one feature (edge/features.ts says where it is mounted).
import { residentMembers } from '../../../edge/features/resident-members/resident-members.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ residentMembers })
