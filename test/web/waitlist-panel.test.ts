// The fans' page's waitlist panel (web/fan/waitlist/panel.ts), without a browser: when it shows
// and offers to join, which entries it lists, an offer's seconds left, and which entries were
// paid since the last look (their tickets are then fetched).
import { describe, expect, it } from 'vitest'
import type { WaitlistEntry } from '../../web/common/api'
import {
  followedConcerts,
  mergeEntries,
  newlyFulfilled,
  offerSecondsLeft,
  waitlistChoices,
  waitlistPanel,
  type WaitlistContext,
} from '../../web/fan/waitlist/panel'

const HERE = '11111111-1111-4111-8111-111111111111'
const ELSEWHERE = '22222222-2222-4222-8222-222222222222'

const entry = (status: WaitlistEntry['status'], concertId = HERE, waitlistId = crypto.randomUUID()): WaitlistEntry => ({
  waitlistId,
  concertId,
  date: '2027-01-10',
  seats: 1,
  autoPay: false,
  status,
  createdAt: '2026-12-01T00:00:00.000Z',
})

const context = (change: Partial<WaitlistContext> = {}): WaitlistContext => ({
  concertId: HERE,
  sale: { state: 'OPEN' },
  queueStatus: null,
  dateSeatsLeft: null,
  sectionSeatsLeft: null,
  entries: [],
  ...change,
})

describe('waitlistPanel', () => {
  it('stays off the page while seats are on sale and the fan has no entry', () => {
    expect(waitlistPanel(context())).toEqual({ visible: false, soldOut: false, canJoin: false, entries: [] })
    expect(waitlistPanel(context({ queueStatus: 'ACTIVE', dateSeatsLeft: 3, sectionSeatsLeft: 1 })).visible).toBe(false)
  })

  it('offers to join a sold-out concert, and says it is sold out', () => {
    const view = waitlistPanel(context({ sale: { state: 'SOLD_OUT' } }))
    expect(view).toMatchObject({ visible: true, soldOut: true, canJoin: true })
  })

  it('offers to join while choosing seats where the date or the section shown has none AVAILABLE', () => {
    expect(waitlistPanel(context({ queueStatus: 'ACTIVE', dateSeatsLeft: 5, sectionSeatsLeft: 0 })).canJoin).toBe(true)
    expect(waitlistPanel(context({ queueStatus: 'ACTIVE', dateSeatsLeft: 0, sectionSeatsLeft: null })).canJoin).toBe(
      true,
    )
    // Waiting in line, the seat counts are not the fan's to act on yet.
    expect(waitlistPanel(context({ queueStatus: 'WAITING', dateSeatsLeft: 0 })).canJoin).toBe(false)
  })

  it('hides the form while the fan has a live entry for the concert, and lists it', () => {
    for (const status of ['WAITING', 'OFFERED'] as const) {
      const live = entry(status)
      const view = waitlistPanel(context({ sale: { state: 'SOLD_OUT' }, entries: [live] }))
      expect(view).toMatchObject({ visible: true, canJoin: false, entries: [live] })
    }
  })

  it('lets the fan join again once the entry ended, and keeps the ended one listed', () => {
    const ended = entry('EXPIRED')
    const view = waitlistPanel(context({ sale: { state: 'SOLD_OUT' }, entries: [ended] }))
    expect(view).toMatchObject({ canJoin: true, entries: [ended] })
  })

  it("lists another concert's live entries (an offer must not be missed) but not its ended ones", () => {
    const offer = entry('OFFERED', ELSEWHERE)
    const paid = entry('FULFILLED', ELSEWHERE)
    const view = waitlistPanel(context({ entries: [offer, paid] }))
    expect(view).toMatchObject({ visible: true, canJoin: false, entries: [offer] })
    expect(waitlistPanel(context({ entries: [paid] })).visible).toBe(false)
  })

  it('offers nothing to join before a concert is picked', () => {
    expect(waitlistPanel(context({ concertId: null, sale: { state: 'SOLD_OUT' } })).canJoin).toBe(false)
  })
})

describe('offerSecondsLeft', () => {
  const expiresAt = '2026-12-01T00:10:00.000Z'
  const at = (iso: string) => Date.parse(iso)

  it('counts whole seconds up, so the last second shows 1 until it is over', () => {
    expect(offerSecondsLeft(expiresAt, at('2026-12-01T00:00:00.000Z'))).toBe(600)
    expect(offerSecondsLeft(expiresAt, at('2026-12-01T00:09:59.001Z'))).toBe(1)
    expect(offerSecondsLeft(expiresAt, at('2026-12-01T00:10:00.000Z'))).toBe(0)
  })

  it('never goes below 0, and is 0 with no expiry', () => {
    expect(offerSecondsLeft(expiresAt, at('2026-12-01T01:00:00.000Z'))).toBe(0)
    expect(offerSecondsLeft(undefined, 0)).toBe(0)
  })
})

describe('newlyFulfilled', () => {
  it('names the entries that became FULFILLED since the last look, and no other', () => {
    const offered = entry('OFFERED')
    const paidBefore = entry('FULFILLED')
    const paidNow = { ...offered, status: 'FULFILLED' as const }
    const joinedPaid = entry('FULFILLED')
    expect(newlyFulfilled([offered, paidBefore], [paidNow, paidBefore, joinedPaid])).toEqual([paidNow, joinedPaid])
    expect(newlyFulfilled([paidBefore], [paidBefore])).toEqual([])
  })
})

describe('waitlistChoices', () => {
  const section = (name: string, availableSeats: number) => ({ name, price: 100_000, totalSeats: 2, availableSeats })
  const day = (date: string, ...sections: ReturnType<typeof section>[]) => ({
    date,
    startsAt: `${date}T10:00:00.000Z`,
    availableSeats: sections.reduce((n, s) => n + s.availableSeats, 0),
    sections,
  })
  const options = {
    concertId: HERE,
    maxSeatsPerOrder: 3,
    waitlistOfferSeconds: 600,
    dates: [
      day('2027-01-10', section('VIP', 0), section('Floor', 2)),
      day('2027-01-11', section('VIP', 0), section('Floor', 0)),
      day('2027-01-12', section('VIP', 1), section('Floor', 2)),
    ],
  }

  it("lists every date, a date on sale not to be chosen, and the policy's most seats", () => {
    expect(waitlistChoices(options, [null, null])).toEqual({
      dates: [
        { date: '2027-01-10', onSale: false },
        { date: '2027-01-11', onSale: false },
        { date: '2027-01-12', onSale: true },
      ],
      date: '2027-01-10',
      anySection: false,
      sections: ['VIP'],
      maxSeats: 3,
    })
  })

  it('takes the date asked first, then the one looked at, when it may be joined; any section only on a sold-out date', () => {
    expect(waitlistChoices(options, [null, '2027-01-11'])).toMatchObject({
      date: '2027-01-11',
      anySection: true,
      sections: ['VIP', 'Floor'],
    })
    expect(waitlistChoices(options, ['2027-01-10', '2027-01-11']).date).toBe('2027-01-10')
    expect(waitlistChoices(options, ['2027-01-12', null]).date).toBe('2027-01-10')
  })

  it('chooses nothing while every date is on sale', () => {
    const open = { ...options, dates: [options.dates[2]!] }
    expect(waitlistChoices(open, [null, null])).toMatchObject({ date: null, anySection: false, sections: [] })
  })
})

describe('entries pushed and fetched, taken in', () => {
  const at = (iso: string, e: WaitlistEntry): WaitlistEntry => ({ ...e, createdAt: iso })

  it('replaces an entry by a newer state, adds new ones, newest first', () => {
    const older = at('2026-12-01T00:00:00.000Z', entry('WAITING', HERE, 'a'))
    const newer = at('2026-12-02T00:00:00.000Z', entry('WAITING', ELSEWHERE, 'b'))
    const offered = { ...older, status: 'OFFERED' as const, reservationId: 'r', expiresAt: '2026-12-01T00:10:00.000Z' }
    expect(mergeEntries([older], [newer, offered])).toEqual([newer, offered])
    // The same stage replaces too (a WAITING entry's new position, a list fetched afresh).
    const moved = { ...newer, position: 1 }
    expect(mergeEntries([newer], [moved])).toEqual([moved])
  })

  it('never takes an entry back: an OFFERED read before a FULFILLED pushed is ignored; a late payment still wins', () => {
    const offered = entry('OFFERED', HERE, 'a')
    const fulfilled = { ...offered, status: 'FULFILLED' as const, paymentId: 'p' }
    expect(mergeEntries([fulfilled], [offered])).toEqual([fulfilled])
    const expired = { ...offered, status: 'EXPIRED' as const }
    expect(mergeEntries([expired], [offered])).toEqual([expired])
    expect(mergeEntries([expired], [fulfilled])).toEqual([fulfilled])
  })

  it('follows the concerts where the fan has a live entry, each once', () => {
    expect(
      followedConcerts([
        entry('WAITING', HERE),
        entry('FULFILLED', HERE),
        entry('OFFERED', ELSEWHERE),
        entry('EXPIRED', '33333333-3333-4333-8333-333333333333'),
      ]),
    ).toEqual([HERE, ELSEWHERE])
    expect(followedConcerts([entry('CANCELLED', HERE)])).toEqual([])
  })
})
