/** A small deterministic generator of realistic Vietnamese demo data (no real persons). */
export function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh', 'Trịnh']
const MIDDLE = {
  male: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh', 'Công', 'Xuân', 'Đình'],
  female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Kim', 'Thị Thu', 'Bích'],
}
const GIVEN = {
  male: ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Khánh', 'Long', 'Nam', 'Phong', 'Quang', 'Sơn', 'Thắng', 'Tuấn', 'Việt', 'Đạt', 'Hiếu', 'Lâm'],
  female: ['Anh', 'Hà', 'Hằng', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Ngọc', 'Nhung', 'Phương', 'Thảo', 'Trang', 'Yến', 'Huệ', 'Oanh'],
}
const EDUCATION = ['Đại học', 'Thạc sĩ', 'Cao đẳng', 'Trung cấp', '12/12', 'Tiến sĩ']
const THEORY = ['Sơ cấp', 'Trung cấp', 'Cao cấp', 'Cử nhân']
const OCCUPATION = ['Cán bộ, công chức', 'Viên chức', 'Giáo viên', 'Bác sĩ', 'Hưu trí', 'Kinh doanh', 'Công nhân', 'Nông dân', 'Kỹ sư']
export const WARDS = [
  'Minh Khai',
  'Quang Trung',
  'Trần Phú',
  'Lê Lợi',
  'Hoàng Văn Thụ',
  'Nguyễn Trãi',
  'Bạch Đằng',
  'Hùng Vương',
  'Thống Nhất',
  'Hòa Bình',
  'Tân An',
  'Đông Hải',
  'Phú Lợi',
  'An Bình',
  'Thanh Sơn',
  'Hồng Hà',
]
export const AGENCIES = [
  'Sở Tài chính',
  'Sở Y tế',
  'Trường THPT Chuyên',
  'Bệnh viện Đa khoa',
  'Công an thành phố',
  'Ban Quản lý dự án',
  'Điện lực',
  'Kho bạc Nhà nước',
  'Chi cục Thuế',
  'Trung tâm Văn hóa',
]

export function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]
}

function isoDate(year: number, rand: () => number): string {
  const month = 1 + Math.floor(rand() * 12)
  const day = 1 + Math.floor(rand() * 28)
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

export interface DemoMember {
  id: string
  org_id: string
  full_name: string
  birth_date: string
  gender: 'male' | 'female'
  ethnicity: string
  religion: string
  hometown: string
  phone: string
  card_number: string
  citizen_id: string
  admitted_on: string
  official_on: string | null
  status: 'probationary' | 'official'
  education: string
  theory_level: string
  occupation: string
  exempt: boolean
  exempt_reason: string | null
}

/** One member; `n` makes phone, card and citizen id unique across the whole seed. */
export function demoMember(rand: () => number, n: number, orgId: string): DemoMember {
  const gender = rand() < 0.45 ? 'female' : 'male'
  const birthYear = 1945 + Math.floor(rand() * 60)
  const admittedYear = Math.min(2025, birthYear + 19 + Math.floor(rand() * 25))
  const probationary = admittedYear >= 2025 || rand() < 0.04
  const age = 2026 - birthYear
  const exempt = age >= 75 && rand() < 0.5
  return {
    id: crypto.randomUUID(),
    org_id: orgId,
    full_name: `${pick(rand, FAMILY)} ${pick(rand, MIDDLE[gender])} ${pick(rand, GIVEN[gender])}`,
    birth_date: isoDate(birthYear, rand),
    gender,
    ethnicity: rand() < 0.92 ? 'Kinh' : pick(rand, ['Tày', 'Mường', 'Thái', 'Khmer', 'Hoa']),
    religion: rand() < 0.9 ? 'Không' : pick(rand, ['Phật giáo', 'Công giáo']),
    hometown: `${pick(rand, WARDS)}, Nam Sơn`,
    phone: `09${String(20_000_000 + n).padStart(8, '0')}`,
    card_number: String(10_000_000 + n),
    citizen_id: `0${String(36_000_000_000 + n).padStart(11, '0')}`,
    admitted_on: isoDate(admittedYear, rand),
    official_on: probationary ? null : isoDate(admittedYear + 1, rand),
    status: probationary ? 'probationary' : 'official',
    education: pick(rand, EDUCATION),
    theory_level: pick(rand, THEORY),
    occupation: age >= 62 ? 'Hưu trí' : pick(rand, OCCUPATION),
    exempt,
    exempt_reason: exempt ? 'Tuổi cao, sức yếu' : null,
  }
}
