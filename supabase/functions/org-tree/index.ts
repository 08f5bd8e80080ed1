// Supabase Edge Function "org-tree": the kernel and this one feature (edge/features.ts says where it is mounted).
import { orgTree } from '../../../edge/features/org-tree/org-tree.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ orgTree })
