import type { z } from '@hono/zod-openapi'
import type { ConcertSummary, DateAvailability, SaleDraw, SaleState, SaleStateName } from './catalog'
import type {
  OperatorConcert,
  QueueHistory,
  QueuePolicySchema,
  QueueStatsSchema,
  RefundPolicy,
  SectionInput,
} from './operators'
import type { UndeliveredEventList } from './events'
import type { QueueStatus } from './queue'
import type { Hold, OrderSeat, Payment, Seat, SeatMap, SectionList } from './seats'
import type { Scanner, Ticket } from './tickets'
import type { Balance, ConfirmedReservation, Profile, Refund, RefundQuote, VerificationStarted } from './users'
import type { WaitlistEntry, WaitlistJoinBody, WaitlistOptions, waitlistStatsFields } from './waitlist'

// Shared shapes of the HTTP contract (../../shared/API.md), one file per area. They validate
// every input and generate the OpenAPI document, so the two cannot disagree.
export * from './catalog'
export * from './common'
export * from './events'
export * from './operators'
export * from './queue'
export * from './seats'
export * from './tickets'
export * from './turnstile'
export * from './users'
export * from './waitlist'

// --- the same shapes as types, for the concert object (type-only imports: no zod runs there)
// and for the pages (web/common/api.ts) ---

export type QueuePolicy = z.infer<typeof QueuePolicySchema>
export type QueueStatusBody = z.infer<typeof QueueStatus>
/** The status as the concert object knows it: all of the contract's but the token, which the Worker signs. */
export type QueueStatusView = Omit<QueueStatusBody, 'token'>
export type SeatStatus = z.infer<typeof Seat>['status']
export type SeatMapView = z.infer<typeof SeatMap>
export type HoldView = z.infer<typeof Hold>
export type DateAvailabilityView = z.infer<typeof DateAvailability>
export type SaleStateView = z.infer<typeof SaleState>
export type SaleStateNameView = z.infer<typeof SaleStateName>
export type SaleDrawView = z.infer<typeof SaleDraw>
export type QueueStatsView = z.infer<typeof QueueStatsSchema>
export type QueueHistoryView = z.infer<typeof QueueHistory>
export type ConcertSummaryView = z.infer<typeof ConcertSummary>
export type OperatorConcertView = z.infer<typeof OperatorConcert>
export type PaymentView = z.infer<typeof Payment>
export type ConfirmedReservationView = z.infer<typeof ConfirmedReservation>
export type BalanceView = z.infer<typeof Balance>
export type SectionListView = z.infer<typeof SectionList>
export type OrderSeatView = z.infer<typeof OrderSeat>
export type SectionInputView = z.infer<typeof SectionInput>
export type RefundPolicyView = z.infer<typeof RefundPolicy>
export type RefundView = z.infer<typeof Refund>
export type RefundQuoteView = z.infer<typeof RefundQuote>
export type ProfileView = z.infer<typeof Profile>
export type VerificationStartedView = z.infer<typeof VerificationStarted>
export type ScannerView = z.infer<typeof Scanner>
export type TicketView = z.infer<typeof Ticket>
export type WaitlistJoinView = z.infer<typeof WaitlistJoinBody>
export type WaitlistEntryView = z.infer<typeof WaitlistEntry>
export type WaitlistOptionsView = z.infer<typeof WaitlistOptions>
export type WaitlistStatsView = Pick<QueueStatsView, keyof typeof waitlistStatsFields>
export type UndeliveredEventListView = z.infer<typeof UndeliveredEventList>
