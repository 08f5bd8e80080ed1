import { Hono } from 'hono'
import { uuidParam } from '../../kernel/http/params.ts'
import { requireUser } from '../../kernel/auth/session.ts'
import { sessionOf, type AppContext, type AppEnv } from '../../kernel/http/context.ts'
import { notFound } from '../../kernel/http/errors.tsx'
import { isRealDate, parseForm, today, type FieldErrors } from '../../kernel/http/validation.ts'
import { toICalendar } from '../../kernel/files/ical.ts'
import { digest } from '../../kernel/http/client.ts'
import { CalendarPage } from '../../../views/calendar/CalendarPage.tsx'
import { EventForm, EventPage, type EventFormValues } from '../../../views/calendar/EventPages.tsx'
import { HolidaysPage } from '../../../views/calendar/HolidaysPage.tsx'
import { eventForm, holidayForm, messages } from './calendar.forms.ts'
import * as q from './calendar.queries.ts'
import { doneMessage, seeOther } from '../../kernel/http/flash.ts'
import { viewerOf } from '../../kernel/http/viewer.ts'

/** The work calendar: month / week / agenda views, events, and the personal iCalendar feed. */
export const calendar = new Hono<AppEnv>()

const DAY = 86_400_000
const iso = (d: Date) => d.toISOString().slice(0, 10)
const addDays = (day: string, n: number) => iso(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY))
/** Monday on or before a day (Vietnamese weeks start on Monday). */
const monday = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7))

/** The days a view shows around a date, and the links to the periods before and after. */
function period(view: string, date: string) {
  if (view === 'week') {
    const start = monday(date)
    return {
      days: Array.from({ length: 7 }, (_, i) => addDays(start, i)),
      title: `Tuần từ ${start.slice(8)}/${start.slice(5, 7)}`,
      prev: addDays(start, -7),
      next: addDays(start, 7),
    }
  }
  if (view === 'agenda') {
    return {
      days: Array.from({ length: 30 }, (_, i) => addDays(date, i)),
      title: `30 ngày từ ${date.slice(8)}/${date.slice(5, 7)}`,
      prev: addDays(date, -30),
      next: addDays(date, 30),
    }
  }
  const first = `${date.slice(0, 7)}-01`
  const last = addDays(`${iso(new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 1)))}`, -1)
  const start = monday(first)
  const end = addDays(monday(last), 6)
  const days: string[] = []
  for (let d = start; d <= end; d = addDays(d, 1)) days.push(d)
  return { days, title: `Tháng ${Number(date.slice(5, 7))}/${date.slice(0, 4)}`, prev: `${addDays(first, -1).slice(0, 8)}01`, next: addDays(last, 1) }
}

const vietnamMidnight = (day: string) => new Date(`${day}T00:00:00+07:00`)

/** The secret feed address is shown once, in the answer to the post that made it: never in a URL. */
async function calendarPage(c: AppContext, extra: { notice?: string; feedUrl?: string } = {}) {
  const view = ['month', 'week', 'agenda'].includes(c.req.query('view') ?? '') ? c.req.query('view')! : 'month'
  const asked = c.req.query('date') ?? ''
  const date = isRealDate(asked) && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : today()
  const p = period(view, date)
  const found = await c.get('data').withUser(sessionOf(c), async (tx) => ({
    items: await q.items(tx, vietnamMidnight(p.days[0]), vietnamMidnight(addDays(p.days.at(-1)!, 1))),
    audiences: await q.audiences(tx),
    feed: await q.feedExists(tx),
  }))
  return c.html(
    <CalendarPage
      viewer={viewerOf(c)}
      view={view}
      days={p.days}
      title={p.title}
      prev={`/calendar?view=${view}&date=${p.prev}`}
      next={`/calendar?view=${view}&date=${p.next}`}
      items={found.items}
      canAddEvents={found.audiences.length > 0}
      feed={{ exists: found.feed, url: extra.feedUrl }}
      notice={extra.notice}
      today={today()}
    />,
  )
}

calendar.get('/', requireUser, (c) => calendarPage(c, { notice: doneMessage(c, messages) }))

// public holidays --------------------------------------------------------------------------

const thisYear = () => Number(today().slice(0, 4))

async function holidaysPage(
  c: AppContext,
  year: number,
  extra: { values?: Record<string, string>; errors?: FieldErrors; notice?: string } = {},
  status: 200 | 400 = 200,
) {
  const { days, keeps } = await c.get('data').withUser(sessionOf(c), (tx) => q.holidays(tx, year))
  return c.html(<HolidaysPage viewer={viewerOf(c)} year={year} days={days} keeps={keeps} {...extra} />, status)
}

calendar.get('/holidays', requireUser, (c) => {
  const asked = Number(c.req.query('year'))
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear()
  return holidaysPage(c, year, { notice: doneMessage(c, messages) })
})

calendar.post('/holidays', requireUser, async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>
  const form = parseForm(holidayForm, body)
  if (!form.ok) return holidaysPage(c, thisYear(), { values: body, errors: form.errors }, 400)
  const { day, name } = form.value
  // the policy lets only the root committee and the administrator write: another user's insert is refused (42501)
  const added = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.addHoliday(tx, day, name))
    .catch((error) => {
      if ((error as { code?: string }).code === '42501') notFound()
      throw error
    })
  if (!added) return holidaysPage(c, Number(day.slice(0, 4)), { values: body, errors: { day: messages.holidayTaken } }, 400)
  return seeOther(c, `/calendar/holidays?year=${day.slice(0, 4)}`, 'holidayAdded', () => holidaysPage(c, Number(day.slice(0, 4))))
})

calendar.post('/holidays/:day/delete', requireUser, async (c) => {
  const day = c.req.param('day')
  if (!isRealDate(day) || !/^\d{4}-\d{2}-\d{2}$/.test(day)) notFound()
  // under RLS a user who does not keep the holidays deletes nothing: the same answer as a day not listed
  if (!(await c.get('data').withUser(sessionOf(c), (tx) => q.removeHoliday(tx, day)))) notFound()
  return seeOther(c, `/calendar/holidays?year=${day.slice(0, 4)}`, 'holidayRemoved', () => holidaysPage(c, Number(day.slice(0, 4))))
})

async function eventFormPage(
  c: AppContext,
  values: EventFormValues,
  errors: FieldErrors = {},
  status: 200 | 400 = 200,
  page?: { title: string; action: string; back: string },
) {
  const audiences = await c.get('data').withUser(sessionOf(c), q.audiences)
  if (!audiences.length) notFound()
  return c.html(<EventForm viewer={viewerOf(c)} audiences={audiences} values={values} errors={errors} page={page} />, status)
}

const editPage = (id: string) => ({ title: 'Sửa sự kiện', action: `/calendar/events/${id}`, back: `/calendar/events/${id}` })
const vietnam = (at: Date | string) => new Date(new Date(at).getTime() + 7 * 3600_000).toISOString()

calendar.get('/events/:id/edit', requireUser, async (c) => {
  const id = uuidParam(c, 'id')
  const ev = await c.get('data').withUser(sessionOf(c), (tx) => q.event(tx, id))
  if (!ev?.can_manage) notFound()
  const [start, end] = [vietnam(ev.starts_at), vietnam(ev.ends_at ?? ev.starts_at)]
  return eventFormPage(
    c,
    {
      org_id: ev.org_id,
      title: ev.title,
      date: start.slice(0, 10),
      start: start.slice(11, 16),
      end: end.slice(11, 16),
      place: ev.place ?? undefined,
      description: ev.description ?? undefined,
    },
    {},
    200,
    editPage(id),
  )
})

calendar.post('/events/:id', requireUser, async (c) => {
  const id = uuidParam(c, 'id')
  const body = (await c.req.parseBody()) as EventFormValues
  const form = parseForm(eventForm, body)
  if (!form.ok) return eventFormPage(c, body, form.errors, 400, editPage(id))
  const saved = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.updateEvent(tx, id, form.value))
    .catch((error) => {
      if ((error as { code?: string }).code === '42501') return null
      throw error
    })
  if (saved === null) return eventFormPage(c, body, { _form: messages.outOfScope }, 400, editPage(id))
  if (!saved) notFound()
  return c.redirect(`/calendar/events/${id}?saved=1`, 303)
})

calendar.post('/events/:id/delete', requireUser, async (c) => {
  const id = uuidParam(c, 'id')
  if (!(await c.get('data').withUser(sessionOf(c), (tx) => q.deleteEvent(tx, id)))) notFound()
  return seeOther(c, '/calendar', 'deleted', () => calendarPage(c, { notice: messages.deleted }))
})

calendar.get('/events/new', requireUser, (c) => eventFormPage(c, { date: today(), start: '08:00', end: '11:00' }))

calendar.post('/events', requireUser, async (c) => {
  const body = (await c.req.parseBody()) as EventFormValues
  const form = parseForm(eventForm, body)
  if (!form.ok) return eventFormPage(c, body, form.errors, 400)
  const id = await c
    .get('data')
    .withUser(sessionOf(c), (tx) => q.createEvent(tx, form.value))
    .catch((error) => {
      if ((error as { code?: string }).code === '42501') return null
      throw error
    })
  if (!id) return eventFormPage(c, body, { _form: messages.outOfScope }, 400)
  return c.redirect(`/calendar/events/${id}?created=1`, 303)
})

calendar.get('/events/:id', requireUser, async (c) => {
  const id = uuidParam(c, 'id')
  const event = await c.get('data').withUser(sessionOf(c), (tx) => q.event(tx, id))
  if (!event) notFound()
  const notice = c.req.query('created') ? messages.created : c.req.query('saved') ? messages.saved : undefined
  return c.html(<EventPage viewer={viewerOf(c)} event={event} notice={notice} />)
})

calendar.post('/feed', requireUser, async (c) => {
  const token = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('')
  const tokenHash = await digest(token)
  await c.get('data').withUser(sessionOf(c), (tx) => q.renewFeed(tx, tokenHash))
  return calendarPage(c, { notice: messages.feedCreated, feedUrl: `${new URL(c.req.url).origin}/calendar/feed/${token}.ics` })
})

// the address shown after creating one is /calendar/feed: opened again (a bookmark, the address bar) it is the calendar, not a 404
calendar.get('/feed', requireUser, (c) => c.redirect('/calendar', 303))

calendar.post('/feed/revoke', requireUser, async (c) => {
  await c.get('data').withUser(sessionOf(c), q.revokeFeed)
  return seeOther(c, '/calendar', 'feedRevoked', () => calendarPage(c, { notice: messages.feedRevoked }))
})

/**
 * The personal feed phone calendars poll. The token in the address is the credential: it names
 * the user, and everything is then read under that user's RLS, exactly as in the app.
 */
calendar.get('/feed/:file', async (c) => {
  const token = /^([0-9a-f]{48})\.ics$/.exec(c.req.param('file'))?.[1]
  if (!token) notFound()
  const data = c.get('data')
  const userId = await data.asSystem('resolve a calendar feed token to its user (the token is the credential)', async (tx) =>
    q.feedOwner(tx, await digest(token)),
  )
  if (!userId) notFound()
  const now = Math.floor(Date.now() / 1000)
  const from = new Date(Date.now() - 30 * DAY)
  const items = await data.withUser({ sub: userId, role: 'authenticated', iat: now, exp: now + 60 }, (tx) =>
    q.items(tx, from, new Date(Date.now() + 180 * DAY)),
  )
  const body = toICalendar(
    'Sổ tay đảng viên',
    items.map((i) => ({
      uid: `${i.kind}-${i.id}@sotaydangvien`,
      title: i.title,
      start: new Date(i.starts_at),
      end: i.ends_at && new Date(i.ends_at),
      allDay: i.all_day,
      place: i.place,
      description: i.org_name,
      url: i.url,
    })),
    new URL(c.req.url).origin,
  )
  c.header('Content-Type', 'text/calendar; charset=utf-8')
  c.header('Cache-Control', 'private, max-age=900')
  return c.body(body)
})
