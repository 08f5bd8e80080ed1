// Supabase Edge Function "home": the kernel and this one feature (edge/features.ts says where it is mounted).
import { home } from '../../../edge/features/home/home.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ home })
