// Supabase Edge Function "votes": the kernel and this one feature (edge/features.ts says where it is mounted).
import { votes } from '../../../edge/features/votes/votes.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ votes })
