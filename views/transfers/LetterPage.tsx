import { Layout, type Viewer } from '../layout/Layout.tsx'
import { formatDate, STATUS_LABELS as MEMBER_STATUS } from '../components/labels.ts'
import type { TransferPageView } from './TransferPage.tsx'

export interface LetterView extends TransferPageView {
  person_admitted_on: string | null
  person_official_on: string | null
  person_card_number: string | null
  person_hometown: string | null
}

const dots = (value: string | null | undefined) => value || '……………………'

/**
 * The introduction letter (giấy giới thiệu sinh hoạt đảng) in the layout of the official form:
 * the issuing committee and the letter's number at the left, the Party's name and the date at the
 * right, the title, the member's facts, the receiving organization, the validity, the signature,
 * and the receiving side's slip below. Printed on A4 by the shared print stylesheet (.document).
 */
/** The number as the committee wrote it ("25-GGT/ĐU"); a bare number gets the usual suffix ("25-GGT"). */
const letterNumber = (n: string | null) => (n && /ggt/i.test(n) ? n : `${n ?? ''}-GGT`)

export function LetterPage(props: { viewer: Viewer; letter: LetterView }) {
  const t = props.letter
  const [y, m, d] = (t.letter_date ?? '').split('-')
  const issuer = t.issuer_name ?? ''
  return (
    <Layout title={`Giấy giới thiệu số ${t.letter_number}`} viewer={props.viewer}>
      <p class="no-print">
        <a href={`/transfers/${t.id}`}>‹ Hồ sơ chuyển sinh hoạt</a> ·{' '}
        <button type="button" class="secondary" data-print>
          In
        </button>
      </p>
      <article class="document letter">
        <header class="letterhead">
          <div>
            <p>
              <strong>{issuer.toUpperCase()}</strong>
            </p>
            <p>*</p>
            <p>Số {letterNumber(t.letter_number)}</p>
          </div>
          <div>
            <p>
              <strong>ĐẢNG CỘNG SẢN VIỆT NAM</strong>
            </p>
            <p>
              <em>
                ngày {d} tháng {m} năm {y}
              </em>
            </p>
          </div>
        </header>
        <h1 class="letter-title">
          GIẤY GIỚI THIỆU
          <br />
          SINH HOẠT ĐẢNG {t.kind === 'temporary' ? 'TẠM THỜI' : 'CHÍNH THỨC'}
        </h1>
        <div class="agenda">
          <p>{issuer} giới thiệu đồng chí:</p>
          <p>
            Họ và tên: <strong>{t.person_name}</strong>. Sinh ngày: {dots(formatDate(t.person_birth_date))}.
          </p>
          <p>Quê quán: {dots(t.person_hometown)}.</p>
          <p>
            Là đảng viên {t.person_status ? MEMBER_STATUS[t.person_status].toLowerCase() : '……'}; vào Đảng ngày {dots(formatDate(t.person_admitted_on))}
            {t.person_official_on && `, chính thức ngày ${formatDate(t.person_official_on)}`}. Số thẻ đảng viên: {dots(t.person_card_number)}.
          </p>
          <p>Hiện sinh hoạt tại: {t.from_name}.</p>
          <p>Đã đóng đảng phí đến hết tháng {dots(t.fee_paid_through ? formatDate(t.fee_paid_through).slice(3) : null)}.</p>
          <p>
            Được chuyển đến sinh hoạt đảng tại: <strong>{t.to_name}</strong>
            {t.kind === 'temporary' && ` từ ngày ${formatDate(t.starts_on)} đến ngày ${formatDate(t.ends_on)}`}.
          </p>
          <p>Đề nghị {t.to_name} tiếp nhận và quản lý đảng viên theo Điều lệ Đảng.</p>
          {t.deadline && <p>Giấy này có giá trị đến hết ngày {formatDate(t.deadline)}.</p>}
        </div>
        <footer class="signatures">
          <div />
          <div>
            <p>
              <strong>T/M {issuer.toUpperCase()}</strong>
            </p>
            <p class="signed" />
          </div>
        </footer>
        <hr />
        <section class="agenda">
          <p>
            <strong>Phần tiếp nhận</strong> (bên nhận ghi, gửi lại cấp ủy cấp giấy):
          </p>
          <p>
            {t.to_name} đã tiếp nhận đồng chí {t.person_name} ngày …… tháng …… năm …….
          </p>
        </section>
      </article>
    </Layout>
  )
}
