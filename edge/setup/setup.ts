import * as z from 'zod'
import { activationCodeHash, formatActivationCode, newActivationCode } from '../kernel/auth/activation.ts'
import type { Runtime } from '../kernel/boot.ts'
import { pathLabel } from '../kernel/http/text.ts'
import { field, parseForm, type FieldErrors } from '../kernel/http/validation.ts'

/**
 * The first start of a real deployment (npm run setup): the root organization and the first
 * administrator, who activates his/her account with a one-time code, as members do from their
 * slips. Everything else (the tree below, members, their slips) is then done in the app.
 */

/** Kinds a deployment's root can be, with the words the prompt shows. */
export const ROOT_KINDS = {
  province_committee: 'Đảng bộ tỉnh / thành phố',
  commune_committee: 'Đảng bộ xã / phường / đặc khu',
  grassroots_committee: 'Đảng bộ cơ sở',
  grassroots_cell: 'Chi bộ cơ sở',
} as const
type RootKind = keyof typeof ROOT_KINDS

const CODE_DAYS = 7

export const messages = {
  done: 'Đã thiết lập.',
  alreadySetUp: (what: string) =>
    `Cơ sở dữ liệu này đã được thiết lập (${what}). Lệnh setup chỉ chạy một lần, trên cơ sở dữ liệu trống; muốn bắt đầu lại, dùng một thư mục dữ liệu (DATA_DIR) hoặc một cơ sở dữ liệu (DATABASE_URL) mới.`,
  kind: `Loại tổ chức: chọn một trong ${Object.keys(ROOT_KINDS).join(', ')}.`,
  code: 'Mã tổ chức: chỉ gồm chữ không dấu, số và dấu . - _ (tối đa 30 ký tự).',
  phone: 'Số điện thoại của quản trị viên: bắt buộc nhập.',
}

export const setupForm = z.object({
  org_name: field.text('Tên tổ chức đảng', 200),
  org_kind: z.enum(Object.keys(ROOT_KINDS) as [RootKind, ...RootKind[]], { error: messages.kind }),
  org_code: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,30}$/, messages.code)
      .optional(),
  ),
  admin_name: field.text('Họ và tên quản trị viên', 120),
  admin_phone: field.phone('Số điện thoại của quản trị viên').refine((v) => v !== undefined, messages.phone),
})
export type SetupInput = z.infer<typeof setupForm>

export type SetupOutcome =
  | { ok: true; login: string; code: string; expiresOn: string; orgName: string }
  | { ok: false; errors: FieldErrors }
  | { ok: false; already: string }

/** What already makes this database a deployment: organizations (the demo's or a real one's) or an administrator. */
async function existing(runtime: Runtime): Promise<string | undefined> {
  return runtime.data.asSystem('setup: is the database empty', async (tx) => {
    const [row] = await tx.query<{ orgs: number; admins: number }>(
      `select (select count(*)::int from public.organizations) as orgs, (select count(*)::int from public.accounts where is_admin) as admins`,
    )
    if (row.orgs) return `${row.orgs} tổ chức đảng`
    if (row.admins) return 'đã có quản trị viên'
    return undefined
  })
}

/** Validates, then makes the root and the administrator in one transaction, once per database. */
export async function setUpDeployment(runtime: Runtime, input: Record<string, unknown>): Promise<SetupOutcome> {
  const form = parseForm(setupForm, input)
  if (!form.ok) return { ok: false, errors: form.errors }
  const before = await existing(runtime)
  if (before) return { ok: false, already: messages.alreadySetUp(before) }
  const code = newActivationCode()
  const codeHash = await activationCodeHash(runtime.signer, code)
  const v = form.value
  // the system path: there is no user yet; the advisory lock makes two setups at once one
  const made = await runtime.data.asSystem('setup: the root organization and the first administrator of an empty database', async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('sotay.setup'))`)
    const [{ taken }] = await tx.query<{ taken: boolean }>(
      `select exists (select 1 from public.organizations) or exists (select 1 from public.accounts where is_admin) as taken`,
    )
    if (taken) return undefined
    const orgId = crypto.randomUUID()
    await tx.query(`insert into public.organizations (id, parent_id, code, name, kind, short_code) values ($1, null, $2, $3, $4, $5)`, [
      orgId,
      pathLabel(v.org_name),
      v.org_name,
      v.org_kind,
      v.org_code ?? null,
    ])
    const [user] = await tx.query<{ id: string }>(`insert into auth.users (phone) values (null) returning id`)
    await tx.query(`insert into public.accounts (user_id, member_id, is_admin, display_name) values ($1, null, true, $2)`, [user.id, v.admin_name])
    await tx.query(`insert into app.credentials (user_id, login_phone, password_hash, must_change_password) values ($1, $2, null, false)`, [
      user.id,
      v.admin_phone,
    ])
    const [{ expires_on }] = await tx.query<{ expires_on: string }>(
      `insert into app.activation_codes (user_id, code_hash, expires_at) values ($1, $2, now() + make_interval(days => $3))
       returning to_char(expires_at at time zone 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY') as expires_on`,
      [user.id, codeHash, CODE_DAYS],
    )
    await tx.query(
      `insert into public.audit_log (actor_name, action, entity, entity_id, org_id, details)
       values ('npm run setup', 'deployment.setup', 'organization', $1, $1, jsonb_build_object('administrator', $2::text, 'login', 'phone'))`,
      [orgId, v.admin_name],
    )
    return expires_on
  })
  if (!made) return { ok: false, already: messages.alreadySetUp('vừa được thiết lập') }
  return { ok: true, login: v.admin_phone!, code: formatActivationCode(code), expiresOn: made, orgName: v.org_name }
}

/** Whether the database still waits for npm run setup (DEMO=off on an empty database). */
export async function needsSetup(runtime: Runtime): Promise<boolean> {
  return (await existing(runtime)) === undefined
}
