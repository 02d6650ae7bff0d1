// The refund fee: a pure function of the price, the days left before the show and the
// concert's refundPolicy (../shared/API.md, "Sections, orders of several seats, purchase
// limits, refunds"). Unit tested in test/orders/refund-fee.test.ts.
import type { RefundPolicyView } from '../schemas'
import { isBookable } from './policy'

const DAY_MS = 86_400_000

export const DEFAULT_REFUND_POLICY: RefundPolicyView = [
  { fromDaysBefore: 7, feePercent: 0 },
  { fromDaysBefore: 3, feePercent: 10 },
  { fromDaysBefore: 1, feePercent: 30 },
]

export interface RefundTerms {
  feePercent: number
  fee: number
  /** What is credited: the price less the fee. */
  amount: number
}

/**
 * The terms of a refund now, or null when refunds are closed. Days left are whole days
 * (rounded down; the rules' days are whole, so "at most the days left" reads the same on the
 * exact fraction); the first rule, in the order given, whose fromDaysBefore is at most them
 * applies. Once the show has started nothing applies. The fee is rounded down to whole KRW.
 */
export function refundTerms(
  price: number,
  startsAt: number,
  now: number,
  policy: RefundPolicyView,
): RefundTerms | null {
  if (!isBookable(startsAt, now)) return null
  const daysLeft = Math.floor((startsAt - now) / DAY_MS)
  const rule = policy.find((r) => r.fromDaysBefore <= daysLeft)
  if (!rule) return null
  const fee = Math.floor((price * rule.feePercent) / 100)
  return { feePercent: rule.feePercent, fee, amount: price - fee }
}
