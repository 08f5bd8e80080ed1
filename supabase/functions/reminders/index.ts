// Supabase Edge Function "reminders": the kernel and this one feature (edge/features.ts says where it is mounted).
import { reminders } from '../../../edge/features/reminders/reminders.routes.ts'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ reminders })
