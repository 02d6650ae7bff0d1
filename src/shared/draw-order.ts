// Every pre-queue entry has its place from the opening: its rank among the draw keys
// (draw.ts). The draw gives the places to the rows slice by slice (draw-slices.ts), and until an
// entry's slice comes its place is found here, by the object or by a gate that holds the
// order (src/gate/gate.ts). The keys are kept as their first 32 bits, sorted: 4 bytes an
// entry, 2.8 MB for 700,000. Keys that share those bits (about 57 pairs among 700,000) are
// told apart by their whole key, which only the object's table holds.
import { drawKey } from './draw'
import { firstIndexAfter } from './policy'
import { ok, type Result } from '../errors/catalogue'

/** What finds any entry's place once the draw has begun: its seed, the arrival before its first place, every key's prefix in order. */
export interface DrawOrderView {
  seed: string
  base: number
  prefixes: Uint32Array
}

/**
 * Entries a page of the draw's order carries at most (16 MB): an RPC message carries 32 MiB at
 * most, and the whole order of 8,400,000 entries or more would not go in one (wrangler.toml
 * DRAW_ORDER_PAGE may set fewer, as the tests do).
 */
export const DRAW_ORDER_PAGE = 4_000_000

/** A page of the order: `prefixes` are those from `offset`, of `total`. */
export interface DrawOrderPage {
  seed: string
  base: number
  total: number
  offset: number
  prefixes: Uint32Array
}

/** The page of `view` from `offset`, copied (a typed array's view would carry its whole buffer across RPC). */
export const pageOf = (view: DrawOrderView, offset: number, limit: number): DrawOrderPage => ({
  seed: view.seed,
  base: view.base,
  total: view.prefixes.length,
  offset,
  prefixes: view.prefixes.slice(offset, offset + Math.max(1, limit)),
})

/** The whole order from its pages, fetched one after another from the first: null before the draw begins. */
export async function wholeOrder(
  page: (offset: number) => Promise<Result<DrawOrderPage | null>>,
): Promise<Result<DrawOrderView | null>> {
  const first = await page(0)
  if (!first.ok || first.value === null) return first.ok ? ok(null) : first
  const { seed, base, total } = first.value
  if (first.value.prefixes.length === total) return ok({ seed, base, prefixes: first.value.prefixes })
  const prefixes = new Uint32Array(total)
  prefixes.set(first.value.prefixes)
  for (let offset = first.value.prefixes.length; offset < total;) {
    const next = await page(offset)
    if (!next.ok) return next
    if (next.value === null || next.value.prefixes.length === 0)
      throw new Error(`no page of the draw's order at ${offset}`)
    prefixes.set(next.value.prefixes, offset)
    offset += next.value.prefixes.length
  }
  return ok({ seed, base, prefixes })
}

/** A draw key's first 32 bits: the order of these is the keys' order, but for keys sharing them. */
export const keyPrefix = (key: string): number => parseInt(key.slice(0, 8), 16)

/** How many of the sorted values are less than `value` (they are integers). */
export const lowerBound = (sorted: Uint32Array, value: number): number => firstIndexAfter(sorted, value - 1)

export class DrawOrder {
  /** `prefixes`: every key's prefix, in the keys' order (which sorts them). */
  constructor(readonly prefixes: Uint32Array) {}

  /** From the keys in ascending order. */
  static ofSortedKeys(keys: Iterable<string>, count: number): DrawOrder {
    const prefixes = new Uint32Array(count)
    let i = 0
    for (const key of keys) prefixes[i++] = keyPrefix(key)
    return new DrawOrder(prefixes.subarray(0, i))
  }

  /** How many keys are less than `key`, one of them; null when another shares its first 32 bits (see `sharingBelow`). */
  rankOf(key: string): number | null {
    const prefix = keyPrefix(key)
    const first = lowerBound(this.prefixes, prefix)
    return this.prefixes[first + 1] === prefix ? null : first
  }

  /** For a key whose prefix others share: how many keys have a smaller prefix (add those sharing it that are less than the key). */
  sharingBelow(key: string): number {
    return lowerBound(this.prefixes, keyPrefix(key))
  }
}

/**
 * The keys' prefixes as entries are made, in no order: sorted once as the draw begins (an
 * array sort), where reading 700,000 keys back from the table would keep the object busy
 * for most of a second at the opening (1.2 µs an entry, `npm run bench:costs`).
 */
export class PrefixCollector {
  private prefixes = new Uint32Array(1_024)
  private count = 0

  add(keys: readonly string[]) {
    if (this.count + keys.length > this.prefixes.length) {
      const grown = new Uint32Array(Math.max(this.prefixes.length * 2, this.count + keys.length))
      grown.set(this.prefixes.subarray(0, this.count))
      this.prefixes = grown
    }
    for (const key of keys) this.prefixes[this.count++] = keyPrefix(key)
  }

  order(): DrawOrder {
    return new DrawOrder(sortPrefixes(this.prefixes.slice(0, this.count)))
  }
}

/**
 * From this many prefixes the opening sorts them by radix: `npm run bench:views` measures both
 * ways at 700,000 and 9,800,000 (docs/scale.md); below, the array sort is as fast.
 */
export const RADIX_SORT_FROM = 500_000

/**
 * Sorts 32-bit prefixes in place, ascending: by the array sort, or from RADIX_SORT_FROM by a
 * radix sort of two passes of 16 bits, linear in the count, where the array sort is n log n.
 */
export function sortPrefixes(prefixes: Uint32Array): Uint32Array {
  if (prefixes.length < RADIX_SORT_FROM) return prefixes.sort()
  const spare = new Uint32Array(prefixes.length)
  radixPass(prefixes, spare, 0)
  radixPass(spare, prefixes, 16)
  return prefixes
}

/** A stable counting sort of `from` into `to` by the 16 bits at `shift`. */
function radixPass(from: Uint32Array, to: Uint32Array, shift: number) {
  const starts = new Uint32Array(65_536)
  const n = from.length
  // Indexed loops over the typed arrays: iterating them with for...of was slower than the array sort.
  for (let i = 0; i < n; i++) starts[(from[i]! >>> shift) & 0xffff]!++
  let sum = 0
  for (let digit = 0; digit < 65_536; digit++) {
    const count = starts[digit]!
    starts[digit] = sum
    sum += count
  }
  for (let i = 0; i < n; i++) {
    const value = from[i]!
    to[starts[(value >>> shift) & 0xffff]!++] = value
  }
}

/** The places the draw gives: base + 1 + an entry's rank. */
export class DrawPlaces {
  private readonly order: DrawOrder

  constructor(private readonly view: DrawOrderView) {
    this.order = new DrawOrder(view.prefixes)
  }

  /** The entry's place, or null when its key shares its first 32 bits with another's (the object tells them apart). */
  placeOf(entryId: string): number | null {
    const rank = this.order.rankOf(drawKey(this.view.seed, entryId))
    return rank === null ? null : this.view.base + 1 + rank
  }
}
