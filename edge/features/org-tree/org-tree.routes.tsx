import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'

export const orgTree = new Hono<AppEnv>()
