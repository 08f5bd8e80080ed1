// Supabase Edge Function "documents": the kernel and this one feature (edge/features.ts says where it is mounted).
import { documents } from '../../../edge/features/documents/documents.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ documents })
