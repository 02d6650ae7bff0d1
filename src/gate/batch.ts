import { released } from '../shared/rpc'
import { fail, unavailable, type Result } from '../errors'

type Waiting<I, O> = { item: I; resolve: (answer: Result<O>) => void; reject: (error: unknown) => void }

/**
 * Requests of many isolates gathered into calls to the concert object, a group commit one
 * level above the object's own: with no call in flight a request goes at once, and requests
 * that come while one is in flight go together in the next, sent as soon as it is answered.
 * Calls begin at least `gapMs(items a second, ArrivalRate)` apart, which bounds the object's
 * calls per gate however fast it answers (src/gate/gate.ts); a quiet gate adds no wait.
 * Each request is answered with the object's answer for its item. The object overloaded or
 * reset is passed on as that refusal (an error's flags do not cross RPC), anything else as thrown.
 */
export class Batch<I, O> {
  private waiting: Array<Waiting<I, O>> = []
  private inFlight = false
  private lastCallAt = Number.NEGATIVE_INFINITY
  private readonly rate = new ArrivalRate()
  private timer: ReturnType<typeof setTimeout> | null = null
  /** Calls made and items they carried, for tests and bench:costs. */
  readonly sent = { batches: 0, items: 0 }

  constructor(
    private readonly call: (items: I[]) => Promise<Array<Result<O>>>,
    private readonly gapMs: (itemsPerSecond: number) => number,
    private readonly maxItems: number,
  ) {}

  add(item: I): Promise<Result<O>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      this.rate.add(Date.now())
      this.sendWhenFree()
    })
  }

  private sendWhenFree() {
    if (this.inFlight || this.timer !== null || this.waiting.length === 0) return
    const now = Date.now()
    const wait = this.lastCallAt + this.gapMs(this.rate.perSecond(now)) - now
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null
        this.sendWhenFree()
      }, wait)
      return
    }
    this.send()
  }

  private send() {
    const batch = this.waiting.splice(0, this.maxItems)
    this.inFlight = true
    this.lastCallAt = Date.now()
    this.sent.batches++
    this.sent.items += batch.length
    // Whatever the call does (throws at once, answers short), every waiter is settled and the
    // next batch goes: a gate must never stop sending. Settling a settled waiter does nothing.
    let answered: Promise<Array<Result<O>>>
    try {
      answered = this.call(batch.map((w) => w.item))
    } catch (error) {
      answered = Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
    answered
      .then(
        (answers) => {
          const all = released(answers)
          batch.forEach((w, i) => (all[i] ? w.resolve(all[i]) : w.reject(new Error('the object gave no answer'))))
        },
        (error) => {
          const code = unavailable(error)
          batch.forEach((w) => (code ? w.resolve(fail(code)) : w.reject(error)))
        },
      )
      .catch((error) => batch.forEach((w) => w.reject(error)))
      .finally(() => {
        this.inFlight = false
        this.sendWhenFree()
      })
  }
}

/**
 * Items a second, as a gate tells a rush from a quiet moment: the larger of the count in the
 * last whole window of a second and the count so far in this one, so that a rush is seen
 * within its first second, not after it. A window with nothing in it counts as nothing.
 */
export class ArrivalRate {
  private windowStart = Number.NEGATIVE_INFINITY
  private current = 0
  private previous = 0

  add(now: number) {
    this.roll(now)
    this.current++
  }

  perSecond(now: number): number {
    this.roll(now)
    return Math.max(this.previous, this.current)
  }

  private roll(now: number) {
    const elapsed = now - this.windowStart
    if (elapsed < 1_000) return
    this.previous = elapsed < 2_000 ? this.current : 0
    this.current = 0
    this.windowStart = now
  }
}
