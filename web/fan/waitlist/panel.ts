// Which waitlist panel the fans' page shows, and what its entries say: pure (no DOM, no page
// state), so that test/web/waitlist-panel.test.ts checks it without a browser.
import type { QueueStatus, SaleState, WaitlistEntry } from '../../common/api'

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

/** The dates a fan may ask for: those the page has seen for the concert, with the picked one first, no repeats. */
export function waitlistDates(seen: readonly string[], picked: string | null): string[] {
  return [...new Set([...(picked ? [picked] : []), ...seen])]
}
