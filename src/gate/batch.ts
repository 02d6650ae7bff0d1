import { released } from '../shared/rpc'
import { fail, unavailable, type Result } from '../errors'

type Waiting<I, O> = { item: I; resolve: (answer: Result<O>) => void; reject: (error: unknown) => void }

/**
 * Requests of many isolates gathered into calls to the concert object, a group commit one
 * level above the object's own: with no call in flight a request goes at once, and requests
 * that come while one is in flight go together in the next, sent as soon as it is answered.
 * Calls begin at least `gapMs(items added in the last whole second)` apart, which bounds the
 * object's calls per gate however fast it answers (src/gate/gate.ts); a quiet gate adds no wait.
 * Each request is answered with the object's answer for its item. The object overloaded or
 * reset is passed on as that refusal (an error's flags do not cross RPC), anything else as thrown.
 */
export class Batch<I, O> {
  private waiting: Array<Waiting<I, O>> = []
  private inFlight = false
  private lastCallAt = Number.NEGATIVE_INFINITY
  /** Items added in the current second (since `secondStart`) and in the one before. */
  private rate = { secondStart: 0, current: 0, previous: 0 }
  private timer: ReturnType<typeof setTimeout> | null = null
  /** Calls made and items they carried, for tests and bench:costs. */
  readonly sent = { batches: 0, items: 0 }

  constructor(
    private readonly call: (items: I[]) => Promise<Array<Result<O>>>,
    private readonly gapMs: (itemsLastSecond: number) => number,
    private readonly maxItems: number,
  ) {}

  add(item: I): Promise<Result<O>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      this.counted(Date.now())
      this.sendWhenFree()
    })
  }

  private sendWhenFree() {
    if (this.inFlight || this.timer !== null || this.waiting.length === 0) return
    const wait = this.lastCallAt + this.gapMs(this.rate.previous) - Date.now()
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null
        this.sendWhenFree()
      }, wait)
      return
    }
    this.send()
  }

  private counted(now: number) {
    const elapsed = now - this.rate.secondStart
    if (elapsed >= 1_000) {
      this.rate = { secondStart: now, current: 0, previous: elapsed < 2_000 ? this.rate.current : 0 }
    }
    this.rate.current++
  }

  private send() {
    const batch = this.waiting.splice(0, this.maxItems)
    this.inFlight = true
    this.lastCallAt = Date.now()
    this.sent.batches++
    this.sent.items += batch.length
    this.call(batch.map((w) => w.item))
      .then(
        (answers) => released(answers).forEach((answer, i) => batch[i]!.resolve(answer)),
        (error) => {
          const code = unavailable(error)
          batch.forEach((w) => (code ? w.resolve(fail(code)) : w.reject(error)))
        },
      )
      .finally(() => {
        this.inFlight = false
        this.sendWhenFree()
      })
  }
}
