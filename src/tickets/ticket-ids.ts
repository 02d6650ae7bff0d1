import { hash } from '@stablelib/sha256'

// A ticket's id, derived from its order and seat. The ledger writes the ticket in the
// payment's D1 batch and the concert object makes its gate state when it marks the order
// PAID (or when its alarm finds a payment whose Worker died): both compute the same id, so
// they agree on every ticket without telling each other, and a crash between the two leaves
// nothing to reconcile but what the payment's recovery already finishes. Synchronous (a pure
// SHA-256, no WebCrypto promise), so the object computes it inside a change without awaiting.

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')

/** A UUID (RFC 9562 version 8, "custom": the name-based variant with SHA-256) of this order's seat. */
export function ticketIdOf(reservationId: string, seatNumber: number): string {
  const digest = hash(new TextEncoder().encode(`ticket:${reservationId}:${seatNumber}`)).slice(0, 16)
  digest[6] = (digest[6]! & 0x0f) | 0x80
  digest[8] = (digest[8]! & 0x3f) | 0x80
  const h = hex(digest)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
