// Supabase Edge Function "exams": the kernel and this one feature (edge/features.ts says where it is mounted).
import { exams } from '../../../edge/features/exams/exams.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ exams })
