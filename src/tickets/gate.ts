import type { ConcertObject } from '../concert'
import type { CheckedIn } from '../concert/tickets/ticket-book'
import { concertOrderCalls } from '../concert-client/order-calls'
import { signScannerToken, type ScannerClaims } from '../auth/tokens'
import { ApiError, unwrap, type Result } from '../errors'
import { findTicket, paymentOfTicket, recordCheckIn } from '../ledger/tickets'
import type { ScannerView } from '../schemas'
import { verifyCode } from './codes'
import { followUp } from './follow-up'
import { ticketKeys } from './signing-keys'

// The gate: scanners, and check-ins. The Worker checks a code's signature and expiry (pure,
// no store); the concert object decides on the ticket (docs/tickets.md).

const concertObject = (env: Env, concertId: string): DurableObjectStub<ConcertObject> =>
  env.CONCERT.get(env.CONCERT.idFromName(concertId))

/** A scanner of this concert (and date), and its token: the object keeps it, the Worker signs it. */
export async function addScanner(
  env: Env,
  concertId: string,
  body: { name: string; date?: string },
): Promise<{ scannerId: string; token: string }> {
  const scanner: ScannerClaims = {
    scannerId: crypto.randomUUID(),
    concertId,
    ...(body.date ? { date: body.date } : {}),
  }
  unwrap(await concertObject(env, concertId).addScanner({ ...scanner, name: body.name }))
  return { scannerId: scanner.scannerId, token: await signScannerToken(scanner, env.AUTH_SECRET) }
}

export async function scannersOf(env: Env, concertId: string): Promise<ScannerView[]> {
  return unwrap(await concertObject(env, concertId).scanners())
}

/**
 * How long a gate may have been offline: a check-in it queued is judged at its scan time if
 * that is at most this long ago (a concert's doors, with room), and refused past it.
 */
export const OFFLINE_WINDOW_MS = 6 * 60 * 60 * 1000
/** Clocks of gate devices run a little ahead of ours. */
const CLOCK_SKEW_MS = 60_000

/** When a code is judged: now, or when an offline gate scanned it (within OFFLINE_WINDOW_MS). */
function judgedAt(scannedAt: string | undefined, now: number): number {
  if (scannedAt === undefined) return now
  const at = Date.parse(scannedAt)
  if (at > now + CLOCK_SKEW_MS || at < now - OFFLINE_WINDOW_MS)
    throw new ApiError('VALIDATION_FAILED', 'scannedAt must be within the last 6 hours and not in the future')
  return Math.min(at, now)
}

/** A check-in at this scanner of the code a holder shows: the object's yes, then D1's row follows it. */
export async function checkIn(env: Env, scanner: ScannerClaims, code: string, scannedAt?: string): Promise<CheckedIn> {
  const at = judgedAt(scannedAt, Date.now())
  const claims = unwrap(await verifyCode(await ticketKeys(env), code, at))
  const object = concertObject(env, scanner.concertId)
  let decided: Result<CheckedIn> = await object.checkIn(scanner, claims)
  if (!decided.ok && decided.code === 'TICKET_NOT_FOUND') {
    // The object does not know a ticket we signed a code for: its payment's last step was lost
    // (the Worker died between D1's batch and the object). Finish it, as a retry of the
    // payment would, and ask again; the object's alarm would have, within PAYMENT_GRACE_MS.
    if (await finishPayment(env, scanner.concertId, claims.tid)) decided = await object.checkIn(scanner, claims)
    if (!decided.ok && decided.code === 'TICKET_NOT_FOUND') throw new ApiError('TICKET_NOT_VALID', 'No such ticket')
  }
  const done = unwrap(decided)
  await followUp('check-in', recordCheckIn(env.DB, done))
  return done
}

async function finishPayment(env: Env, concertId: string, ticketId: string): Promise<boolean> {
  const ticket = await findTicket(env.DB, ticketId)
  const payment = ticket?.concertId === concertId ? await paymentOfTicket(env.DB, ticket) : undefined
  if (!payment) return false
  await concertOrderCalls(env, concertId).completePayment(payment.reservationId, payment.id, payment.date)
  return true
}
