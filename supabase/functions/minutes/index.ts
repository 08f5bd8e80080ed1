// Supabase Edge Function "minutes": the kernel and this one feature (edge/features.ts says where it is mounted).
import { minutes } from '../../../edge/features/minutes/minutes.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ minutes })
