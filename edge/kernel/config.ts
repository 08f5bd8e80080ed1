import * as z from 'zod'
import { parseRange, type IpRange } from './http/ip.ts'
import { parseAllowHost } from './push/endpoint.ts'

/** Hosts (`host` or `host:port`) a push endpoint may name although they are not public: tests and benchmarks only. */
const allowHosts = z
  .string()
  .default('')
  .transform((text, ctx): string[] => {
    const out: string[] = []
    for (const entry of text
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const host = parseAllowHost(entry)
      if (host) out.push(host)
      else ctx.addIssue({ code: 'custom', message: `"${entry}" is not host or host:port (IPv6 in brackets)` })
    }
    return out
  })

/** A comma list of addresses or CIDR ranges; every entry must parse. */
const ipRanges = z
  .string()
  .default('')
  .transform((text, ctx): IpRange[] => {
    const out: IpRange[] = []
    for (const entry of text
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const range = parseRange(entry)
      if (range) out.push(range)
      else ctx.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32)` })
    }
    return out
  })

/** Every environment variable the app reads, in one place (documented in README.md). */
const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.string().url().optional(),
  SUPABASE_DB_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  DEMO: z.enum(['auto', 'on', 'off']).default('auto'),
  DEMO_PASSWORD: z.string().min(8).optional(),
  COOKIE_SECURE: z.enum(['auto', 'on', 'off']).default('auto'),
  LOG_LEVEL: z.enum(['silent', 'info', 'debug']).default('info'),
  REALTIME: z.enum(['postgres', 'supabase']).default('postgres'),
  VAPID_PUBLIC_KEY: z.string().min(40).optional(),
  VAPID_PRIVATE_KEY: z.string().min(20).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'mailto: or https:// address')
    .optional(),
  REMINDERS: z.enum(['on', 'off']).default('on'),
  REMINDER_TIMES: z.string().default('-1@08:00,0@08:00'),
  REMINDERS_SECRET: z.string().min(24).optional(),
  TASK_BULK_THRESHOLD: z.coerce.number().int().min(1).default(20_000),
  TASK_BULK_CHUNK: z.coerce.number().int().min(1).max(100_000).default(5_000),
  STORAGE: z.enum(['database', 'folder', 'supabase']).default('database'),
  STORAGE_DIR: z.string().min(1).optional(),
  STORAGE_BUCKET: z
    .string()
    .regex(/^[a-z0-9-]{3,63}$/)
    .default('materials'),
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(20).optional(),
  TRUSTED_PROXIES: ipRanges,
  PUSH_ALLOW_HOSTS: allowHosts,
})

export type Config = z.infer<typeof schema> & { databaseUrl?: string }

export function readConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid configuration: ${issues}`)
  }
  return { ...parsed.data, databaseUrl: parsed.data.DATABASE_URL ?? parsed.data.SUPABASE_DB_URL }
}

/** Works on Node and Deno without touching `Deno` types at compile time. */
export function processEnv(): Record<string, string | undefined> {
  const deno = (globalThis as { Deno?: { env: { toObject(): Record<string, string> } } }).Deno
  return deno ? deno.env.toObject() : process.env
}
