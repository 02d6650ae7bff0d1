import { DurableObject } from 'cloudflare:workers'
import type { ConcertObject } from '../concert'
import { DrawPlaces } from '../concert/draw-order'
import { released, type PlaceInLine, type QueueEntryView } from '../concert/rpc'
import { fail, ok, unavailable, type Result } from '../errors'
import { Batch } from './batch'

/** A gate calls the concert object with entries at most this often: 1,000 / GATE_INTERVAL_MS a second. */
export const GATE_INTERVAL_MS = 100
/** Items per call at most: the object takes a batch of entries in one transaction (docs/scale.md gives its cost per entry). */
const MAX_BATCH = 5_000

/**
 * A gate of one concert's queue (GATES_PER_CONCERT of them, src/concert-client/gates.ts): it
 * gathers the entries of every isolate that reaches it and hands them to the concert object
 * in one call per interval, so the object's calls for entries grow with the gates, not with
 * the isolates or the fans. Pre-queue entries carry no order; in line, a place is the order in
 * which the batches reach the object (a gate's interval at most after the entry reached it).
 * From the opening it finds pre-queue entries' places itself (a token names its entry, not its
 * place), from the draw's order fetched once: the first polls of a whole pre-queue, which all
 * come at the opening, cost the object one call per gate. Each request is answered with the
 * object's own answer or order, so a gate holds nothing that matters: a restart loses only
 * batches not yet sent, whose requests fail and are retried by their clients.
 */
export class ConcertGate extends DurableObject<Env> {
  private concertId = ''
  private readonly entries = new Batch<string, QueueEntryView>((userIds) => this.concert.enterAll(userIds), GATE_INTERVAL_MS, MAX_BATCH)
  /** The draw's order, once it has begun (fetched once, shared by the requests that wait for it). */
  private order: Promise<Result<DrawPlaces | null>> | null = null
  private found = { orders: 0, calls: 0, places: 0, asked: 0 }

  private get concert(): DurableObjectStub<ConcertObject> {
    return this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId))
  }

  enter(concertId: string, userId: string): Promise<Result<QueueEntryView>> {
    this.concertId = concertId
    return this.entries.add(userId)
  }

  /**
   * The places the draw gives these pre-queue entries, named by genuine tokens: 0 before the
   * draw begins. The object is asked only for entries whose key's first 32 bits another shares.
   */
  async drawnArrivals(concertId: string, places: PlaceInLine[]): Promise<Result<number[]>> {
    this.concertId = concertId
    try {
      const order = await this.drawOrder()
      if (!order.ok || order.value === null) return order.ok ? ok(places.map(() => 0)) : order
      const found = places.map((p) => order.value!.placeOf(p.entryId!))
      this.found.calls++
      this.found.places += places.length
      const shared = places.filter((_, i) => found[i] === null)
      if (shared.length === 0) return ok(found as number[])
      this.found.asked += shared.length
      const asked = released(await this.concert.drawnArrivals(shared))
      if (!asked.ok) return asked
      let next = 0
      return ok(found.map((place) => place ?? asked.value[next++]!))
    } catch (error) {
      const code = unavailable(error)
      if (code) return fail(code)
      throw error
    }
  }

  private drawOrder(): Promise<Result<DrawPlaces | null>> {
    if (this.order) return this.order
    const loading = this.concert.drawOrder().then((result) => {
      const view = released(result)
      // Not begun yet, or refused: asked again next time.
      if (!view.ok || view.value === null) this.order = null
      if (!view.ok) return view
      this.found.orders++
      return ok(view.value && new DrawPlaces(view.value))
    })
    loading.catch(() => this.order === loading && (this.order = null))
    this.order = loading
    return loading
  }

  counts() {
    return { batches: this.entries.sent.batches, entries: this.entries.sent.items, ...this.found }
  }
}
