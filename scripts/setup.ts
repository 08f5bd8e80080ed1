import { createInterface } from 'node:readline/promises'
import { boot } from '../edge/kernel/boot.ts'
import { processEnv } from '../edge/kernel/config.ts'
import { ROOT_KINDS, setUpDeployment } from '../edge/setup/setup.ts'

/**
 * npm run setup [-- --org-name "…" --org-kind province_committee --org-code TP --admin-name "…" --admin-phone 09…]
 * (under Deno: deno task setup). Asks for what the flags leave out when run in a terminal.
 * The database is the one npm start uses (DATA_DIR, or DATABASE_URL), migrated first.
 */
const FIELDS = [
  ['org_name', '--org-name', 'Tên tổ chức đảng gốc (ví dụ: Đảng bộ thành phố Hải Phòng)'],
  [
    'org_kind',
    '--org-kind',
    `Loại tổ chức: ${Object.entries(ROOT_KINDS)
      .map(([k, label], i) => `${i + 1}) ${label} (${k})`)
      .join(', ')}`,
  ],
  ['org_code', '--org-code', 'Mã tổ chức (để trống nếu chưa có)'],
  ['admin_name', '--admin-name', 'Họ và tên quản trị viên'],
  ['admin_phone', '--admin-phone', 'Số điện thoại quản trị viên (dùng để đăng nhập)'],
] as const

const args = process.argv.slice(2)
const input: Record<string, string> = {}
for (const [key, flag] of FIELDS) {
  const at = args.indexOf(flag)
  if (at >= 0) input[key] = args[at + 1] ?? ''
}
const missing = FIELDS.filter(([key]) => input[key] === undefined)
if (missing.length && !process.stdin.isTTY) {
  // the code is optional: a script that leaves it out means "none yet"
  const required = missing.filter(([key]) => key !== 'org_code')
  if (required.length) {
    console.error(`Thiếu: ${required.map(([, flag]) => flag).join(', ')} (không có bàn phím để hỏi).`)
    process.exit(2)
  }
} else if (missing.length) {
  const ask = createInterface({ input: process.stdin, output: process.stdout })
  for (const [key, , prompt] of missing) input[key] = await ask.question(`${prompt}: `)
  ask.close()
}
// a number from the prompt's list stands for its kind
const kinds = Object.keys(ROOT_KINDS)
if (/^[1-9]$/.test(input.org_kind ?? '')) input.org_kind = kinds[Number(input.org_kind) - 1] ?? input.org_kind

const runtime = await boot({ ...processEnv(), DEMO: 'off' })
try {
  const outcome = await setUpDeployment(runtime, input)
  if (!outcome.ok && 'already' in outcome) {
    console.error(outcome.already)
    process.exitCode = 1
  } else if (!outcome.ok) {
    console.error(Object.values(outcome.errors).join('\n'))
    process.exitCode = 2
  } else {
    console.log(`Đã tạo ${outcome.orgName} và tài khoản quản trị.
Người quản trị mở /activate trên trang của hệ thống và nhập:
  Số điện thoại:   ${outcome.login}
  Mã kích hoạt:    ${outcome.code}   (dùng một lần, hết hạn ngày ${outcome.expiresOn})
rồi tự đặt mật khẩu. Sau đó: nhập cây tổ chức và danh sách đảng viên, in phiếu kích hoạt cho đảng viên.
Khởi động máy chủ với DEMO=off (npm start).`)
  }
} finally {
  await runtime.close()
}
