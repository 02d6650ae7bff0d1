import { describe, expect, it } from 'vitest'
import { drawKey, drawKeys, newSeed } from '../../src/shared/draw'
import { OPENING_POLL_SPREAD_S, preQueueStatus } from '../../src/shared/policy'

/** Hex SHA-256 by WebCrypto: an implementation of the contract's formula independent of the one the object uses. */
async function webSha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}
const hexBytes = (hex: string) => new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)))

/** Deterministic seeds and entry ids, so that a failure reproduces; nothing in them favours any entry. */
const seedNumber = (i: number) => drawKey('seed', String(i))
const entryIds = (n: number) =>
  Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)

/** The object's draw given the keys: entries in ascending key order (its SQL's ORDER BY draw_key). */
function drawOrder<E extends { entryId: string }>(seed: string, entries: readonly E[]): E[] {
  const keys = drawKeys(
    seed,
    entries.map((e) => e.entryId),
  )
  return entries
    .map((entry, i) => ({ entry, key: keys[i]! }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((k) => k.entry)
}

/** Chi-square critical values at significance 0.001 by degrees of freedom. */
const CHI_SQUARE_0_001: Record<number, number> = { 7: 24.322, 9: 27.877 }

type Entry = { entryId: string; entry: number }

/** counts[entry][rank]: how often each of n entries (in arrival order) was drawn at each rank, over `draws` orders. */
function rankCounts(n: number, draws: number, order: (draw: number, entries: Entry[]) => Entry[]): number[][] {
  const entries = entryIds(n).map((entryId, entry) => ({ entryId, entry }))
  const counts = entries.map(() => new Array<number>(n).fill(0))
  for (let i = 0; i < draws; i++) order(i, entries).forEach(({ entry }, rank) => counts[entry]![rank]!++)
  return counts
}

function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
}

describe('the draw', () => {
  it('commits to the 32 bytes of the seed, not to their hex text', async () => {
    const { seed, commitment } = newSeed()
    expect(seed).toMatch(/^[0-9a-f]{64}$/)
    expect(commitment).toBe(await webSha256(hexBytes(seed)))
    expect(commitment).not.toBe(await webSha256(new TextEncoder().encode(seed)))
    expect(newSeed().seed).not.toBe(seed)
  })

  it('orders entries by hex SHA-256 of seed + ":" + entryId, ascending, as recomputed with WebCrypto', async () => {
    const seed = seedNumber(1)
    const ids = entryIds(200).map(() => crypto.randomUUID())
    const keys = await Promise.all(
      ids.map(async (id) => [id, await webSha256(new TextEncoder().encode(`${seed}:${id}`))] as const),
    )
    const expected = [...keys].sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([id]) => id)
    expect(
      drawOrder(
        seed,
        ids.map((entryId) => ({ entryId })),
      ).map((e) => e.entryId),
    ).toEqual(expected)
    expect(drawKey(seed, ids[0]!)).toBe(keys[0]![1])
  })

  it('gives each entry of a batch the key it would have alone (the hash state of "seed:" is reused)', () => {
    const seed = seedNumber(2)
    const ids = entryIds(50).map(() => crypto.randomUUID())
    expect(drawKeys(seed, ids)).toEqual(ids.map((id) => drawKey(seed, id)))
  })

  it('gives every entry each rank equally often over many seeds (chi-square, significance 0.001)', () => {
    const ranks = rankCounts(8, 4_000, (i, entries) => drawOrder(seedNumber(i), entries))
    for (const counts of ranks) expect(chiSquare(counts, 4_000 / 8)).toBeLessThan(CHI_SQUARE_0_001[7]!)
  })

  it('gives the first entrant no advantage: drawn first 1 time in n, at the middle rank on average', () => {
    const [n, draws] = [10, 5_000]
    const firstRanks = rankCounts(n, draws, (i, entries) => drawOrder(seedNumber(10_000 + i), entries))[0]!
    expect(chiSquare(firstRanks, draws / n)).toBeLessThan(CHI_SQUARE_0_001[n - 1]!)
    // Mean rank (n + 1) / 2 = 5.5; its standard error over 5,000 draws is about 0.04.
    const meanRank = firstRanks.reduce((sum, count, rank) => sum + count * (rank + 1), 0) / draws
    expect(Math.abs(meanRank - (n + 1) / 2)).toBeLessThan(0.15)
  })

  it('a biased order would fail the same test (the check can fail)', () => {
    // Arrival order kept one time in ten: what "early gives an advantage" would look like.
    const ranks = rankCounts(8, 4_000, (i, entries) => (i % 10 === 0 ? entries : drawOrder(seedNumber(i), entries)))
    expect(chiSquare(ranks[0]!, 4_000 / 8)).toBeGreaterThan(CHI_SQUARE_0_001[7]!)
  })
})

describe('pre-queue status', () => {
  it('has no position, waits at least until the opening, and polls again just after it', () => {
    const opensAt = Date.parse('2026-12-24T11:00:00Z')
    const moment = { now: opensAt - 90_500, admissionRate: 0, seatsLeft: 50 }
    expect(preQueueStatus('e', opensAt, moment)).toEqual({
      status: 'PRE_QUEUE',
      entryId: 'e',
      opensAt: '2026-12-24T11:00:00.000Z',
      position: null,
      estimatedWaitSeconds: 91,
      activeUntil: null,
      pollAfterSeconds: 30,
      seatsLeft: 50,
    })
    // Entry 'e' (14) polls 14 s into the opening's spread.
    expect(preQueueStatus('e', opensAt, { ...moment, now: opensAt - 2_000 })).toMatchObject({
      estimatedWaitSeconds: 2,
      pollAfterSeconds: 17,
    })
    expect(preQueueStatus('e', opensAt, { ...moment, now: opensAt + 10 })).toMatchObject({
      estimatedWaitSeconds: 0,
      pollAfterSeconds: 15,
    })
  })

  it("spreads a pre-queue's first polls after the opening evenly over OPENING_POLL_SPREAD_S seconds", () => {
    const opensAt = Date.parse('2026-12-24T11:00:00Z')
    const perSecond = new Array<number>(OPENING_POLL_SPREAD_S + 1).fill(0)
    for (let i = 0; i < 4_000; i++)
      perSecond[
        preQueueStatus(crypto.randomUUID(), opensAt, { now: opensAt, admissionRate: 0, seatsLeft: 1 }).pollAfterSeconds
      ]!++
    expect(perSecond[0]).toBe(0)
    for (const count of perSecond.slice(1)) expect(count).toBeGreaterThan(120) // 200 expected each
  })
})
