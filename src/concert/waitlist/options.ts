import type { WaitlistOptionsView } from '../../schemas'
import { isBookable } from '../../shared/policy'
import type { ConcertMeta } from '../runtime/meta'
import type { SeatPlan } from '../seats/seat-plan'
import { sectionsOfDay } from '../seats/seat-counts'

/**
 * What a fan may join the waitlist for (`GET .../waitlist/options`): every date not started
 * yet, sold out or not, with each section's seats AVAILABLE, from the seat counts the catalog's
 * dates and the sections list tell (seats/seat-counts.ts), and the policy's bounds. No SQL on a
 * warm object, no await.
 */
export function waitlistOptions(meta: ConcertMeta, seatPlan: SeatPlan, now: number): WaitlistOptionsView {
  const venue = seatPlan.venue()
  const dates = [...seatPlan.days()]
    .filter((day) => isBookable(day.startsAt, now))
    .map((day) => ({
      date: day.date,
      startsAt: day.startsAtIso,
      availableSeats: day.availableTotal,
      sections: sectionsOfDay(venue, day),
    }))
  const { maxSeatsPerOrder, waitlistOfferSeconds } = meta.policy
  return { concertId: meta.id!, maxSeatsPerOrder, waitlistOfferSeconds, dates }
}
