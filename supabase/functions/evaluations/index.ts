// Supabase Edge Function "evaluations": the kernel and this one feature (edge/features.ts says where it is mounted).
import { evaluations } from '../../../edge/features/evaluations/evaluations.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ evaluations })
