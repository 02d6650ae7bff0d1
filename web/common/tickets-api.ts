// The shapes of tickets at the gate (API.md "Tickets and the gate"), from the one module that
// also validates them on the server (src/schemas/tickets.ts), and the payload of a code, which
// only a gate reads (the service signs it in src/, the gate checks it offline in web/gate/).
import type { z } from '@hono/zod-openapi'
import type {
  CheckedIn,
  PublicJwk,
  ScannerView,
  TicketCode as TicketCodeSchema,
  TicketTransferred,
  TicketView,
} from '../../src/schemas'

/** One seat a user holds now (`GET /api/users/me/tickets`): bought or received. */
export type HeldTicket = TicketView
export type TicketCode = z.infer<typeof TicketCodeSchema>
export type Transfer = z.infer<typeof TicketTransferred>
export type CheckIn = z.infer<typeof CheckedIn>
export type Scanner = ScannerView
/** An Ed25519 public key of the codes' signer, with its `kid` (`GET /api/tickets/keys`). */
export type TicketKey = z.infer<typeof PublicJwk>

/** What a code's JWS carries (`v`: the ticket's version, raised by a transfer). */
export interface TicketCodePayload {
  tid: string
  cid: string
  date: string
  seat: number
  v: number
  exp: number
}
