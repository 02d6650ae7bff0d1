import { describe, expect, it } from 'vitest'
import { relayBranches } from '../../src/concert/fan-out/relay-tree'

const names = (n: number) => Array.from({ length: n }, (_, i) => `c/${i}`)

describe('relayBranches', () => {
  it('splits relays into at most `width` branches of near-equal size, each relay in exactly one', () => {
    for (const [n, width] of [
      [1, 64],
      [5, 2],
      [21, 2],
      [64, 64],
      [6_986, 64],
    ] as const) {
      const branches = relayBranches(names(n), width)
      expect(branches).toHaveLength(Math.min(n, width))
      expect(branches.flatMap((b) => [b.carrier, ...b.also])).toEqual(names(n))
      const sizes = branches.map((b) => 1 + b.also.length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    }
  })

  it('sends to every relay itself while there are no more than `width`', () => {
    expect(relayBranches(names(3), 64)).toEqual(names(3).map((carrier) => ({ carrier, also: [] })))
    expect(relayBranches([], 64)).toEqual([])
  })
})
