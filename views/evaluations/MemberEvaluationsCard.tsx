import { BAND_LABELS, type Band, type Step } from '../../edge/features/evaluations/evaluations.forms.ts'
import type { HistoryRow } from '../../edge/features/evaluations/evaluations.queries.ts'
import { History } from './EvaluationPage.tsx'
import { standing } from './EvaluationsPage.tsx'

export interface MemberEvaluation {
  id: string
  period_title: string
  step: Step
  decision_band: Band | null
  moves: HistoryRow[]
}

/** The member profile's card (drawn there by URL): each period's result, and every step as history. */
export function MemberEvaluationsCard(props: { evaluations: MemberEvaluation[] }) {
  return (
    <section class="card" id="member-evaluations" aria-labelledby="member-evaluations-h">
      <h2 id="member-evaluations-h">Đánh giá, xếp loại</h2>
      {props.evaluations.length === 0 ? (
        <p class="muted">Chưa có thông tin.</p>
      ) : (
        props.evaluations.map((e) => (
          <details open={e === props.evaluations[0]}>
            <summary>
              {e.period_title}: {e.step === 'decided' && e.decision_band ? BAND_LABELS[e.decision_band] : standing(e)}
            </summary>
            <p>
              <a href={`/evaluations/${e.id}`}>Xem chi tiết</a>
            </p>
            <History moves={e.moves} />
          </details>
        ))
      )}
    </section>
  )
}
