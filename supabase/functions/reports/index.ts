// Supabase Edge Function "reports": the kernel and this one feature (edge/features.ts says where it is mounted).
import { reports } from '../../../edge/features/reports/reports.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ reports })
