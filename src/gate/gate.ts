import { DurableObject } from 'cloudflare:workers'
import type { ConcertObject } from '../concert'
import { released, type PlaceInLine, type QueueEntryView } from '../concert/rpc'
import { ok, type Result } from '../errors'
import { Batch } from './batch'

/** A gate calls the concert object with entries at most this often: 1,000 / GATE_INTERVAL_MS a second. */
export const GATE_INTERVAL_MS = 100
/** And with drawn entries' first polls, which can wait longer (a poll comes every few seconds): 5 calls a second. */
export const DRAWN_INTERVAL_MS = 200
/** Places of drawn entries a gate keeps, at most (the oldest found are dropped first). */
const MAX_PLACES_KEPT = 200_000
/** Items per call at most: the object takes a batch of entries in one transaction (docs/scale.md gives its cost per entry). */
const MAX_BATCH = 5_000

/**
 * A gate of one concert's queue (GATES_PER_CONCERT of them, src/concert-client/gates.ts): it
 * gathers the entries of every isolate that reaches it and hands them to the concert object
 * in one call per interval, so the object's calls for entries grow with the gates, not with
 * the isolates or the fans. Pre-queue entries carry no order; in line, a place is the order in
 * which the batches reach the object (a gate's interval at most after the entry reached it).
 * Once the draw has reached an entry, it does the same for the first polls of its token, which
 * names the entry rather than a place: the places the draw gave are asked in one call, and
 * kept. Each request is answered with the object's own answer, so a gate holds nothing that
 * matters: a restart loses only batches not yet sent, whose requests fail and are retried by
 * their clients, and places found, which are asked again.
 */
export class ConcertGate extends DurableObject<Env> {
  private concertId = ''
  private readonly entries = new Batch<string, QueueEntryView>((userIds) => this.concert.enterAll(userIds), GATE_INTERVAL_MS, MAX_BATCH)
  /** Places found for entries (an entry always asks the same gate: gates.ts, gateOfEntry). */
  private readonly places = new Map<string, number>()
  private readonly drawn = new Batch<PlaceInLine, number>(
    async (places) => {
      const arrivals = released(await this.concert.drawnArrivals(places))
      return arrivals.ok ? arrivals.value.map((arrival) => ok(arrival)) : places.map(() => arrivals)
    },
    DRAWN_INTERVAL_MS,
    MAX_BATCH,
  )

  private get concert(): DurableObjectStub<ConcertObject> {
    return this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId))
  }

  enter(concertId: string, userId: string): Promise<Result<QueueEntryView>> {
    this.concertId = concertId
    return this.entries.add(userId)
  }

  /** The place the draw gave a pre-queue entry: 0 when not drawn (or not the user's). A place found is kept: the draw never changes it. */
  async drawnArrival(concertId: string, place: PlaceInLine): Promise<Result<number>> {
    this.concertId = concertId
    const known = this.places.get(place.entryId!)
    if (known !== undefined) return ok(known)
    const found = await this.drawn.add(place)
    if (found.ok && found.value > 0) {
      if (this.places.size >= MAX_PLACES_KEPT) this.places.delete(this.places.keys().next().value!)
      this.places.set(place.entryId!, found.value)
    }
    return found
  }

  counts() {
    return { batches: this.entries.sent.batches, entries: this.entries.sent.items, drawnBatches: this.drawn.sent.batches, drawnPlaces: this.drawn.sent.items }
  }
}
