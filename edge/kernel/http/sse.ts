import { sessionOf, type AppContext } from './context.ts'
import { accessWatchFor } from '../realtime/access.ts'
import { sessionIsLive } from '../auth/session.ts'
import { endFrames } from './stream-end.ts'

/** One SSE message. Frames with an id are sent once per stream unless repeatable (an update of something already shown). */
export interface Frame {
  id?: string
  data: string
  repeatable?: boolean
}

const KEEPALIVE_MS = 25_000
const RECHECK_MS = 3 * 60_000
/** how often the process looks over its streams for a ping or a re-check that is due */
const TICK_MS = 1_000
/** periodic re-checks under way at once: two queries each, and the streams of a whole city may be due together after a restart */
const CHECKS_AT_ONCE = 8
/** frames queued for a client that stopped reading before its stream is closed (it reconnects and replays from Last-Event-ID) */
const MAX_BEHIND = 500

/** bytes buffered for a client that stopped reading, where frames go straight to the Node response */
const MAX_BEHIND_BYTES = 1024 * 1024

const encoder = new TextEncoder()
const PING = encoder.encode(': ping\n\n')
const encoded = new WeakMap<Frame, Uint8Array>()

/** A frame's bytes, encoded once however many streams it is written to. */
function bytesOf(frame: Frame): Uint8Array {
  let bytes = encoded.get(frame)
  if (!bytes) {
    if (frame.id && /[\r\n]/.test(frame.id)) throw new Error('an SSE id must not contain a line break')
    const data = frame.data
      .split(/\r\n|\r|\n/)
      .map((line) => `data: ${line}`)
      .join('\n')
    bytes = encoder.encode(frame.id ? `${data}\nid: ${frame.id}\n\n` : `${data}\n\n`)
    encoded.set(frame, bytes)
  }
  return bytes
}

/**
 * The open streams of the process. One timer looks over them all every second, pinging those
 * idle for KEEPALIVE_MS and queueing the re-checks whose time has come, run a few at a time; each
 * stream's re-check time is spread over ±25% of RECHECK_MS so streams opened together (a
 * meeting starting, a restart) do not all query at once again.
 */
const open = new Set<OpenStream>()
let ticker: ReturnType<typeof setInterval> | undefined
/** streams whose periodic re-check is due, in the order they fell due */
const due: OpenStream[] = []
let checking = 0

function tick() {
  const now = Date.now()
  for (const stream of open) {
    // between two timer callbacks every chunk the body stream handed out has reached the response
    stream.goDirect()
    if (now - stream.wroteAt >= KEEPALIVE_MS) stream.write(PING)
    if (now >= stream.checkAt) {
      stream.checkAt = Number.POSITIVE_INFINITY
      due.push(stream)
    }
  }
  nextChecks()
}

/** Starts due re-checks up to CHECKS_AT_ONCE; each one that ends starts the next. */
function nextChecks() {
  while (checking < CHECKS_AT_ONCE && due.length) void due.shift()!.check()
}

const nextCheck = () => Date.now() + RECHECK_MS * (0.75 + Math.random() / 2)

/** What a stream writes to under @hono/node-server (`c.env.outgoing`, an http.ServerResponse). */
interface NodeResponse {
  headersSent: boolean
  destroyed: boolean
  writableLength: number
  getHeader(name: string): unknown
  write(chunk: Uint8Array): boolean
}

const nodeResponseOf = (c: AppContext): NodeResponse | undefined => {
  const outgoing = (c.env as { outgoing?: NodeResponse } | undefined)?.outgoing
  return outgoing && typeof outgoing.write === 'function' && 'headersSent' in outgoing ? outgoing : undefined
}

class OpenStream {
  wroteAt = Date.now()
  checkAt = Number.POSITIVE_INFINITY
  private closed = false
  private checkRunning = false
  private checkAgain = false
  private releases: (() => void)[] = []
  /** set once the Node response has sent its head and the body stream holds nothing: frames then skip the web stream */
  private direct?: NodeResponse

  constructor(
    private controller: ReadableStreamDefaultController<Uint8Array>,
    private verdict: () => Promise<'session' | 'access' | null>,
    private node?: NodeResponse,
  ) {}

  /**
   * On Node, once the head is out and the body stream is empty, frames are written to the
   * response itself: a comment to 10,000 streams is then 10,000 writes of the same bytes, with no
   * promise per stream. The body stream stays open (Node's server still waits on it), so closing
   * it ends the response after what was written; a client going away still cancels it. Only
   * called between timer callbacks, when no chunk read from the body is still on its way.
   */
  goDirect() {
    const node = this.node
    if (this.direct || !node || !node.headersSent || node.destroyed || node.getHeader('content-encoding')) return
    // desiredSize 1: the queue is empty (the default high-water mark is one chunk)
    if (this.controller.desiredSize === 1) this.direct = node
  }

  get isClosed() {
    return this.closed
  }

  /** Runs `release` when the stream closes (at once if it already has). */
  hold(release: () => void) {
    if (this.closed) release()
    else this.releases.push(release)
  }

  start() {
    if (this.closed) return
    open.add(this)
    ticker ??= setInterval(tick, TICK_MS)
    // the timer alone keeps no process (or test run) alive
    if (typeof ticker === 'object' && 'unref' in ticker) ticker.unref()
  }

  write(bytes: Uint8Array) {
    if (this.closed) return
    const direct = this.direct
    // a client that stopped reading: close rather than queue without end
    if (direct ? direct.writableLength > MAX_BEHIND_BYTES : (this.controller.desiredSize ?? 0) < -MAX_BEHIND) return this.close(true)
    try {
      if (direct) {
        if (direct.destroyed) return this.close()
        direct.write(bytes)
      } else this.controller.enqueue(bytes)
      this.wroteAt = Date.now()
    } catch {
      this.close()
    }
  }

  /** Ends the stream if its user may no longer follow it; a check asked for while one runs runs again after it. */
  async check() {
    if (this.closed) return
    if (this.checkRunning) {
      this.checkAgain = true
      return
    }
    this.checkRunning = true
    this.checkAt = Number.POSITIVE_INFINITY
    checking++
    try {
      do {
        this.checkAgain = false
        const ended = await this.verdict()
        if (ended) return this.end(ended)
      } while (this.checkAgain && !this.closed)
    } catch (error) {
      // the client reconnects and is authorized afresh
      console.error('live stream re-check failed:', error)
      this.close(true)
    } finally {
      this.checkRunning = false
      checking--
      this.checkAt = nextCheck()
      nextChecks()
    }
  }

  end(reason: 'session' | 'access') {
    this.write(encoder.encode(endFrames(reason)))
    this.close(true)
  }

  /** Leaves the topic and the access watch; `closeBody` when the server ends it (not the client). */
  close(closeBody = false) {
    if (this.closed) return
    this.closed = true
    open.delete(this)
    if (!open.size && ticker) {
      clearInterval(ticker)
      ticker = undefined
    }
    if (closeBody) {
      try {
        this.controller.close()
      } catch {
        // already closed or cancelled
      }
    }
    for (const release of this.releases.splice(0)) release()
  }
}

/**
 * A live stream for one authorized subscriber. It follows first, then reads the first frames
 * (what a reconnecting client missed, or the current state), so nothing committed in between
 * is lost; live frames that arrive meanwhile wait their turn, and an id already sent is not sent
 * again. Frames are written as they come, with no promise or timer per stream (one timer serves
 * all streams of the process), and the bytes of a frame are encoded once for all the streams it
 * goes to. Pings keep proxies from closing it; the right to follow is re-checked every few
 * minutes, and at once when the user's access changes.
 */
export function liveStream(
  c: AppContext,
  options: {
    follow: (send: (frame: Frame) => void) => Promise<() => void>
    first: () => Promise<Frame[]>
    stillAllowed: () => Promise<boolean>
  },
) {
  const session = sessionOf(c)
  const realtime = c.get('realtime')
  const sent = new Set<string>()
  let waiting: Frame[] | null = []
  let stream!: OpenStream
  const write = (frame: Frame) => {
    if (frame.id) {
      if (sent.has(frame.id) && !frame.repeatable) return
      sent.add(frame.id)
    }
    stream.write(bytesOf(frame))
  }
  const send = (frame: Frame) => {
    if (waiting) waiting.push(frame)
    else write(frame)
  }
  // a logout, a reset or a lost role ends the session; then no feature's own rule matters
  const verdict = async () => (!(await sessionIsLive(c, session)) ? 'session' : !(await options.stillAllowed()) ? 'access' : null)

  const opening = async () => {
    stream.hold(await options.follow(send))
    if (stream.isClosed) return
    stream.hold(await accessWatchFor(realtime, null).watch(session.sub, () => void stream.check()))
    if (stream.isClosed) return
    for (const frame of await options.first()) write(frame)
    const queued = waiting ?? []
    waiting = null
    for (const frame of queued) write(frame)
    stream.start()
    // checked once now that changes are watched: a logout between the request and the watch would
    // otherwise go unnoticed until the periodic re-check
    await stream.check()
  }

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stream = new OpenStream(controller, verdict, nodeResponseOf(c))
      opening().catch((error) => {
        console.error('live stream failed to open:', error)
        stream.close(true)
      })
    },
    cancel() {
      stream.close()
    },
  })
  return c.newResponse(body, 200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    // read as it comes: @hono/node-server does not wait for the body, the compress middleware leaves it alone
    'Transfer-Encoding': 'chunked',
  })
}
