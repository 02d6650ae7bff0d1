import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Presence } from '../../src/concert/line/presence'
import { WaitingIndex } from '../../src/shared/waiting-index'

describe('WaitingIndex', () => {
  it('counts live arrivals up to each one', () => {
    const index = new WaitingIndex([1, 2, 3, 4, 5])
    index.remove(2)
    index.remove(4)
    expect([1, 3, 5].map((a) => index.position(a))).toEqual([1, 2, 3])
    expect(index.size).toBe(3)
    expect(index.has(2)).toBe(false)
  })

  it('grows past its initial capacity', () => {
    const index = new WaitingIndex([], 4)
    for (let a = 1; a <= 100; a++) index.add(a)
    index.remove(50)
    expect(index.position(100)).toBe(99)
    expect(index.size).toBe(99)
  })

  it('adds a range at once as it would one by one, past its capacity and after removals', () => {
    fc.assert(
      fc.property(fc.nat(300), fc.nat(3_000), fc.array(fc.nat(400)), (before, span, removed) => {
        const [ranged, single] = [new WaitingIndex([], 8), new WaitingIndex([], 8)]
        for (const index of [ranged, single]) {
          for (let a = 1; a <= before; a++) index.add(a)
          for (const a of removed) index.remove(a)
        }
        ranged.addRange(before + 1, before + span)
        for (let a = before + 1; a <= before + span; a++) single.add(a)
        const arrivals = Array.from({ length: before + span + 2 }, (_, i) => i)
        expect(ranged.size).toBe(single.size)
        expect(arrivals.map((a) => [ranged.has(a), ranged.position(a)])).toEqual(
          arrivals.map((a) => [single.has(a), single.position(a)]),
        )
        expect(ranged.front(before + span)).toBe(single.front(before + span))
      }),
      { numRuns: 60 },
    )
  })

  it('matches a naive model after any sequence of arrivals and removals (property)', () => {
    type Op = { kind: 'arrive' } | { kind: 'leave'; pick: number } | { kind: 'rebuild' }
    const op = fc.oneof(
      fc.constant<Op>({ kind: 'arrive' }),
      fc.nat().map<Op>((pick) => ({ kind: 'leave', pick })),
      fc.constant<Op>({ kind: 'rebuild' }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        let index = new WaitingIndex([], 2)
        const model: number[] = []
        let next = 1
        for (const o of ops) {
          if (o.kind === 'arrive') {
            index.add(next)
            model.push(next++)
          } else if (o.kind === 'leave' && model.length > 0) {
            const [gone] = model.splice(o.pick % model.length, 1)
            index.remove(gone!)
          } else if (o.kind === 'rebuild') {
            // The object rebuilds the index from storage when it wakes.
            index = new WaitingIndex(model, 2)
          }
        }
        expect(index.size).toBe(model.length)
        model.forEach((arrival, i) => expect(index.position(arrival)).toBe(i + 1))
      }),
      { numRuns: 300 },
    )
  })
})

describe('Presence', () => {
  it('finds the idle, oldest first, and a touch moves a user to the back', () => {
    const presence = new Presence()
    presence.touch(1, 100)
    presence.touch(2, 200)
    presence.touch(3, 300)
    presence.touch(1, 400)
    expect(presence.oldest()).toBe(200)
    expect(presence.idleSince(300)).toEqual([2, 3])
    presence.forget(2)
    expect(presence.idleSince(1_000)).toEqual([3, 1])
  })
})
