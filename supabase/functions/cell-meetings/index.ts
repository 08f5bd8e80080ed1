// Supabase Edge Function "cell-meetings": the kernel and this one feature (edge/features.ts says where it is mounted).
import { cellMeetings } from '../../../edge/features/cell-meetings/cell-meetings.routes.tsx'
import { serveFeature } from '../../../edge/function.ts'

await serveFeature({ cellMeetings })
