/**
 * The offer order, as pure functions: which waitlist entry seats that came free go to. Entries
 * are offered in the order they were made ("join order"), but an entry asking more seats than
 * are free is skipped and keeps its place ("skip to fit"): the first entry that fits is offered.
 *
 * The waitlist keeps one queue per date, section and number of seats asked (an index of the
 * WAITING entries in join order, waitlist-book.ts), so the first entry that fits is the earliest
 * of the queues' heads whose seats fit: at most `maxSeatsPerOrder` (≤ 20) index lookups per
 * section, each O(log n), however long the waitlist.
 */
export const OFFER_ORDER = 'join order, skip to fit' as const

/** An entry's section: a name, or '' for an entry that takes seats of any section of its date. */
export const ANY_SECTION = ''

/** One queue: the WAITING entries of a date that ask for this section and this many seats. */
export interface Queue {
  section: string
  seats: number
}

/** A queue's first entry, in join order. */
export interface QueueHead extends Queue {
  seq: number
}

/**
 * The queues whose first entry fits the seats free: for each section that had seats freed,
 * those asking 1 to (free in that section) seats; and for entries of any section, 1 to (free on
 * the date). None asks more than `maxSeats`.
 */
export function queuesThatFit(
  freedSections: Iterable<string>,
  freeIn: (section: string) => number,
  freeOnDate: number,
  maxSeats: number,
): Queue[] {
  const queues: Queue[] = []
  const ask = (section: string, free: number) => {
    for (let seats = 1; seats <= Math.min(free, maxSeats); seats++) queues.push({ section, seats })
  }
  for (const section of new Set(freedSections)) if (section !== ANY_SECTION) ask(section, freeIn(section))
  ask(ANY_SECTION, freeOnDate)
  return queues
}

/** The entry to offer: the earliest head (by join order) of the queues that fit; null when none has an entry. */
export function firstToOffer(heads: Iterable<QueueHead | null>): QueueHead | null {
  let first: QueueHead | null = null
  for (const head of heads) if (head && (first === null || head.seq < first.seq)) first = head
  return first
}

/** When an offer runs out: its `waitlistOfferSeconds` after it is made. */
export const offerExpiresAt = (now: number, waitlistOfferSeconds: number) => now + waitlistOfferSeconds * 1000
