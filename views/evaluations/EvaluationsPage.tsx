import { Layout, type Viewer } from '../layout/Layout.tsx'
import { EmptyState, Flash } from '../components/Field.tsx'
import { formatDate } from '../components/labels.ts'
import { BAND_LABELS, STEP_LABELS, STEPS, type Step } from '../../edge/features/evaluations/evaluations.forms.ts'
import type { ListRow, MyEvaluationRow, PeriodRow } from '../../edge/features/evaluations/evaluations.queries.ts'

export interface ListView {
  period: PeriodRow
  orgs: { id: string; name: string }[]
  orgId?: string
  step?: Step
  rows: ListRow[]
  counts: Partial<Record<Step, number>>
  page: number
  more: boolean
}

/** Where an evaluation stands, in one phrase: the band once decided, else the step it waits at. */
export function standing(row: { step: Step; decision_band: string | null }) {
  return row.step === 'decided' && row.decision_band ? BAND_LABELS[row.decision_band as keyof typeof BAND_LABELS] : STEP_LABELS[row.step]
}

const listHref = (l: { period: PeriodRow; orgId?: string; step?: Step }, page = 1, step = l.step) =>
  `/evaluations?period=${l.period.id}${l.orgId ? `&org=${l.orgId}` : ''}${step ? `&step=${step}` : ''}${page > 1 ? `&page=${page}` : ''}`

/** The subtree's evaluations of one period: filters by organization and step, a page of rows (swapped by htmx). */
export function EvaluationList(props: { list: ListView }) {
  const l = props.list
  const total = Object.values(l.counts).reduce((a, b) => a + (b ?? 0), 0)
  return (
    <section id="evaluation-list" aria-labelledby="evaluation-list-h">
      <h2 id="evaluation-list-h">Đảng viên trong phạm vi · {l.period.title}</h2>
      <form method="get" action="/evaluations" class="inline" hx-get="/evaluations" hx-target="#evaluation-list" hx-swap="outerHTML" hx-push-url="true">
        <input type="hidden" name="period" value={l.period.id} />
        <label class="sr" for="f-org">
          Tổ chức
        </label>
        <select id="f-org" name="org">
          <option value="">Tất cả tổ chức trong phạm vi</option>
          {l.orgs.map((o) => (
            <option value={o.id} selected={o.id === l.orgId}>
              {o.name}
            </option>
          ))}
        </select>
        {l.step && <input type="hidden" name="step" value={l.step} />}
        <button type="submit" class="secondary">
          Lọc
        </button>
      </form>
      <nav class="filters-bar" aria-label="Lọc theo bước">
        <a href={listHref(l, 1, undefined)} aria-current={!l.step ? 'true' : undefined}>
          Tất cả <span class="badge">{total}</span>
        </a>
        {STEPS.map((s) => (
          <a href={listHref(l, 1, s)} aria-current={s === l.step ? 'true' : undefined}>
            {STEP_LABELS[s]} <span class="badge">{l.counts[s] ?? 0}</span>
          </a>
        ))}
      </nav>
      {l.rows.length === 0 ? (
        <EmptyState title="Không có đảng viên nào trong danh sách này." />
      ) : (
        <ul class="cards">
          {l.rows.map((r) => (
            <li class="card">
              <a href={`/evaluations/${r.id}`}>
                <strong>{r.full_name ?? 'Đảng viên'}</strong>
              </a>
              <br />
              {standing(r)}
              {r.step !== 'decided' && r.proposal_band && ` · chi bộ đề xuất: ${BAND_LABELS[r.proposal_band].toLowerCase()}`}
              <br />
              <small>{r.org_name}</small>
            </li>
          ))}
        </ul>
      )}
      <nav class="pager" aria-label="Trang">
        {l.page > 1 && (
          <a href={listHref(l, l.page - 1)} hx-get={listHref(l, l.page - 1)} hx-target="#evaluation-list" hx-swap="outerHTML" hx-push-url="true" rel="prev">
            ‹ Trang trước
          </a>
        )}
        {l.more && (
          <a href={listHref(l, l.page + 1)} hx-get={listHref(l, l.page + 1)} hx-target="#evaluation-list" hx-swap="outerHTML" hx-push-url="true" rel="next">
            Trang sau ›
          </a>
        )}
      </nav>
    </section>
  )
}

/** /evaluations: my own evaluations, the periods I see, and (for managers) the subtree's list. */
export function EvaluationsPage(props: { viewer: Viewer; mine: MyEvaluationRow[]; periods: PeriodRow[]; canOpen: boolean; list?: ListView; notice?: string }) {
  return (
    <Layout title="Đánh giá, xếp loại" viewer={props.viewer} current="/evaluations">
      <h1>Đánh giá, xếp loại đảng viên</h1>
      <Flash notice={props.notice} />
      {props.canOpen && (
        <p class="actions">
          <a class="button" href="/evaluations/periods/new">
            Mở đợt đánh giá
          </a>
        </p>
      )}
      <section class="card" aria-labelledby="mine-h">
        <h2 id="mine-h">Của tôi</h2>
        {props.mine.length === 0 ? (
          <p class="muted">Bạn chưa có đợt đánh giá nào.</p>
        ) : (
          <ul class="cards">
            {props.mine.map((e) => (
              <li>
                <a href={`/evaluations/${e.id}`}>{e.period_title}</a> · {standing(e)}
                {e.step === 'self_assessment' && <small class="warn"> · hạn tự đánh giá {formatDate(e.self_due)}</small>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {props.periods.length > 0 && (
        <section aria-labelledby="periods-h">
          <h2 id="periods-h">Các đợt đánh giá</h2>
          <ul class="cards">
            {props.periods.map((p) => (
              <li class="card">
                <a href={`/evaluations?period=${p.id}`} aria-current={props.list?.period.id === p.id ? 'true' : undefined}>
                  <strong>{p.title}</strong>
                </a>
                {p.status === 'closed' && ' · đã kết thúc'}
                {' · '}
                <a href={`/evaluations/periods/${p.id}`}>{p.can_manage ? 'Tiêu chí, kết thúc đợt' : 'Tiêu chí chấm điểm'}</a>
                <br />
                <small>
                  {p.org_name} · {p.member_count} đảng viên · tự đánh giá đến {formatDate(p.self_due)} · chi bộ đề xuất đến {formatDate(p.proposal_due)} · cấp
                  ủy quyết định đến {formatDate(p.decision_due)}
                </small>
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.list && <EvaluationList list={props.list} />}
    </Layout>
  )
}
