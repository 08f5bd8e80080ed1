import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isUuid, parseForm, type FieldErrors } from '../../kernel/http/validation.ts'
import type { Tx } from '../../kernel/db/types.ts'
import { MeetingsPage, UpcomingMeetings } from '../../../views/cell-meetings/MeetingsPage.tsx'
import { MeetingPage } from '../../../views/cell-meetings/MeetingPage.tsx'
import { MeetingForm, type MeetingFormValues } from '../../../views/cell-meetings/MeetingForm.tsx'
import { vietnamDateTime } from '../../../views/cell-meetings/labels.ts'
import {
  attendanceForm,
  attendanceMessages,
  attendanceRefusal,
  cancelForm,
  defaultMeetingDate,
  defaultTitle,
  titleFor,
  meetingForm,
  messages,
  type MeetingInput,
} from './cell-meetings.forms.ts'
import { Attendance } from '../../../views/cell-meetings/Attendance.tsx'
import { isHtmx } from '../../kernel/http/htmx.ts'
import * as q from './cell-meetings.queries.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

export const cellMeetings = new Hono<AppEnv>()
cellMeetings.use(requireUser)

cellMeetings.get('/', async (c) => {
  const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1))
  const { rows, total, capped, schedule } = await c.get('data').withUser(sessionOf(c), async (tx) => ({
    ...(await q.listMeetings(tx, page)),
    schedule: await q.canSchedule(tx),
  }))
  return c.html(<MeetingsPage viewer={viewerOf(c)} rows={rows} total={total} capped={capped} page={page} pageSize={q.PAGE_SIZE} canSchedule={schedule} />)
})

/** The form for a cell: the cells in scope, and the chosen cell's members for chair and note-taker. */
async function formPage(
  c: AppContext,
  page: { action: string; title: string; cancelHref: string },
  values: MeetingFormValues,
  errors: FieldErrors = {},
  status: 200 | 400 = 200,
) {
  const { cells, people } = await c.get('data').withUser(sessionOf(c), async (tx) => {
    const cells = await q.schedulableCells(tx)
    const chosen = cells.find((cell) => cell.id === values.org_id) ?? (cells.length === 1 ? cells[0] : undefined)
    return { cells, people: chosen ? await q.cellPeople(tx, chosen.id) : [] }
  })
  if (!cells.length) notFound()
  if (!cells.some((cell) => cell.id === values.org_id)) values = { ...values, org_id: cells.length === 1 ? cells[0].id : undefined }
  return c.html(<MeetingForm viewer={viewerOf(c)} {...page} cells={cells} people={people} values={values} errors={errors} />, status)
}

cellMeetings.get('/new', (c) => {
  const org = c.req.query('org')
  return formPage(
    c,
    { action: '/meetings', title: 'Lên lịch sinh hoạt', cancelHref: '/meetings' },
    {
      org_id: isUuid(org) ? org : undefined,
      kind: 'regular',
      title: defaultTitle('regular', defaultMeetingDate()),
      date: defaultMeetingDate(),
      time: '19:30',
    },
  )
})

/** Saves under RLS; a chair or note-taker from another cell, or a cell out of scope, is a field error. */
async function saveMeeting(
  c: AppContext,
  page: { action: string; title: string; cancelHref: string },
  save: (tx: Tx, value: MeetingInput) => Promise<string | null>,
) {
  const posted = (await c.req.parseBody()) as MeetingFormValues
  const body = { ...posted, title: titleFor(posted) } as MeetingFormValues
  const form = parseForm(meetingForm, body)
  if (!form.ok) return formPage(c, page, body, form.errors, 400)
  const outcome = await c
    .get('data')
    .withUser(sessionOf(c), async (tx) => {
      const cells = await q.schedulableCells(tx)
      if (!cells.some((cell) => cell.id === form.value.org_id)) return { errors: { _form: messages.orgOutOfScope } }
      const id = await save(tx, form.value)
      return { id, second: !!id && (await q.otherRegularInMonth(tx, id)) }
    })
    .catch((error): { errors: FieldErrors } => {
      if ((error as { code?: string }).code === '23514') return { errors: { chair_id: messages.notInCell } }
      if ((error as { code?: string }).code === '55000')
        return /minutes are approved/.test((error as Error).message) ? { errors: { _form: messages.minutesLocked } } : { errors: { date: messages.inThePast } }
      throw error
    })
  if ('errors' in outcome) return formPage(c, page, body, outcome.errors, 400)
  if (!outcome.id) notFound()
  return c.redirect(`/meetings/${outcome.id}?saved=1${outcome.second ? '&second=1' : ''}`, 303)
}

cellMeetings.post('/', (c) => saveMeeting(c, { action: '/meetings', title: 'Lên lịch sinh hoạt', cancelHref: '/meetings' }, q.createMeeting))

/** The meeting page, or only its attendance block for htmx; notices and errors go to the block. */
async function meetingPage(c: AppContext, id: string, change?: (tx: Tx) => Promise<void>, extra: { notice?: string; error?: string } = {}) {
  const loaded = await c.get('data').withUser(sessionOf(c), async (tx) => {
    if (change) await change(tx)
    const meeting = await q.getMeeting(tx, id)
    if (!meeting) return null
    const [me] = await tx.query<{ id: string | null }>(`select app.current_member_id() as id`)
    return { meeting, ...(await q.attendance(tx, id)), myId: me.id }
  })
  if (!loaded) notFound()
  const { meeting, rows, counts, myId } = loaded
  // approved minutes froze the attendance: nobody is offered a change the database refuses
  const open = meeting.status === 'scheduled' && !meeting.minutes_approved
  const now = new Date(meeting.now).getTime()
  const block = (
    <Attendance
      meetingId={id}
      rows={rows}
      counts={counts}
      myId={myId}
      canManage={meeting.can_manage && open && now >= new Date(meeting.check_in_opens).getTime()}
      open={open}
      locked={meeting.minutes_approved}
      window={{ opens: meeting.check_in_opens, closes: meeting.day_end, now: meeting.now }}
      csrf={c.get('csrf')}
      notice={extra.notice}
      error={extra.error}
      expanded={c.req.method === 'POST' || !!c.req.query('notice') || !!c.req.query('error')}
    />
  )
  const status = extra.error ? 400 : 200
  if (isHtmx(c) && c.req.method === 'POST') {
    // the vote block shows the buttons of whoever is now present: it reloads them on this event (on body: the
    // form that asked is gone after the swap)
    if (!extra.error) c.header('HX-Trigger', JSON.stringify({ 'attendance-changed': { target: 'body' } }))
    return c.html(block, status)
  }
  const key = FLASH_KEYS.get(extra.error ?? extra.notice ?? '')
  if (c.req.method === 'POST' && key) return c.redirect(`/meetings/${id}?${extra.error ? 'error' : 'notice'}=${key}#attendance`, 303)
  const saved = c.req.query('second') ? `${messages.saved} ${messages.secondRegular}` : messages.saved
  const flash = FLASHES[c.req.query('notice') ?? ''] ?? (c.req.query('saved') ? saved : c.req.query('cancelled') ? messages.cancelled : undefined)
  const error = FLASHES[c.req.query('error') ?? '']
  return c.html(<MeetingPage viewer={viewerOf(c)} meeting={meeting} notice={flash} error={error} attendance={block} />, status)
}

/** Flash messages a redirect names by key (never free text in the URL). */
const FLASHES: Record<string, string> = {
  checked_in: attendanceMessages.checkedIn,
  recorded: attendanceMessages.recorded,
  not_in_cell: attendanceMessages.notInCell,
  too_early: attendanceMessages.tooEarly,
  too_late: attendanceMessages.tooLate,
  locked: attendanceMessages.locked,
  cancel_reason: messages.cancelReason,
}
const FLASH_KEYS = new Map(Object.entries(FLASHES).map(([k, v]) => [v, k]))

/** A refused change: the page (or block) with the reason, nothing written. */
function refused(c: AppContext, id: string, error: string) {
  return meetingPage(c, id, undefined, { error })
}

/** The home page's card: the next meetings (loaded by URL). */
cellMeetings.get('/upcoming', async (c) => {
  const rows = await c.get('data').withUser(sessionOf(c), (tx) => q.upcoming(tx))
  return c.html(<UpcomingMeetings rows={rows} />)
})

cellMeetings.get('/:id', (c) => meetingPage(c, uuidParam(c, 'id')))

cellMeetings.post('/:id/check-in', async (c) => {
  const id = uuidParam(c, 'id')
  try {
    return await meetingPage(c, id, (tx) => q.checkIn(tx, id), { notice: attendanceMessages.checkedIn })
  } catch (error) {
    const reason = attendanceRefusal(error)
    if (reason) return refused(c, id, reason)
    throw error
  }
})

cellMeetings.post('/:id/attendance', async (c) => {
  const id = uuidParam(c, 'id')
  const form = parseForm(attendanceForm, await c.req.parseBody())
  if (!form.ok) return meetingPage(c, id, undefined, { error: Object.values(form.errors)[0] })
  try {
    return await meetingPage(c, id, (tx) => q.recordAttendance(tx, id, form.value), { notice: attendanceMessages.recorded })
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === '23514') return refused(c, id, attendanceMessages.notInCell)
    const reason = attendanceRefusal(error)
    if (reason) return refused(c, id, reason)
    if (code === '42501') notFound()
    throw error
  }
})

cellMeetings.get('/:id/edit', async (c) => {
  const id = uuidParam(c, 'id')
  const meeting = await c.get('data').withUser(sessionOf(c), (tx) => q.getMeeting(tx, id))
  if (!meeting?.can_manage || meeting.status !== 'scheduled') notFound()
  const when = vietnamDateTime(meeting.starts_at)
  return formPage(
    c,
    { action: `/meetings/${id}`, title: 'Sửa lịch sinh hoạt', cancelHref: `/meetings/${id}` },
    {
      org_id: meeting.org_id,
      kind: meeting.kind,
      title: meeting.title,
      date: when.date,
      time: when.time,
      place: meeting.place ?? undefined,
      chair_id: meeting.chair_id ?? undefined,
      note_taker_id: meeting.note_taker_id ?? undefined,
      agenda: meeting.agenda ?? undefined,
      recorded_late: meeting.recorded_late ? 'on' : undefined,
    },
  )
})

cellMeetings.post('/:id', (c) => {
  const id = uuidParam(c, 'id')
  return saveMeeting(c, { action: `/meetings/${id}`, title: 'Sửa lịch sinh hoạt', cancelHref: `/meetings/${id}` }, async (tx, value) =>
    (await q.updateMeeting(tx, id, value)) ? id : null,
  )
})

cellMeetings.post('/:id/cancel', async (c) => {
  const id = uuidParam(c, 'id')
  const form = parseForm(cancelForm, await c.req.parseBody())
  if (!form.ok) return c.redirect(`/meetings/${id}?error=cancel_reason#cancel`, 303)
  // the members of the cell are told, with the reason (the database's meetings_announce)
  const cancelled = await c.get('data').withUser(sessionOf(c), (tx) => q.cancelMeeting(tx, id, form.value.reason))
  if (!cancelled) notFound()
  return c.redirect(`/meetings/${id}?cancelled=1`, 303)
})
