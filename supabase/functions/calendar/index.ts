// Supabase Edge Function "calendar": the kernel and this one feature (edge/features.ts says where it is mounted).
import { calendar } from '../../../edge/features/calendar/calendar.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ calendar })
