import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * Every error code the service answers with, its status and its default message: the one
 * list that the concert object's failures, the Worker's ApiError, the OpenAPI document and
 * the README's list are all checked against (test/contract/error-catalogue.test.ts). A caller may
 * give a more precise message; the code and status always come from here.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  VERIFICATION_FAILED: { status: 400, message: 'The code is not right' },
  CODE_INVALID: { status: 400, message: 'This is not a ticket code of ours (its form or signature is wrong)' },
  UNAUTHORIZED: { status: 401, message: 'A valid access token is required' },
  QUEUE_TOKEN_INVALID: { status: 401, message: 'The queue token is invalid, expired or finished' },
  INSUFFICIENT_BALANCE: { status: 402, message: 'The balance does not cover the price' },
  FORBIDDEN: { status: 403, message: 'This credential does not have that right' },
  QUEUE_NOT_ACTIVE: { status: 403, message: 'You are still waiting in line' },
  QUEUE_TOKEN_MISMATCH: { status: 403, message: 'This queue token belongs to another user or concert' },
  NOT_YOUR_RESERVATION: { status: 403, message: 'This reservation belongs to someone else' },
  VERIFICATION_REQUIRED: { status: 403, message: 'This sale asks for a verified phone first' },
  PROOF_REQUIRED: { status: 403, message: 'This entry needs a proof of work (X-Entry-Proof)' },
  PROOF_INVALID: { status: 403, message: 'The proof of work is not valid for this entry' },
  TURNSTILE_REQUIRED: { status: 403, message: 'This entry needs a Turnstile token (X-Turnstile-Token)' },
  TURNSTILE_FAILED: { status: 403, message: 'The Turnstile token was refused (wrong, expired or already used)' },
  NOT_FOUND: { status: 404, message: 'No such route' },
  CONCERT_NOT_FOUND: { status: 404, message: 'No such concert' },
  DATE_NOT_FOUND: { status: 404, message: 'This concert has no show on that date' },
  SEAT_NOT_FOUND: { status: 404, message: 'This show has no such seat' },
  SECTION_NOT_FOUND: { status: 404, message: 'This concert has no such section' },
  RESERVATION_NOT_FOUND: { status: 404, message: 'No such reservation for this concert' },
  VERIFICATION_NOT_FOUND: { status: 404, message: 'No such verification for this account' },
  TICKET_NOT_FOUND: { status: 404, message: 'You hold no such ticket' },
  USER_NOT_FOUND: { status: 404, message: 'No such user' },
  WAITLIST_ENTRY_NOT_FOUND: { status: 404, message: 'You have no such waitlist entry' },
  SEAT_UNAVAILABLE: { status: 409, message: 'This seat is already taken' },
  HOLD_LIMIT_REACHED: { status: 409, message: 'You hold as many seats as you may' },
  TICKET_LIMIT_REACHED: { status: 409, message: 'You have as many tickets for this concert as one person may' },
  ALREADY_REFUNDED: { status: 409, message: 'This order is already refunded' },
  REFUND_CLOSED: { status: 409, message: 'Refunds for this show are closed' },
  ALREADY_PAID: { status: 409, message: 'This reservation is already paid' },
  PAYMENT_IN_PROGRESS: { status: 409, message: 'This reservation is being paid for' },
  CONCERT_EXISTS: { status: 409, message: 'This concert is already configured' },
  IDENTITY_IN_USE: { status: 409, message: 'This phone already verifies another account' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, message: 'This Idempotency-Key was used for another request' },
  BALANCE_LIMIT_EXCEEDED: { status: 409, message: 'The balance would pass its cap' },
  QUEUE_FULL: { status: 409, message: 'The waiting line is full; please try again later' },
  SOLD_OUT: { status: 409, message: 'Every seat of this concert is sold' },
  SALE_NOT_OPEN: { status: 409, message: 'The sale has not opened yet' },
  ALREADY_CHECKED_IN: { status: 409, message: 'This ticket is already checked in' },
  WRONG_CONCERT: { status: 409, message: 'This ticket is for another concert' },
  WRONG_DATE: { status: 409, message: 'This ticket is for another date than this scanner checks in' },
  TICKET_NOT_VALID: { status: 409, message: 'This ticket is no longer valid (refunded, transferred or checked in)' },
  SEATS_AVAILABLE: { status: 409, message: 'Seats of this date are on sale now: buy one instead of waiting' },
  WAITLIST_ENTRY_ENDED: { status: 409, message: 'This waitlist entry has already ended' },
  TICKET_TRANSFERRED: { status: 409, message: 'A ticket of this order was given to someone else' },
  NO_DRAW: { status: 404, message: 'This concert opened without a pre-queue draw' },
  NO_ENTRY_PROOF: { status: 404, message: 'This concert asks no proof of work at its entry' },
  RESERVATION_EXPIRED: { status: 410, message: 'This hold has expired; the seat is on sale again' },
  VERIFICATION_EXPIRED: { status: 410, message: 'This code has expired; ask for a new one' },
  CODE_EXPIRED: { status: 410, message: 'This ticket code has expired; show the one the page shows now' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type must be application/json' },
  UPGRADE_REQUIRED: { status: 426, message: 'Connect with a WebSocket (Upgrade: websocket)' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts; retry later' },
  OVERLOADED: { status: 429, message: 'This sale is very busy right now; please retry in a moment' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side; please retry.' },
  TRY_AGAIN: { status: 503, message: 'The sale was briefly unavailable; please retry' },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>

export type ErrorCode = keyof typeof ERRORS

/** An error as it crosses from the Durable Object to the Worker (RPC keeps plain data only). */
export interface Failure {
  ok: false
  status: ContentfulStatusCode
  code: ErrorCode
  message: string
}

export type Result<T> = { ok: true; value: T } | Failure

export const fail = (code: ErrorCode, message: string = ERRORS[code].message): Failure => ({
  ok: false,
  status: ERRORS[code].status,
  code,
  message,
})

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })

/** The codes of one status, as the OpenAPI document lists them. */
export const codesWithStatus = (status: number): ErrorCode[] =>
  (Object.keys(ERRORS) as ErrorCode[]).filter((code) => ERRORS[code].status === status)
