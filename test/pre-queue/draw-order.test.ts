import { describe, expect, it } from 'vitest'
import { drawKey, drawKeys } from '../../src/shared/draw'
import {
  DrawOrder,
  DrawPlaces,
  keyPrefix,
  lowerBound,
  RADIX_SORT_FROM,
  sortPrefixes,
} from '../../src/shared/draw-order'

/** Keys as the draw makes them, and the rank of each by plain comparison of whole keys. */
function keysAndRanks(keys: string[]) {
  const sorted = [...keys].sort()
  return { sorted, rank: new Map(sorted.map((key, i) => [key, i])) }
}

/** What the table answers for keys sharing a prefix: those below the key, by whole key. */
const belowAmong = (sorted: string[]) => (key: string) =>
  sorted.filter((k) => keyPrefix(k) === keyPrefix(key) && k < key).length

describe("the draw's order before its places are given", () => {
  it('lowerBound counts the values below, at the ends and between equal values', () => {
    const sorted = Uint32Array.from([1, 3, 3, 3, 7, 0xffffffff])
    expect([0, 1, 2, 3, 4, 7, 8, 0xffffffff].map((v) => lowerBound(sorted, v))).toEqual([0, 0, 1, 1, 4, 4, 5, 5])
    expect(lowerBound(new Uint32Array(0), 5)).toBe(0)
  })

  it("gives every key its rank among 5,000 of the draw's keys", () => {
    const keys = drawKeys(
      'a'.repeat(64),
      Array.from({ length: 5_000 }, () => crypto.randomUUID()),
    )
    const { sorted, rank } = keysAndRanks(keys)
    const order = DrawOrder.ofSortedKeys(sorted, sorted.length)
    const ranks = keys.map((key) => order.rankOf(key) ?? order.sharingBelow(key) + belowAmong(sorted)(key))
    expect(ranks).toEqual(keys.map((key) => rank.get(key)))
    // 5,000 random 32-bit prefixes nearly never share one: the whole keys are nearly never needed.
    expect(keys.filter((key) => order.rankOf(key) === null).length).toBeLessThan(5)
  })

  it('tells apart keys sharing their first 32 bits by their whole key, asking only for those', () => {
    const shared = '0123abcd'
    const keys = [
      shared + 'f'.repeat(56),
      shared + '0'.repeat(56),
      shared + '8'.repeat(56),
      '00000000' + '1'.repeat(56),
      'ffffffff' + '2'.repeat(56),
      '0123abce' + '3'.repeat(56),
    ]
    const { sorted, rank } = keysAndRanks(keys)
    const order = DrawOrder.ofSortedKeys(sorted, sorted.length)
    const ranks = keys.map((key) => order.rankOf(key) ?? order.sharingBelow(key) + belowAmong(sorted)(key))
    expect(ranks).toEqual(keys.map((key) => rank.get(key)))
    expect(keys.filter((key) => order.rankOf(key) === null).sort()).toEqual(
      keys.filter((k) => k.startsWith(shared)).sort(),
    )
  })

  it('gives an entry the place base + 1 + its rank, from the seed and the prefixes alone', () => {
    const seed = 'b'.repeat(64)
    const ids = Array.from({ length: 300 }, () => crypto.randomUUID())
    const sorted = ids.map((id) => drawKey(seed, id)).sort()
    const places = new DrawPlaces({ seed, base: 40, prefixes: DrawOrder.ofSortedKeys(sorted, sorted.length).prefixes })
    expect(ids.map((id) => places.placeOf(id))).toEqual(ids.map((id) => 41 + sorted.indexOf(drawKey(seed, id))))
  })
})

describe("the opening's sort of the prefixes", () => {
  it('sorts as the array sort does, by radix from RADIX_SORT_FROM (duplicates, ends and all)', () => {
    const count = RADIX_SORT_FROM + 1_234
    const prefixes = new Uint32Array(count)
    for (let i = 0; i < count; i++) prefixes[i] = (Math.random() * 2 ** 32) >>> 0
    prefixes.set([0, 0xffffffff, 0x00010000, 0x0000ffff, 0x00010000, 7, 7], 0)
    const expected = prefixes.slice().sort()
    const sorted = sortPrefixes(prefixes)
    expect(sorted).toBe(prefixes)
    expect(sorted.every((value, i) => value === expected[i])).toBe(true)
  })

  it('below RADIX_SORT_FROM too', () => {
    const prefixes = Uint32Array.from([5, 0xffffffff, 0, 5, 70_000, 65_535])
    expect([...sortPrefixes(prefixes)]).toEqual([0, 5, 5, 65_535, 70_000, 0xffffffff])
  })
})
