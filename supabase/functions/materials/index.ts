// Supabase Edge Function "materials": the kernel and this one feature (edge/features.ts says where it is mounted).
import { materials } from '../../../edge/features/materials/materials.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ materials })
