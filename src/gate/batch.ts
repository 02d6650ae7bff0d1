import { CoalescedPush } from '../shared/coalesced-push'
import { released } from '../shared/rpc'
import { fail, unavailable, type Result } from '../errors'

type Waiting<I, O> = { item: I; resolve: (answer: Result<O>) => void; reject: (error: unknown) => void }

/**
 * Requests of many isolates gathered into one call to the concert object per interval: the
 * first after a quiet interval goes at once, the rest wait for the interval's end. Each
 * request is answered with the object's answer for its item. The object overloaded or reset
 * is passed on as that refusal (an error's flags do not cross RPC), anything else as thrown.
 */
export class Batch<I, O> {
  private waiting: Array<Waiting<I, O>> = []
  private readonly sends: CoalescedPush
  /** Calls made and items they carried, for tests and bench:costs. */
  readonly sent = { batches: 0, items: 0 }

  constructor(
    private readonly call: (items: I[]) => Promise<Array<Result<O>>>,
    intervalMs: number,
    private readonly maxItems: number,
  ) {
    this.sends = new CoalescedPush(() => this.send(), intervalMs)
  }

  add(item: I): Promise<Result<O>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      this.sends.schedule()
    })
  }

  private send() {
    const batch = this.waiting.splice(0, this.maxItems)
    if (this.waiting.length > 0) this.sends.schedule()
    if (batch.length === 0) return
    this.sent.batches++
    this.sent.items += batch.length
    this.call(batch.map((w) => w.item)).then(
      (answers) => released(answers).forEach((answer, i) => batch[i]!.resolve(answer)),
      (error) => {
        const code = unavailable(error)
        batch.forEach((w) => (code ? w.resolve(fail(code)) : w.reject(error)))
      },
    )
  }
}
