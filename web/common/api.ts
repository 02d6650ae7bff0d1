// The contract's HTTP calls, one place for credentials and the error body.
import type { SeatMapView, SectionListView } from '../../src/schemas'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface Credentials {
  accessToken?: string
  queueToken?: string
  idempotencyKey?: string
  /** A solution of the concert's proof-of-work challenge, for its entry (web/fan/entry/proof.ts). */
  entryProof?: string
  /** The token Cloudflare's Turnstile widget gave, for an entry while the service asks for one (web/fan/entry/turnstile.ts). */
  turnstileToken?: string
  /** Past the browser's cache: the catalog is cacheable for 30 s, and the console must see a concert it just created. */
  fresh?: boolean
}

export async function api<T>(method: string, path: string, body?: unknown, auth: Credentials = {}): Promise<T> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (auth.accessToken) headers.authorization = `Bearer ${auth.accessToken}`
  if (auth.queueToken) headers['x-queue-token'] = auth.queueToken
  if (auth.idempotencyKey) headers['idempotency-key'] = auth.idempotencyKey
  if (auth.entryProof) headers['x-entry-proof'] = auth.entryProof
  if (auth.turnstileToken) headers['x-turnstile-token'] = auth.turnstileToken
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    ...(auth.fresh ? { cache: 'no-store' as const } : {}),
  })
  const text = await res.text()
  const data = text ? (JSON.parse(text) as { error?: { code?: string; message?: string } }) : null
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'HTTP_ERROR', data?.error?.message ?? res.statusText)
  return data as T
}

// The contract's shapes, from the one module that also validates them on the server.
export type {
  ConcertSummaryView as Concert,
  ConfirmedReservationView as Ticket,
  DateAvailabilityView as DateInfo,
  HoldView as Hold,
  PaymentView as Payment,
  QueueHistoryView as QueueHistory,
  QueuePolicy,
  QueueStatsView as QueueStats,
  QueueStatusBody as QueueStatus,
  RefundQuoteView as RefundQuote,
  RefundView as Refund,
  SaleDrawView as SaleDraw,
  SaleStateView as SaleState,
  UndeliveredEventListView as UndeliveredEvents,
  WaitlistEntryView as WaitlistEntry,
  WaitlistJoinView as WaitlistJoin,
  WaitlistOptionsView as WaitlistOptions,
} from '../../src/schemas'
export type Seat = SeatMapView['seats'][number]
export type Section = SectionListView['sections'][number]

/** A concert as the operators' list gives it (`GET /api/admin/concerts`): every concert, with its sale's state. */
export interface AdminConcert {
  concertId: string
  title: string
  venue?: string
  state: string
  opensAt?: string
  preQueueOpensAt?: string
}
