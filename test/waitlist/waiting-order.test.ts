import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WaitingOrder } from '../../src/concert/waitlist/waiting-order'

// The WAITING entries' order per date and section (src/concert/waitlist/waiting-order.ts): a
// position by binary search must be what counting the entries ahead gives, whatever joins and
// leaves came before, in any order of queues.

type Op = { kind: 'join'; queue: number } | { kind: 'leave'; pick: number }

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('join' as const), queue: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('leave' as const), pick: fc.nat() }),
  ),
  { maxLength: 200 },
)

describe('the waiting order', () => {
  it('gives each WAITING entry 1 + the WAITING entries of its queue ahead of it', () => {
    fc.assert(
      fc.property(ops, (steps: Op[]) => {
        const order = new WaitingOrder()
        const waiting: Array<{ seq: number; queue: number }> = []
        let seq = 0
        for (const step of steps) {
          if (step.kind === 'join') {
            waiting.push({ seq: ++seq, queue: step.queue })
            order.add('2027-01-10', `s${step.queue}`, seq)
          } else if (waiting.length > 0) {
            const [gone] = waiting.splice(step.pick % waiting.length, 1)
            order.remove('2027-01-10', `s${gone!.queue}`, gone!.seq)
          }
        }
        for (const e of waiting) {
          const ahead = waiting.filter((o) => o.queue === e.queue && o.seq < e.seq).length
          expect(order.position('2027-01-10', `s${e.queue}`, e.seq)).toBe(1 + ahead)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('keeps dates apart, takes a seq out of order in its place, and ignores one it does not hold', () => {
    const order = new WaitingOrder()
    for (const seq of [1, 5, 3]) order.add('2027-01-10', '', seq)
    order.add('2027-01-11', '', 2)
    expect([1, 3, 5].map((seq) => order.position('2027-01-10', '', seq))).toEqual([1, 2, 3])
    expect(order.position('2027-01-11', '', 2)).toBe(1)
    order.remove('2027-01-10', '', 4)
    order.remove('2027-01-10', '', 1)
    expect(order.position('2027-01-10', '', 5)).toBe(2)
  })
})
