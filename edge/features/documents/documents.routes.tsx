import { Hono } from 'hono'
import type { AppEnv } from '../../kernel/http/context.ts'

/** The library: documents, news and videos a committee publishes to its subtree (being built: see issue 14). */
export const documents = new Hono<AppEnv>()
