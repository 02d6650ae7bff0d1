import { fail, ok, type Result } from '../../errors/catalogue'
import type { ScannerView } from '../../schemas'
import type { OrderBook } from '../orders/order-book'
import type { ConcertMeta } from '../runtime/meta'
import type { SeatPlan } from '../seats/seat-plan'
import type { Scanners } from './scanners'
import type { CheckedIn, TicketBook, Transferred } from './ticket-book'
import { whyNotReceive, type CodeClaims, type ScannerScope } from './ticket-states'

/**
 * The gate's side of the concert object: its scanners, and the decisions on tickets that need
 * more than the ticket (the scanner as this object knows it, the recipient's count). Each call
 * is one change inside the object's group commit (runtime/room.ts, `change`).
 */
export class GateDesk {
  constructor(
    private readonly meta: ConcertMeta,
    private readonly seatPlan: SeatPlan,
    private readonly orders: OrderBook,
    private readonly tickets: TicketBook,
    private readonly scannerBook: Scanners,
  ) {}

  addScanner(scanner: { scannerId: string; name: string; date?: string }, now: number): Result<null> {
    if (scanner.date !== undefined && !this.seatPlan.day(scanner.date))
      return fail('DATE_NOT_FOUND', `This concert has no show on ${scanner.date}`)
    this.scannerBook.add(scanner, now)
    return ok(null)
  }

  scanners(): ScannerView[] {
    return this.scannerBook.list(this.tickets.checkInsByScanner())
  }

  /** The scanner's scope is the one this object gave it (its date), not what a token says. */
  checkIn(scanner: Pick<ScannerScope, 'scannerId'>, code: CodeClaims, now: number): Result<CheckedIn> {
    const known = this.scannerBook.known(scanner.scannerId)
    if (!known.ok) return known
    return this.tickets.checkIn(code, { scannerId: scanner.scannerId, concertId: this.meta.id!, ...known.value }, now)
  }

  transfer(ticketId: string, fromUserId: string, toUserId: string, now: number): Result<Transferred> {
    const max = this.meta.policy.maxTicketsPerUser
    return this.tickets.transfer(ticketId, fromUserId, toUserId, now, (t) => {
      const have = this.orders.userTotals(toUserId).tickets
      return whyNotReceive(have, max, t.buyerId === toUserId) ?? ok(null)
    })
  }
}
