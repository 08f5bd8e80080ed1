import { Agent, get } from 'node:http'

/**
 * The subscribers of bench/fanout.ts, in a process of their own (forked with IPC): opens SSE
 * streams in batches at a steady rate and, for each comment the parent announces, reports when
 * each stream received its frame, on the clock both processes share (timeOrigin + now).
 */
type Command = { cmd: 'open'; url: string; cookie: string; count: number; perSecond: number } | { cmd: 'expect'; timeoutMs: number } | { cmd: 'exit' }

const now = () => performance.timeOrigin + performance.now()
const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })
const send = (message: unknown) => process.send!(message)

interface Stream {
  buffer: string
  /** the arrival of the first frame with an id since the current expectation, or 0 */
  arrivedAt: number
}
const streams: Stream[] = []
let expecting: { count: number; bytes: number; done: () => void } | null = null
let failures = 0

function open(url: string, cookie: string) {
  return new Promise<void>((resolve) => {
    const stream: Stream = { buffer: '', arrivedAt: 0 }
    const req = get(url, { agent, headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        failures++
        res.resume()
        return resolve()
      }
      streams.push(stream)
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        stream.buffer += chunk
        let end = stream.buffer.indexOf('\n\n')
        while (end !== -1) {
          const event = stream.buffer.slice(0, end)
          stream.buffer = stream.buffer.slice(end + 2)
          if (expecting && !stream.arrivedAt && /^id: /m.test(event)) {
            stream.arrivedAt = now()
            expecting.bytes = Buffer.byteLength(`${event}\n\n`)
            if (--expecting.count === 0) expecting.done()
          }
          end = stream.buffer.indexOf('\n\n')
        }
      })
      res.on('error', () => {})
      resolve()
    })
    req.on('error', () => {
      failures++
      resolve()
    })
  })
}

process.on('message', async (message: Command) => {
  if (message.cmd === 'open') {
    // batches every 100 ms: a meeting's members arrive over a while, not all in one millisecond
    const batch = Math.max(1, Math.round(message.perSecond / 10))
    const started = now()
    for (let opened = 0; opened < message.count; opened += batch) {
      const wait = started + (opened / message.perSecond) * 1000 - now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      await Promise.all(Array.from({ length: Math.min(batch, message.count - opened) }, () => open(message.url, message.cookie)))
    }
    send({ opened: streams.length, failures, seconds: (now() - started) / 1000 })
  } else if (message.cmd === 'expect') {
    for (const s of streams) s.arrivedAt = 0
    const state = { count: streams.length, bytes: 0, done: () => {} }
    const all = new Promise<void>((resolve) => (state.done = resolve))
    expecting = state
    send({ expecting: streams.length })
    await Promise.race([all, new Promise((r) => setTimeout(r, message.timeoutMs))])
    expecting = null
    send({ arrivals: streams.filter((s) => s.arrivedAt).map((s) => s.arrivedAt), bytes: state.bytes, streams: streams.length })
  } else if (message.cmd === 'exit') {
    agent.destroy()
    process.exit(0)
  }
})
send({ ready: true })
