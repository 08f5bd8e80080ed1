/** One calendar entry, in the terms RFC 5545 needs. */
export interface CalendarEntry {
  uid: string
  title: string
  start: Date
  end?: Date | null
  /** An all-day entry on the start's Vietnam date. */
  allDay?: boolean
  place?: string | null
  description?: string | null
  url?: string
}

const encoder = new TextEncoder()

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n')
}

/** Lines longer than 75 octets are folded with CRLF + space, never inside a UTF-8 character (§3.1). */
function fold(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = encoder.encode(char).length
    if (octets + size > (out.length ? 74 : 75)) {
      out.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  out.push(current)
  return out.join('\r\n ')
}

const utc = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
const vietnamDate = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '')

/** An iCalendar document (text/calendar) with one VEVENT per entry. */
export function toICalendar(name: string, entries: CalendarEntry[], origin: string, now = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//So tay dang vien//VI',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(name)}`,
    'X-WR-TIMEZONE:Asia/Ho_Chi_Minh',
  ]
  for (const e of entries) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${utc(now)}`)
    if (e.allDay) {
      const day = vietnamDate(e.start)
      const next = vietnamDate(new Date(e.start.getTime() + 86_400_000))
      lines.push(`DTSTART;VALUE=DATE:${day}`, `DTEND;VALUE=DATE:${next}`)
    } else {
      lines.push(`DTSTART:${utc(e.start)}`, `DTEND:${utc(e.end ?? new Date(e.start.getTime() + 3600_000))}`)
    }
    lines.push(`SUMMARY:${text(e.title)}`)
    if (e.place) lines.push(`LOCATION:${text(e.place)}`)
    if (e.description) lines.push(`DESCRIPTION:${text(e.description)}`)
    if (e.url) lines.push(`URL:${origin}${e.url}`)
    lines.push('END:VEVENT')
  }
  lines.push('END:VCALENDAR')
  return `${lines.map(fold).join('\r\n')}\r\n`
}
