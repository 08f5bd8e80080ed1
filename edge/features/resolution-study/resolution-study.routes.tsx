import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'

/** Resolution study campaigns: studied, reflections, quizzes (being built: see issue 14). */
export const resolutionStudy = new Hono<AppEnv>()
