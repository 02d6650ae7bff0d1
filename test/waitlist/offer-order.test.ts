import { describe, expect, it } from 'vitest'
import { ANY_SECTION, firstToOffer, offerExpiresAt, queuesThatFit } from '../../src/concert/waitlist/offer-order'
import { canMove, entryAfterOrder, whyNotLeave } from '../../src/concert/waitlist/entry-states'

describe('the offer order (join order, skip to fit)', () => {
  it('asks only the queues whose entries fit the seats free: per freed section and for any section', () => {
    const free: Record<string, number> = { VIP: 2, Floor: 0 }
    expect(queuesThatFit(['VIP', 'Floor', 'VIP'], (s) => free[s] ?? 0, 3, 4)).toEqual([
      { section: 'VIP', seats: 1 },
      { section: 'VIP', seats: 2 },
      { section: ANY_SECTION, seats: 1 },
      { section: ANY_SECTION, seats: 2 },
      { section: ANY_SECTION, seats: 3 },
    ])
    // Never more than maxSeatsPerOrder a queue, however many are free.
    expect(queuesThatFit(['VIP'], () => 50, 50, 2)).toHaveLength(4)
    expect(queuesThatFit([], () => 0, 0, 4)).toEqual([])
  })

  it('offers the earliest head that fits: a later entry that fits goes before an earlier one that does not', () => {
    expect(firstToOffer([null, { seq: 9, section: 'VIP', seats: 1 }, { seq: 4, section: '', seats: 2 }])).toEqual({
      seq: 4,
      section: '',
      seats: 2,
    })
    expect(firstToOffer([null, null])).toBeNull()
    expect(firstToOffer([])).toBeNull()
  })

  it("runs an offer out after the policy's seconds", () => {
    expect(offerExpiresAt(1_000, 600)).toBe(601_000)
  })
})

describe("a waitlist entry's life", () => {
  it('moves WAITING → OFFERED → FULFILLED | EXPIRED, and WAITING/OFFERED → CANCELLED, nothing else', () => {
    expect(canMove('WAITING', 'OFFERED')).toBe(true)
    expect(canMove('WAITING', 'CANCELLED')).toBe(true)
    expect(canMove('OFFERED', 'FULFILLED')).toBe(true)
    expect(canMove('OFFERED', 'EXPIRED')).toBe(true)
    expect(canMove('OFFERED', 'CANCELLED')).toBe(true)
    expect(canMove('WAITING', 'FULFILLED')).toBe(false)
    expect(canMove('FULFILLED', 'CANCELLED')).toBe(false)
    expect(canMove('EXPIRED', 'OFFERED')).toBe(false)
    // A payment the ledger made after the offer ended wins.
    expect(canMove('EXPIRED', 'FULFILLED')).toBe(true)
  })

  it("follows its offer's order, and says why an ended entry cannot be left", () => {
    expect(entryAfterOrder('PAID')).toBe('FULFILLED')
    expect(entryAfterOrder('EXPIRED')).toBe('EXPIRED')
    expect(entryAfterOrder('RELEASED')).toBe('CANCELLED')
    expect(entryAfterOrder('PAYING')).toBeNull()
    expect(whyNotLeave('FULFILLED')).toMatchObject({ code: 'WAITLIST_ENTRY_ENDED' })
    expect(whyNotLeave('WAITING')).toBeNull()
    expect(whyNotLeave('CANCELLED')).toBeNull()
  })
})
