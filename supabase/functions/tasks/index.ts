// Supabase Edge Function "tasks": the kernel and this one feature (edge/features.ts says where it is mounted).
import { tasks } from '../../../edge/features/tasks/tasks.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ tasks })
