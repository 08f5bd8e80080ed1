// Supabase Edge Function "auth": the kernel and this one feature (edge/features.ts says where it is mounted).
import { auth } from '../../../edge/features/auth/auth.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ auth })
