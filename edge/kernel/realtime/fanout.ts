/**
 * The open streams of one process, grouped by topic (a meeting). With a realtime port that
 * routes by topic (Supabase Realtime), the topic is watched while it has followers.
 */
export class Followers<F> {
  private byTopic = new Map<string, Set<F>>()
  private watching = new Map<string, Promise<() => void>>()

  constructor(private watch?: (topic: string) => Promise<() => void>) {}

  async add(topic: string, follower: F): Promise<() => void> {
    for (;;) {
      let watched = this.watching.get(topic)
      if (this.watch && !watched) this.watching.set(topic, (watched = this.watch(topic)))
      await watched
      // the last follower may have left (and the topic been released) while this one waited
      if (this.watching.get(topic) === watched) break
    }
    let set = this.byTopic.get(topic)
    if (!set) this.byTopic.set(topic, (set = new Set()))
    set.add(follower)
    return () => {
      set.delete(follower)
      if (set.size) return
      this.byTopic.delete(topic)
      const watched = this.watching.get(topic)
      this.watching.delete(topic)
      void watched?.then((release) => release())
    }
  }

  of(topic: string): ReadonlySet<F> | undefined {
    return this.byTopic.get(topic)
  }

  topics(): string[] {
    return [...this.byTopic.keys()]
  }

  count(): number {
    let n = 0
    for (const set of this.byTopic.values()) n += set.size
    return n
  }
}

/** Runs work one at a time, in arrival order, so frames leave in commit order; a failure is logged and the line goes on. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve()

  constructor(private label: string) {}

  push(work: () => Promise<void>) {
    this.tail = this.tail.then(work).catch((error) => console.error(`${this.label} failed:`, error))
  }

  /** Resolves when everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail
  }
}

/** Renders a frame once per kind of follower (e.g. manager or member) and sends it to all of them. */
export function sendRendered<F extends { send(frame: { id?: string; data: string; repeatable?: boolean }): void }>(
  followers: Iterable<F>,
  variantOf: (follower: F) => string,
  render: (follower: F) => { id?: string; data: string; repeatable?: boolean },
) {
  const rendered = new Map<string, { id?: string; data: string; repeatable?: boolean }>()
  for (const follower of followers) {
    const variant = variantOf(follower)
    let frame = rendered.get(variant)
    if (!frame) rendered.set(variant, (frame = render(follower)))
    follower.send(frame)
  }
}

/** One hub per runtime (its realtime port), made on first use. */
export function perRuntime<K extends object, D, H>(make: (realtime: K, data: D) => H): (realtime: K, data: D) => H {
  const hubs = new WeakMap<K, H>()
  return (realtime, data) => {
    let hub = hubs.get(realtime)
    if (!hub) hubs.set(realtime, (hub = make(realtime, data)))
    return hub
  }
}
