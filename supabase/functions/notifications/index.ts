// Supabase Edge Function "notifications": the kernel and this one feature (edge/features.ts says where it is mounted).
import { notifications } from '../../../edge/features/notifications/notifications.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ notifications })
