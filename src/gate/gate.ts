import { DurableObject } from 'cloudflare:workers'
import type { ConcertObject } from '../concert'
import { CoalescedPush } from '../concert/coalesced-push'
import type { QueueEntryView } from '../concert/rpc'
import { fail, unavailable, type Result } from '../errors'

/** A gate sends its entries to the concert object at most this often: its calls there are bounded by 1,000 / GATE_INTERVAL_MS a second. */
export const GATE_INTERVAL_MS = 100
/** Entries per call at most: the object takes them in one transaction (docs/scale.md gives its cost per entry). */
const MAX_BATCH = 5_000

type Waiting = { userId: string; resolve: (entry: Result<QueueEntryView>) => void; reject: (error: unknown) => void }

/**
 * A gate of one concert's queue (GATES_PER_CONCERT of them, src/concert-client/gates.ts): it
 * gathers the entries of every isolate that reaches it and hands them to the concert object
 * in one call per interval, so the object's calls for entries grow with the gates, not with
 * the isolates or the fans. Pre-queue entries carry no order; in line, a place is the order in
 * which the batches reach the object (a gate's interval at most after the entry reached it). Each request is answered with the object's own answer (its entry, or why not),
 * so a gate keeps nothing: a restart loses only batches not yet sent, whose requests fail and
 * are retried by their clients (entering is idempotent).
 */
export class ConcertGate extends DurableObject<Env> {
  private waiting: Waiting[] = []
  private concertId = ''
  private readonly sends = new CoalescedPush(() => this.send(), GATE_INTERVAL_MS)
  /** Calls made to the object and entries they carried, for tests and the simulation's costs. */
  private readonly sent = { batches: 0, entries: 0 }

  enter(concertId: string, userId: string): Promise<Result<QueueEntryView>> {
    this.concertId = concertId
    return new Promise((resolve, reject) => {
      this.waiting.push({ userId, resolve, reject })
      this.sends.schedule()
    })
  }

  counts(): { batches: number; entries: number } {
    return this.sent
  }

  private send() {
    const batch = this.waiting.splice(0, MAX_BATCH)
    if (this.waiting.length > 0) this.sends.schedule()
    if (batch.length === 0) return
    this.sent.batches++
    this.sent.entries += batch.length
    const concert = this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId)) as DurableObjectStub<ConcertObject>
    concert.enterAll(batch.map((w) => w.userId)).then(
      (entries) => {
        batch.forEach((w, i) => w.resolve(entries[i]!))
        // An RPC result carries a disposer: its data is all that is used.
        ;(entries as Partial<Disposable>)[Symbol.dispose]?.()
      },
      (error) => {
        // The object overloaded or reset: each entry is refused with when to retry (an error's flags do not cross RPC).
        const code = unavailable(error)
        batch.forEach((w) => (code ? w.resolve(fail(code)) : w.reject(error)))
      },
    )
  }
}
