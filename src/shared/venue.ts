// A date's seats as sections: pure functions of the section list, unit tested without a runtime.
// Every date of a concert has the same sections; seats are numbered 1..N in the order given.
import type { OrderSeatView, SectionInputView } from '../schemas'

/** What a concert without sections calls its one section. */
export const GENERAL = 'General'

export interface Section {
  name: string
  /** Null for a concert without sections: its seats cost the date's price. */
  price: number | null
  firstSeat: number
  seats: number
}

/** The sections with their seat ranges, in the order given. */
export function layOut(sections: readonly SectionInputView[]): Section[] {
  let next = 1
  return sections.map(({ name, price, seats }) => {
    const section = { name, price, firstSeat: next, seats }
    next += seats
    return section
  })
}

/** A concert without sections: one section of every seat, at the date's price. */
export const general = (seats: number): Section[] => [{ name: GENERAL, price: null, firstSeat: 1, seats }]

export const lastSeatOf = (s: Section) => s.firstSeat + s.seats - 1

/** The index of the section a seat is in, by binary search: O(log sections). Seats past the last section: -1. */
export function sectionIndexOf(sections: readonly Section[], seatNumber: number): number {
  let lo = 0
  let hi = sections.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const s = sections[mid]!
    if (seatNumber < s.firstSeat) hi = mid - 1
    else if (seatNumber > lastSeatOf(s)) lo = mid + 1
    else return mid
  }
  return -1
}

/** An order's seats with their sections and prices; `datePrice` prices a concert without sections. */
export function priceSeats(
  sections: readonly Section[],
  seatNumbers: readonly number[],
  datePrice: number,
): OrderSeatView[] {
  return seatNumbers.map((seatNumber) => {
    const section = sections[sectionIndexOf(sections, seatNumber)]!
    return { seatNumber, section: section.name, price: section.price ?? datePrice }
  })
}

export const total = (seats: readonly OrderSeatView[]) => seats.reduce((sum, s) => sum + s.price, 0)
