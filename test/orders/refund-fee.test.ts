import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_REFUND_POLICY, refundTerms } from '../../src/shared/refund-fee'

const DAY = 86_400_000
const SHOW = Date.parse('2027-03-01T10:00:00Z')
const at = (daysBefore: number, extraMs = 0) => SHOW - daysBefore * DAY - extraMs

describe('refund fee (the default policy: 7+ days 0%, 3+ 10%, 1+ 30%, then closed)', () => {
  it.each([
    ['30 days before', at(30), 0],
    ['exactly 7 days before', at(7), 0],
    ['a minute short of 7 days', at(7, -60_000), 10],
    ['exactly 3 days before', at(3), 10],
    ['a minute short of 3 days', at(3, -60_000), 30],
    ['exactly 1 day before', at(1), 30],
  ])('%s: %i%%', (_, now, feePercent) => {
    expect(refundTerms(100_000, SHOW, now, DEFAULT_REFUND_POLICY)).toEqual({
      feePercent,
      fee: feePercent * 1_000,
      amount: 100_000 - feePercent * 1_000,
    })
  })

  it.each([
    ['a minute short of 1 day', at(1, -60_000)],
    ['at the show', SHOW],
    ['after the show', SHOW + 1],
  ])('%s: closed', (_, now) => {
    expect(refundTerms(100_000, SHOW, now, DEFAULT_REFUND_POLICY)).toBeNull()
  })

  it('rounds the fee down to whole KRW, and fee + amount is what was paid', () => {
    expect(refundTerms(33_333, SHOW, at(2), DEFAULT_REFUND_POLICY)).toEqual({
      feePercent: 30,
      fee: 9_999,
      amount: 23_334,
    })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000_000 }), fc.integer({ min: 0, max: 100 }), (price, feePercent) => {
        const terms = refundTerms(price, SHOW, at(10), [{ fromDaysBefore: 0, feePercent }])!
        expect(terms.fee).toBe(Math.floor((price * feePercent) / 100))
        expect(terms.fee + terms.amount).toBe(price)
        expect(terms.amount).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('applies the first rule, in the order given, whose day is at most the days left', () => {
    const policy = [
      { fromDaysBefore: 14, feePercent: 5 },
      { fromDaysBefore: 0, feePercent: 50 },
    ]
    expect(refundTerms(1_000, SHOW, at(20), policy)?.feePercent).toBe(5)
    expect(refundTerms(1_000, SHOW, at(13), policy)?.feePercent).toBe(50)
    // A rule from day 0 keeps refunds open until the show starts.
    expect(refundTerms(1_000, SHOW, SHOW - 1, policy)?.feePercent).toBe(50)
    expect(refundTerms(1_000, SHOW, SHOW, policy)).toBeNull()
  })
})
