import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'

/** Question banks and timed exams (being built: see issue 14). */
export const exams = new Hono<AppEnv>()
