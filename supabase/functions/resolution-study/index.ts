// Supabase Edge Function "resolution-study": the kernel and this one feature (edge/features.ts says where it is mounted).
import { resolutionStudy } from '../../../edge/features/resolution-study/resolution-study.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ resolutionStudy })
