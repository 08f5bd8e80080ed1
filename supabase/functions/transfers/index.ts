// Supabase Edge Function "transfers": the kernel and this one feature (edge/features.ts says where it is mounted).
import { transfers } from '../../../edge/features/transfers/transfers.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ transfers })
