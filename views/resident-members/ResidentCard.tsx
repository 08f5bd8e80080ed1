import { formatDate } from '../components/labels.ts'
import { messages as m } from '../../edge/features/resident-members/resident-members.forms.ts'

export interface CardRegistration {
  id: string
  org_id: string | null
  cell_name: string | null
  status: string
  address: string | null
  exemption: string | null
  exemption_note: string | null
  refusal_reason: string | null
  end_reason: string | null
  created_on: string
  started_on: string | null
  ended_on: string | null
  residence_side: boolean
  working_side: boolean
}

export interface CardComment {
  year: number
  assessment: string
  body: string
  written_on: string
  cell_name: string | null
}

export interface CardView {
  memberId: string
  name: string
  workingSide: boolean
  registration?: CardRegistration
  comment?: CardComment
  /** the year asked for (an evaluation step); otherwise the latest comment is shown */
  year?: number
}

const OPEN = ['pending', 'confirmed', 'exempt']

/** A registration's state in one line: status and its date. */
export function StatusLine(props: { r: CardRegistration }) {
  const r = props.r
  const when =
    r.status === 'ended' ? r.ended_on : r.status === 'confirmed' || r.status === 'exempt' ? r.started_on : r.status === 'pending' ? r.created_on : null
  return (
    <>
      {m.status[r.status]}
      {when && ` ${m.since} ${formatDate(when)}`}
    </>
  )
}

/**
 * The member's residence card, drawn into the member profile and the working cell's evaluation
 * step by URL: the registration (or exemption) and the latest yearly comment the viewer may see.
 */
export function ResidentCard(props: { card: CardView }) {
  const { registration: r, comment, memberId } = props.card
  const open = r && OPEN.includes(r.status)
  return (
    <section class="card" id="resident-card" aria-labelledby="resident-card-h">
      <h2 id="resident-card-h">{m.cardTitle}</h2>
      {!r ? (
        <p class="muted">{m.none}</p>
      ) : (
        <dl class="profile">
          {r.exemption ? (
            <>
              <dt>{m.labels.exemption}</dt>
              <dd>
                {m.exemptions[r.exemption]}
                {r.exemption_note && ` (${r.exemption_note})`}
              </dd>
            </>
          ) : (
            <>
              <dt>{m.labels.cell}</dt>
              <dd>{r.cell_name}</dd>
            </>
          )}
          {r.address && (
            <>
              <dt>{m.labels.address}</dt>
              <dd>{r.address}</dd>
            </>
          )}
          <dt>{m.labels.status}</dt>
          <dd>
            <StatusLine r={r} />
          </dd>
          {r.status === 'refused' && (
            <>
              <dt>{m.labels.refusal}</dt>
              <dd>{r.refusal_reason}</dd>
            </>
          )}
          {r.status === 'ended' && r.end_reason && (
            <>
              <dt>{m.labels.endReason}</dt>
              <dd>{r.end_reason}</dd>
            </>
          )}
        </dl>
      )}
      {comment ? (
        <div class="block">
          <h3>
            {m.commentOfYear} {comment.year}: <strong>{m.assessments[comment.assessment]}</strong>
          </h3>
          <p class="agenda">{comment.body}</p>
          <p>
            <small class="muted">
              {comment.cell_name} · {formatDate(comment.written_on)}
            </small>
          </p>
        </div>
      ) : (
        (r?.status === 'confirmed' || props.card.year) && <p class="muted">{props.card.year ? `${m.noCommentOfYear} ${props.card.year}.` : m.noComment}</p>
      )}
      <p class="actions">
        {props.card.workingSide && !open && <a href={`/residents/register?member_id=${memberId}`}>{m.actions.register}</a>}
        {r?.residence_side && r.status === 'pending' && <a href={`/residents/cells/${r.org_id}?view=pending`}>{m.actions.decide}</a>}
        {r?.residence_side && r.status === 'confirmed' && <a href={`/residents/registrations/${r.id}/comment`}>{m.actions.comment}</a>}
        {(props.card.workingSide || r?.residence_side) && <a href="/residents">{m.actions.more}</a>}
      </p>
    </section>
  )
}
