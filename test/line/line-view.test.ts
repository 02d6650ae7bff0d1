import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LineView } from '../../src/shared/line-view'
import { WaitingArrivals } from '../../src/shared/waiting-arrivals'
import { LineViews } from '../../src/shared/line-views'
import { HeldLine } from '../../src/shared/held-line'
import { WaitingIndex } from '../../src/shared/waiting-index'
import { DEFAULT_POLICY } from '../../src/shared/policy'

const header = (lastArrival: number) => ({
  concertId: 'c',
  lastArrival,
  active: [],
  admissionRate: 0,
  seatsLeft: 1,
  soldOut: false,
  preQueueUntil: null,
  draw: null,
  policy: DEFAULT_POLICY,
})

/** The object's line (index + views) and a Worker's decoded view of it, kept in step by views. */
class Pair {
  index = new WaitingIndex([], 2)
  views = new LineViews()
  last = 0
  line: WaitingArrivals | null = null
  version: { epoch: string; version: number } | undefined
  wholes = 0

  arrive(count: number) {
    for (let i = 0; i < count; i++) this.index.add(++this.last)
  }

  leave(arrival: number) {
    if (!this.index.has(arrival)) return
    this.index.remove(arrival)
    this.views.left(arrival)
  }

  sync(fresh = false): LineView {
    const view = this.views.view(header(this.last), this.index, fresh ? undefined : this.version)
    if (view.kind === 'whole') {
      this.line = new WaitingArrivals(view)
      this.wholes++
    } else this.line!.apply(view)
    this.version = { epoch: view.epoch, version: view.version }
    return view
  }

  expectSame(arrivals: Iterable<number>) {
    for (const a of arrivals) {
      expect(this.line!.has(a)).toBe(this.index.has(a))
      if (this.index.has(a)) expect(this.line!.position(a)).toBe(this.index.position(a))
    }
  }
}

describe('line views', () => {
  it('a Worker kept in step by changes answers every position exactly as the object (property)', () => {
    type Op =
      | { kind: 'arrive'; count: number }
      | { kind: 'leave'; pick: number }
      | { kind: 'admit'; count: number }
      | { kind: 'sync' }
      | { kind: 'whole' }
    const op = fc.oneof(
      fc.integer({ min: 1, max: 400 }).map<Op>((count) => ({ kind: 'arrive', count })),
      fc.nat().map<Op>((pick) => ({ kind: 'leave', pick })),
      fc.integer({ min: 1, max: 600 }).map<Op>((count) => ({ kind: 'admit', count })),
      fc.constant<Op>({ kind: 'sync' }),
      fc.constant<Op>({ kind: 'whole' }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const pair = new Pair()
        pair.sync()
        for (const o of ops) {
          if (o.kind === 'arrive') pair.arrive(o.count)
          if (o.kind === 'leave' && pair.last > 0) pair.leave((o.pick % pair.last) + 1)
          if (o.kind === 'admit') {
            // Admission takes the front of the line.
            let admitted = 0
            for (let a = 1; a <= pair.last && admitted < o.count; a++) {
              if (pair.index.has(a)) {
                pair.leave(a)
                admitted++
              }
            }
          }
          if (o.kind === 'sync' || o.kind === 'whole') {
            pair.sync(o.kind === 'whole')
            pair.expectSame(Array.from({ length: 40 }, (_, i) => Math.floor(((i + 1) * pair.last) / 40)))
          }
        }
        pair.sync()
        pair.expectSame(Array.from({ length: pair.last }, (_, i) => i + 1))
      }),
      { numRuns: 60 },
    )
  })

  it('sends only what changed since the version asked about, and the whole line for another epoch or a version past the log', () => {
    const pair = new Pair()
    pair.arrive(1_000)
    expect(pair.sync().kind).toBe('whole')
    pair.leave(10)
    pair.arrive(5)
    const change = pair.sync()
    expect(change).toMatchObject({ kind: 'change', left: [10], lastArrival: 1_005 })
    expect(pair.views.view(header(pair.last), pair.index, { epoch: 'another wake', version: 1 }).kind).toBe('whole')
    const old = pair.version!
    for (let a = 11; a <= 1_005; a++) pair.leave(a)
    pair.arrive(70_000)
    for (let a = 2_000; a < 70_000; a++) pair.leave(a) // 68,000 departures: more than the log keeps
    expect(pair.views.view(header(pair.last), pair.index, old).kind).toBe('whole')
    expect(pair.sync().kind).toBe('whole')
    pair.leave(70_001)
    expect(pair.sync()).toMatchObject({ kind: 'change', left: [70_001] })
    pair.expectSame([1_006, 1_999, 2_000, 69_999, 70_000, 70_001, 70_002, 71_005])
  })

  it('a change applies only to the view it was made from: one that missed a change (a relay that lost a message) must fetch the whole line', () => {
    const pair = new Pair()
    pair.arrive(100)
    const view = HeldLine.of(pair.sync())
    pair.leave(5)
    const missed = pair.sync() // never given to `view`
    pair.leave(6)
    const next = pair.sync()
    expect(missed.kind).toBe('change')
    expect(HeldLine.after(view, next)).toBeNull()
    expect(HeldLine.after(view, { ...next, epoch: 'another wake' })).toBeNull()
    const caughtUp = HeldLine.after(HeldLine.after(view, missed), next)!
    expect(caughtUp.describe({ arrival: 7, userId: 'u' }, Date.now())).toMatchObject({ status: 'WAITING', position: 5 })
  })

  it('a change is as small as what changed, and the whole line at 1,000,000 arrivals is at most 64 KB', () => {
    const pair = new Pair()
    pair.arrive(1_000_000)
    // A rush: 1M arrived, the first 100,000 admitted, 5% of the rest left idle at random.
    for (let a = 1; a <= 100_000; a++) pair.leave(a)
    let seed = 1
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647
    for (let i = 0; i < 45_000; i++) pair.leave(100_001 + Math.floor(random() * 900_000))
    const whole = pair.sync(true)
    expect(whole.kind).toBe('whole')
    const bytes = whole.kind === 'whole' ? whole.bits.length : Infinity
    expect(bytes).toBeLessThanOrEqual(64 * 1024)
    pair.arrive(200)
    for (let a = 100_001; a < 100_300; a++) pair.leave(a)
    const change = pair.sync()
    expect(change.kind === 'change' && change.left.length).toBeLessThanOrEqual(300)
    pair.expectSame([100_299, 100_300, 500_000, 999_999, 1_000_200])
    console.log(`whole line at 1,000,000 arrivals (855,000-odd waiting): ${bytes} bytes deflated`)
  })
})
