// Supabase Edge Function "comments": the kernel and this one feature (edge/features.ts says where it is mounted).
import { comments } from '../../../edge/features/comments/comments.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ comments })
