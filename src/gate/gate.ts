import { DurableObject } from 'cloudflare:workers'
import type { ConcertObject } from '../concert'
import {
  DRAW_ORDER_PAGE,
  DrawPlaces,
  pageOf,
  wholeOrder,
  type DrawOrderPage,
  type DrawOrderView,
} from '../shared/draw-order'
import { released, type EntryProof, type PlaceInLine, type QueueEntryView } from '../shared/rpc'
import { fail, ok, unavailable, type Result } from '../errors'
import { Batch } from './batch'
import { CoalescedPush } from '../shared/coalesced-push'
import { noRefusals, REFUSAL_REASONS, type RefusedCounts } from '../shared/refused-entries'

/**
 * A gate's calls to the concert object with entries begin at least GATE_INTERVAL_MS apart,
 * RUSH_INTERVAL_MS from RUSH_ENTRIES_PER_S entries a second: with no call in flight a quiet
 * gate sends at once, so a fan's entry waits for nobody; at a rush larger batches spare the
 * object's calls (docs/scale.md: at most 1,000 / GATE_INTERVAL_MS a second per gate, and
 * 1,000 / RUSH_INTERVAL_MS at a rush).
 */
export const GATE_INTERVAL_MS = 10
export const RUSH_INTERVAL_MS = 100
export const RUSH_ENTRIES_PER_S = 250
export const gateCallGapMs = (entriesPerSecond: number) =>
  entriesPerSecond >= RUSH_ENTRIES_PER_S ? RUSH_INTERVAL_MS : GATE_INTERVAL_MS
/** Items per call at most: the object takes a batch of entries in one transaction (docs/scale.md gives its cost per entry). */
const MAX_BATCH = 5_000
/** A gate hands the refusals it was given on to the concert object at most this often. */
export const REFUSALS_INTERVAL_MS = 1_000

/**
 * A gate of one concert's queue (GATES_PER_CONCERT of them, src/shared/gate-names.ts): it
 * gathers the entries of every isolate that reaches it and hands them to the concert object
 * together, one call in flight at a time (batch.ts), so the object's calls for entries grow
 * with the gates, not with the isolates or the fans. Pre-queue entries carry no order; in
 * line, a place is the order in which the batches reach the object.
 * From the opening it finds pre-queue entries' places itself (a token names its entry, not its
 * place), from the draw's order fetched once through a tree of gates: the order gate, the one
 * that fetches it from the object, sends it to ORDER_FANOUT forwarding gates, each of those to
 * the place gates below it. The first polls of a whole pre-queue, which all come at the
 * opening, cost the object one call, whatever the number of gates. Each request is answered with the
 * object's own answer or order, so a gate holds nothing that matters: a restart loses only
 * batches not yet sent, whose requests fail and are retried by their clients.
 */
export class ConcertGate extends DurableObject<Env> {
  private concertId = ''
  private readonly entries = new Batch<{ userId: string; proof: EntryProof | null }, QueueEntryView>(
    (items) =>
      this.concert.enterAll(
        items.map((i) => i.userId),
        items.map((i) => i.proof),
      ),
    gateCallGapMs,
    MAX_BATCH,
  )
  /** As a place gate: the draw's order, fetched through the gates of `placesFrom`, to find places with. */
  private readonly places = new OnceBegun(() => this.placesFromAbove())
  private placesFrom: readonly string[] = []
  /** As the order gate (`orderFrom` empty: from the object) or a forwarding gate: the draw's order, for the gates below. */
  private readonly order = new OnceBegun(() => this.orderFromAbove())
  private orderFrom: readonly string[] = []
  /** Refusals the Worker's isolates handed here, not yet sent to the object. */
  private refusals = noRefusals()
  private readonly refusalSends = new CoalescedPush(() => this.sendRefusals(), REFUSALS_INTERVAL_MS)
  /** Calls to the object with refusals, for tests. */
  private refusalCalls = 0
  /** orders: fetched from another gate; objectOrders: as the order gate, from the object; ordersSent: copies sent on. */
  private found = { orders: 0, objectOrders: 0, ordersSent: 0, calls: 0, places: 0, asked: 0 }

  private get concert(): DurableObjectStub<ConcertObject> {
    return this.env.CONCERT.get(this.env.CONCERT.idFromName(this.concertId))
  }

  /** An entry, with the proof of work the Worker checked (null: none given, or the concert asks for none). */
  enter(concertId: string, userId: string, proof: EntryProof | null = null): Promise<Result<QueueEntryView>> {
    this.concertId = concertId
    return this.entries.add({ userId, proof })
  }

  /**
   * Entries an isolate of the Worker refused (src/concert-client/refusal-counts.ts), summed
   * here with other isolates' and sent to the object in one call a second at most: however
   * many isolates count a flood, the object gets a call a second from each gate at most.
   */
  refused(concertId: string, counts: RefusedCounts): void {
    this.concertId = concertId
    for (const reason of REFUSAL_REASONS) this.refusals[reason] += Math.max(0, Math.trunc(counts[reason] ?? 0))
    this.refusalSends.schedule()
  }

  private sendRefusals() {
    const counts = this.refusals
    this.refusals = noRefusals()
    this.refusalCalls++
    // Counts are a measure for operators, not a sale: an object unreachable now gets them with the next call.
    this.concert.countRefusals(counts).catch(() => {
      for (const reason of REFUSAL_REASONS) this.refusals[reason] += counts[reason]
    })
  }

  /**
   * The places the draw gives these pre-queue entries, named by genuine tokens: 0 before the
   * draw begins. The object is asked only for entries whose key's first 32 bits another shares.
   */
  drawnArrivals(concertId: string, places: PlaceInLine[], orderFrom: readonly string[]): Promise<Result<number[]>> {
    this.concertId = concertId
    this.placesFrom = orderFrom
    return refusedIfUnavailable(async () => {
      const order = await this.places.get()
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
    })
  }

  /**
   * As the order gate (`orderFrom` empty) or a forwarding gate: a page of the draw's order from
   * `offset`, null before it begins (src/shared/draw-order.ts), the whole fetched once from the
   * object or through the gates of `orderFrom` (the first one asked, which fetches it through
   * the rest), page by page: the whole may not go in one RPC message.
   */
  drawOrder(
    concertId: string,
    orderFrom: readonly string[] = [],
    offset = 0,
    limit = DRAW_ORDER_PAGE,
  ): Promise<Result<DrawOrderPage | null>> {
    this.concertId = concertId
    this.orderFrom = orderFrom
    return refusedIfUnavailable(async (): Promise<Result<DrawOrderPage | null>> => {
      const order = await this.order.get()
      if (!order.ok) return order
      if (order.value === null) return ok(null)
      if (offset === 0) this.found.ordersSent++
      return ok(pageOf(order.value, offset, limit))
    })
  }

  private get pageSize(): number {
    return Number(this.env.DRAW_ORDER_PAGE)
  }

  private async orderFromAbove(): Promise<Result<DrawOrderView | null>> {
    if (this.orderFrom.length === 0) {
      const view = await wholeOrder(async (offset) => released(await this.concert.drawOrder(offset, this.pageSize)))
      if (view.ok && view.value !== null) this.found.objectOrders++
      return view
    }
    return this.orderThrough(this.orderFrom)
  }

  private async placesFromAbove(): Promise<Result<DrawPlaces | null>> {
    const view = await this.orderThrough(this.placesFrom)
    if (!view.ok) return view
    return ok(view.value === null ? null : new DrawPlaces(view.value))
  }

  private async orderThrough([first, ...rest]: readonly string[]): Promise<Result<DrawOrderView | null>> {
    // A path that is empty or leads back here would never be answered: refuse it loudly.
    const id = first === undefined ? null : this.env.GATE.idFromName(first)
    if (id === null || id.equals(this.ctx.id)) throw new Error(`no gate to fetch the draw's order from: ${first}`)
    const gate = this.env.GATE.get(id)
    const view = await wholeOrder(async (offset): Promise<Result<DrawOrderPage | null>> =>
      released(await gate.drawOrder(this.concertId, rest, offset, this.pageSize)),
    )
    if (view.ok && view.value !== null) this.found.orders++
    return view
  }

  counts() {
    return {
      batches: this.entries.sent.batches,
      entries: this.entries.sent.items,
      refusalCalls: this.refusalCalls,
      ...this.found,
    }
  }
}

/** A fetch shared by the requests that wait for it and kept once the draw has begun; made again after one that found it not begun, refused or threw. */
class OnceBegun<T> {
  private loading: Promise<Result<T | null>> | null = null

  constructor(private readonly load: () => Promise<Result<T | null>>) {}

  get(): Promise<Result<T | null>> {
    if (this.loading) return this.loading
    const loading = this.load().then((result) => {
      if (!result.ok || result.value === null) this.loading = null
      return result
    })
    loading.catch(() => this.loading === loading && (this.loading = null))
    this.loading = loading
    return loading
  }
}

/** An overloaded or unreachable object's error as the refusal it maps to; any other thrown on. */
async function refusedIfUnavailable<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await work()
  } catch (error) {
    const code = unavailable(error)
    if (code) return fail(code)
    throw error
  }
}
