import { demoMember, prng } from '../edge/demo/names.ts'

/**
 * A city office's own spreadsheets, as the rollout meets them: an organization list (ward
 * committees and their cells, parents named, short codes) and a member list whose "Tổ chức
 * đảng" column names the organization (by code, or "phường › chi bộ" where cell names repeat
 * from ward to ward), with shared family phones and a "Đã đăng ký" column from the system the
 * city used before. Deterministic for a seed; used by the rollout test and `npm run bench`.
 */
const WARD_NAMES = [
  'Hạ Long',
  'Cẩm Phả',
  'Bãi Cháy',
  'Hồng Gai',
  'Hà Tu',
  'Hà Khánh',
  'Cao Xanh',
  'Giếng Đáy',
  'Hùng Thắng',
  'Tuần Châu',
  'Việt Hưng',
  'Đại Yên',
]

export interface CityFiles {
  orgsCsv: string
  membersCsv: string
  /** organizations in the file (committees and cells) */
  orgCount: number
  /** rows marked "Đã đăng ký" */
  registeredRows: number
  /** rows whose phone another row already has */
  sharedPhones: number
}

export function cityFiles(options: { city: string; wards: number; cellsPerWard: number; members: number; seed?: number; firstNumber?: number }): CityFiles {
  const { city, wards, cellsPerWard, members } = options
  const rand = prng(options.seed ?? 11)
  const orgRows = ['Tên tổ chức,Loại,Trực thuộc,Mã']
  const cells: { code: string; named: string }[] = []
  for (let w = 0; w < wards; w++) {
    const ward = `Đảng bộ phường ${WARD_NAMES[w % WARD_NAMES.length]}${w >= WARD_NAMES.length ? ` ${Math.floor(w / WARD_NAMES.length) + 1}` : ''}`
    const wardCode = `RP${w + 1}`
    orgRows.push(`${ward},Đảng bộ cơ sở,${city},${wardCode}`)
    for (let c = 0; c < cellsPerWard; c++) {
      const cell = `Chi bộ khu phố ${c + 1}`
      // half the cells name their parent, half give its code: offices mix both
      orgRows.push(`${cell},Chi bộ,${c % 2 ? ward : wardCode},${wardCode}-${c + 1}`)
      cells.push({ code: `${wardCode}-${c + 1}`, named: `${ward} › ${cell}` })
    }
  }
  const dmy = (iso: string | null) => (iso ? iso.split('-').reverse().join('/') : '')
  const memberRows = ['Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Điện thoại,Ngày vào Đảng,Ngày chính thức,Quê quán,Tổ chức đảng,Đã đăng ký']
  let registeredRows = 0
  let sharedPhones = 0
  let previousPhone = ''
  for (let i = 0; i < members; i++) {
    const m = demoMember(rand, (options.firstNumber ?? 700_000) + i, '')
    const cell = cells[i % cells.length]
    const registered = rand() < 0.3
    const shared = previousPhone && rand() < 0.01
    if (registered) registeredRows++
    if (shared) sharedPhones++
    const phone = shared ? previousPhone : m.phone
    previousPhone = phone
    memberRows.push(
      [
        m.full_name,
        dmy(m.birth_date),
        m.gender === 'male' ? 'Nam' : 'Nữ',
        m.card_number,
        phone,
        dmy(m.admitted_on),
        dmy(m.official_on),
        `"${m.hometown}"`,
        i % 3 === 0 ? cell.code : cell.named,
        registered ? 'x' : '',
      ].join(','),
    )
  }
  return { orgsCsv: orgRows.join('\n'), membersCsv: memberRows.join('\n'), orgCount: orgRows.length - 1, registeredRows, sharedPhones }
}

/**
 * The same city as its office exports it, for a deployment that starts from nothing: the
 * organization list and the member list under a title block, with an STT column; cells named
 * as residential cells are ("Chi bộ tổ dân phố số 1" in every ward) and placed by the ward row
 * above them; members with the cell and its grassroots committee in columns of their own, and a
 * quarter of the phones without their leading 0, as Excel leaves them.
 */
export function officeCityFiles(options: { province: string; city: string; wards: number; cellsPerWard: number; members: number; seed?: number }): CityFiles {
  const { province, city, wards, cellsPerWard, members } = options
  const rand = prng(options.seed ?? 13)
  const orgRows = [`${province.toUpperCase()},,,,`, `DANH SÁCH TỔ CHỨC ĐẢNG TRỰC THUỘC ${city.toUpperCase()},,,,`, ',,,,', 'STT,Tên tổ chức,Loại,Trực thuộc,Mã']
  const row = (...cells: string[]) => orgRows.push([orgRows.length - 3, ...cells].join(','))
  row(city, 'Đảng bộ xã/phường/đặc khu', province, '')
  const cells: { cell: string; ward: string }[] = []
  for (let w = 0; w < wards; w++) {
    const ward = `Đảng bộ phường ${WARD_NAMES[w % WARD_NAMES.length]}${w >= WARD_NAMES.length ? ` ${Math.floor(w / WARD_NAMES.length) + 1}` : ''}`
    row(ward, 'Đảng bộ cơ sở', city, '')
    for (let c = 0; c < cellsPerWard; c++) {
      const cell = `Chi bộ tổ dân phố số ${c + 1}`
      row(cell, 'Chi bộ', ward, '')
      cells.push({ cell, ward })
    }
  }
  const dmy = (iso: string | null) => (iso ? iso.split('-').reverse().join('/') : '')
  const header = 'STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Điện thoại,Ngày vào Đảng,Ngày chính thức,Chi bộ,Đảng bộ cơ sở,Đã đăng ký'
  const memberRows = [`${city.toUpperCase()}${','.repeat(10)}`, `DANH SÁCH ĐẢNG VIÊN${','.repeat(10)}`, ','.repeat(10), header]
  let registeredRows = 0
  for (let i = 0; i < members; i++) {
    const m = demoMember(rand, 900_000 + i, '')
    const at = cells[i % cells.length]
    const registered = rand() < 0.804
    if (registered) registeredRows++
    memberRows.push(
      [
        i + 1,
        m.full_name,
        dmy(m.birth_date),
        m.gender === 'male' ? 'Nam' : 'Nữ',
        m.card_number,
        i % 4 === 1 ? m.phone.slice(1) : m.phone,
        dmy(m.admitted_on),
        dmy(m.official_on),
        at.cell,
        at.ward,
        registered ? 'x' : '',
      ].join(','),
    )
  }
  return { orgsCsv: orgRows.join('\r\n'), membersCsv: memberRows.join('\r\n'), orgCount: orgRows.length - 4, registeredRows, sharedPhones: 0 }
}
