import type { Context } from 'hono'
import { notFound } from './errors.tsx'
import { isUuid } from './validation.ts'

/** A uuid path parameter; anything else is a 404, exactly like an id that does not exist. */
export function uuidParam(c: Context, name: string): string {
  const id = c.req.param(name)
  if (!isUuid(id)) notFound()
  return id
}
