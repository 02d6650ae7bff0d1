import type { QueueEntryView } from '../concert/rpc'
import type { Result } from '../errors'

type SendEntries = (userIds: string[]) => Promise<Array<Result<QueueEntryView>>>
type KeepAlive = (sending: Promise<unknown>) => void
type Outcome = { result: Result<QueueEntryView> } | { error: unknown }

interface Entrant {
  userId: string
  /** When the batch carrying this entry was sent; undefined while it waits to be sent. */
  sentAt?: number
  outcome?: Outcome
}

export interface EntryBatcherOptions {
  /** How often a waiting request looks for its answer. */
  pollMs: number
  /** A batch unanswered this long is taken as lost (its sender's context ended) and sent again. */
  lostAfterMs: number
  maxBatch: number
}

const DEFAULTS: EntryBatcherOptions = { pollMs: 1, lostAfterMs: 5_000, maxBatch: 100 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Queue entries of one concert from this isolate, sent to the concert object in batches: in a
 * rush the one object's cost is per call, not per entry (docs/benchmarks.md). The request that
 * finds no batch on its way sends every entry waiting (its own included); the others wait on
 * timers of their own and read their answer from memory. Only plain data crosses requests:
 * Workers forbid one request to await another's I/O. Entering is idempotent in the object (the
 * same user keeps one place), so a batch taken as lost is simply sent again.
 */
export class EntryBatcher {
  private waiting: Entrant[] = []
  private inFlight: { sentAt: number } | null = null
  private readonly options: EntryBatcherOptions

  constructor(
    private readonly send: SendEntries,
    options: Partial<EntryBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options }
  }

  /** True when no entry waits or is being sent: the batcher can be dropped. */
  get idle(): boolean {
    return this.waiting.length === 0 && this.inFlight === null
  }

  /** `keepAlive` keeps a send running if the request that made it ends first (waitUntil). */
  async enter(userId: string, keepAlive: KeepAlive): Promise<Result<QueueEntryView>> {
    const entrant: Entrant = { userId }
    this.waiting.push(entrant)
    for (;;) {
      const { outcome } = entrant
      if (outcome) {
        if ('error' in outcome) throw outcome.error
        return outcome.result
      }
      const now = Date.now()
      if (this.inFlight && now - this.inFlight.sentAt > this.options.lostAfterMs) this.inFlight = null
      if (entrant.sentAt !== undefined && now - entrant.sentAt > this.options.lostAfterMs) {
        entrant.sentAt = undefined
        this.waiting.push(entrant)
      }
      // Every turn awaits something: a loop that never yields would stop the whole isolate.
      if (this.inFlight === null && this.waiting.length > 0) await this.sendWaiting(keepAlive)
      else await sleep(this.options.pollMs)
    }
  }

  private async sendWaiting(keepAlive: KeepAlive) {
    const batch = this.waiting.splice(0, this.options.maxBatch)
    const flight = { sentAt: Date.now() }
    this.inFlight = flight
    for (const entrant of batch) entrant.sentAt = flight.sentAt
    const sending = this.send(batch.map((e) => e.userId))
    keepAlive(sending.catch(() => {}))
    try {
      const results = await sending
      batch.forEach((entrant, i) => (entrant.outcome = { result: results[i]! }))
    } catch (error) {
      for (const entrant of batch) entrant.outcome = { error }
    } finally {
      if (this.inFlight === flight) this.inFlight = null
    }
  }
}

const batchers = new Map<string, EntryBatcher>()

/** The user's place in this concert's line (a new one, or the one they have), through this isolate's batch. */
export async function enterInBatch(concertId: string, userId: string, send: SendEntries, keepAlive: KeepAlive): Promise<Result<QueueEntryView>> {
  let batcher = batchers.get(concertId)
  if (!batcher) batchers.set(concertId, (batcher = new EntryBatcher(send)))
  try {
    return await batcher.enter(userId, keepAlive)
  } finally {
    if (batcher.idle && batchers.get(concertId) === batcher) batchers.delete(concertId)
  }
}
