// Which waitlist panel the fans' page shows, and what its entries say: pure (no DOM, no page
// state), so that test/web/waitlist-panel.test.ts checks it without a browser.
import type { QueueStatus, SaleState, WaitlistEntry, WaitlistOptions } from '../../common/api'

/** What the page knows that decides the panel: the concert picked, its sale, the fan's place, the seats seen. */
export interface WaitlistContext {
  concertId: string | null
  sale: Pick<SaleState, 'state'> | null
  queueStatus: QueueStatus['status'] | null
  /** While choosing seats: what the picked date and section have AVAILABLE (null when not known). */
  dateSeatsLeft: number | null
  sectionSeatsLeft: number | null
  entries: WaitlistEntry[]
}

export interface WaitlistPanelView {
  /** Whether the panel is on the page at all (and so whether its entries are polled). */
  visible: boolean
  /** The concert is sold out: said plainly, with the waitlist open. */
  soldOut: boolean
  /** The join form: nothing on sale where the fan looks, and no live entry of theirs for this concert. */
  canJoin: boolean
  /** The entries listed: every live one (an offer elsewhere must not be missed), and this concert's ended ones. */
  entries: WaitlistEntry[]
}

const LIVE: ReadonlySet<WaitlistEntry['status']> = new Set(['WAITING', 'OFFERED'])
export const isLive = (entry: WaitlistEntry) => LIVE.has(entry.status)

export function waitlistPanel(ctx: WaitlistContext): WaitlistPanelView {
  const soldOut = ctx.sale?.state === 'SOLD_OUT'
  // In the seat map a date, or the section shown, with nothing AVAILABLE: the waitlist is the way to a seat there.
  const nothingHere = ctx.queueStatus === 'ACTIVE' && (ctx.dateSeatsLeft === 0 || ctx.sectionSeatsLeft === 0)
  const liveHere = ctx.entries.some((e) => e.concertId === ctx.concertId && isLive(e))
  const canJoin = ctx.concertId !== null && !liveHere && (soldOut || nothingHere)
  const entries = ctx.entries.filter((e) => isLive(e) || e.concertId === ctx.concertId)
  return { visible: canJoin || entries.length > 0, soldOut, canJoin, entries }
}

/** Whole seconds an offer has left to be paid (0 once past; a clock a little off shows 0, never a negative). */
export const offerSecondsLeft = (expiresAt: string | undefined, now: number) =>
  expiresAt === undefined ? 0 : Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000))

/** The entries that became FULFILLED since the last look (paid by hand or by autoPay): their tickets are to be fetched. */
export function newlyFulfilled(before: WaitlistEntry[], after: WaitlistEntry[]): WaitlistEntry[] {
  const was = new Map(before.map((e) => [e.waitlistId, e.status]))
  return after.filter((e) => e.status === 'FULFILLED' && was.get(e.waitlistId) !== 'FULFILLED')
}

/** A date of the form's select: `onSale` (seats AVAILABLE in every section) says "on sale now" and cannot be chosen. */
export interface WaitlistDateChoice {
  date: string
  onSale: boolean
}

export interface WaitlistChoices {
  dates: WaitlistDateChoice[]
  /** The date chosen: the one asked if it may be joined, else the first that may; null when none. */
  date: string | null
  /** Whether "any section" may be asked: the whole date has no seat AVAILABLE. */
  anySection: boolean
  /** The chosen date's sections with no seat AVAILABLE: those that may be asked. */
  sections: string[]
  /** The policy's most seats an entry may ask. */
  maxSeats: number
}

/**
 * What the join form offers, from `GET .../waitlist/options`: a date may be joined while it (or
 * one of its sections) has no seat AVAILABLE; `asked` is the date the fan chose, or looks at.
 */
export function waitlistChoices(options: WaitlistOptions, asked: readonly (string | null)[]): WaitlistChoices {
  const joinable = (d: WaitlistOptions['dates'][number]) =>
    d.availableSeats === 0 || d.sections.some((s) => s.availableSeats === 0)
  const open = options.dates.filter(joinable)
  const chosen = asked.map((a) => open.find((d) => d.date === a)).find((d) => d !== undefined) ?? open[0]
  return {
    dates: options.dates.map((d) => ({ date: d.date, onSale: !joinable(d) })),
    date: chosen?.date ?? null,
    anySection: chosen?.availableSeats === 0,
    sections: chosen ? chosen.sections.filter((s) => s.availableSeats === 0).map((s) => s.name) : [],
    maxSeats: options.maxSeatsPerOrder,
  }
}

/**
 * How far along its life an entry is (src/concert/waitlist/entry-states.ts: every move goes up
 * this order), so that a list read or pushed earlier never takes an entry back.
 */
const STAGE: Record<WaitlistEntry['status'], number> = {
  WAITING: 0,
  OFFERED: 1,
  EXPIRED: 2,
  CANCELLED: 2,
  FULFILLED: 3,
}

/**
 * The entries as known, with `news` (pushed, or a list fetched) taken in: an entry is replaced
 * unless the one held is further along; new ones are added. Newest first, as the list is.
 */
export function mergeEntries(held: readonly WaitlistEntry[], news: readonly WaitlistEntry[]): WaitlistEntry[] {
  const byId = new Map(held.map((e) => [e.waitlistId, e]))
  for (const entry of news) {
    const was = byId.get(entry.waitlistId)
    if (!was || STAGE[entry.status] >= STAGE[was.status]) byId.set(entry.waitlistId, entry)
  }
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
}

/** The concerts whose waitlist streams the page follows: those where the fan has a live entry. */
export const followedConcerts = (entries: readonly WaitlistEntry[]): string[] => [
  ...new Set(entries.filter(isLive).map((e) => e.concertId)),
]
