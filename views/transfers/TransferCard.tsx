import { EmptyState } from '../components/Field.tsx'
import { formatDate } from '../components/labels.ts'
import { KIND_LABELS, statusLabel } from './labels.ts'
import type { TransferRowView } from './TransfersPage.tsx'

/** The member profile's card (drawn by URL): the member's transfers, and a way to start one. */
export function TransferCard(props: { memberId: string; rows: TransferRowView[]; canStart: boolean; self: boolean }) {
  return (
    <section class="card" id="transfers-card">
      <h2>Chuyển sinh hoạt đảng</h2>
      {props.rows.length === 0 ? (
        <p class="muted">Chưa có lần chuyển sinh hoạt nào.</p>
      ) : (
        <ul>
          {props.rows.map((t) => (
            <li>
              <a href={`/transfers/${t.id}`}>
                {KIND_LABELS[t.kind]}: {t.from_name} → {t.to_name}
              </a>
              <br />
              <small>
                {statusLabel(t)}
                {t.letter_number && ` · giấy số ${t.letter_number} ngày ${formatDate(t.letter_date)}`}
                {t.kind === 'temporary' && t.starts_on && ` · ${formatDate(t.starts_on)}–${formatDate(t.ends_on)}`}
              </small>
            </li>
          ))}
        </ul>
      )}
      {props.canStart && (
        <p class="actions">
          <a class="button" href={`/transfers/new?member=${props.memberId}`}>
            {props.self ? 'Đề nghị chuyển sinh hoạt' : 'Làm thủ tục chuyển sinh hoạt'}
          </a>
          {!props.self && (
            <>
              {' '}
              <a href="/transfers">Sổ chuyển sinh hoạt</a>
            </>
          )}
        </p>
      )}
    </section>
  )
}

export function NoTransferCard() {
  return (
    <section class="card" id="transfers-card">
      <h2>Chuyển sinh hoạt đảng</h2>
      <EmptyState title="Không có thông tin." />
    </section>
  )
}
