import { z } from '@hono/zod-openapi'
import { CalendarDate, SectionName, SeatNumber, Timestamp, Uuid } from './common'

// --- tickets and the gate (../../shared/API.md, "Tickets and the gate"; docs/tickets.md) ---

export const TicketParams = z.object({
  ticketId: Uuid.openapi({ param: { name: 'ticketId', in: 'path' } }),
})

export const Ticket = z
  .object({
    ticketId: Uuid,
    concertId: Uuid,
    title: z.string(),
    date: CalendarDate,
    startsAt: Timestamp,
    seatNumber: SeatNumber,
    section: SectionName.openapi({ description: '"General" for a concert without sections' }),
    status: z.enum(['VALID', 'CHECKED_IN']),
    checkedInAt: Timestamp.optional(),
  })
  .openapi('Ticket')

export const TicketList = z
  .object({
    tickets: z.array(Ticket).openapi({
      description: 'Tickets the user holds now, by show then seat: bought and kept, or received; not refunded ones',
    }),
  })
  .openapi('TicketList')

export const TicketCode = z
  .object({
    code: z.string().openapi({
      description:
        'A compact JWS (alg EdDSA, Ed25519, header kid) of {tid, cid, date, seat, v, exp}: show it as a QR code, renew it before expiresAt',
    }),
    expiresAt: Timestamp.openapi({ description: "The code's exp: 30 s after it was made" }),
  })
  .openapi('TicketCode')

export const PublicJwk = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().openapi({ description: 'The public key, base64url' }),
    kid: z.string(),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .openapi('PublicJwk')

export const TicketKeys = z
  .object({
    keys: z.array(PublicJwk).openapi({
      description: 'The keys a code may be signed with: the current one first, then the previous one during a rotation',
    }),
  })
  .openapi('TicketKeys')

export const TransferBody = z.object({ toUserId: Uuid }).openapi('TicketTransfer')

export const TicketTransferred = z
  .object({ ticketId: Uuid, toUserId: Uuid, transferredAt: Timestamp })
  .openapi('TicketTransferred')

export const ScannerBody = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ example: 'Gate A, lane 3' }),
    date: CalendarDate.optional().openapi({
      description: 'Only tickets of this date; any date of the concert without it',
    }),
  })
  .openapi('ScannerRequest')

export const ScannerCreated = z
  .object({
    scannerId: Uuid,
    token: z.string().openapi({
      description:
        "The scanner's credential (Bearer) for POST /api/concerts/{concertId}/check-ins and nothing else; shown once",
    }),
  })
  .openapi('ScannerCreated')

export const Scanner = z
  .object({
    scannerId: Uuid,
    name: z.string(),
    date: CalendarDate.optional(),
    createdAt: Timestamp,
    checkIns: z.int().openapi({ description: 'Tickets this scanner checked in' }),
    lastCheckInAt: Timestamp.optional(),
  })
  .openapi('Scanner')

export const ScannerList = z.object({ scanners: z.array(Scanner) }).openapi('ScannerList')

export const CheckInBody = z
  .object({
    code: z.string().openapi({ description: 'The code the ticket holder shows (GET .../code)' }),
    scannedAt: Timestamp.optional().openapi({
      description:
        'When a gate that was offline scanned the code (docs/tickets.md): its expiry is judged then. At most 6 hours ago and not in the future.',
    }),
  })
  .openapi('CheckInRequest')

export const CheckedIn = z
  .object({ ticketId: Uuid, date: CalendarDate, seatNumber: SeatNumber, section: SectionName, checkedInAt: Timestamp })
  .openapi('CheckedIn')
