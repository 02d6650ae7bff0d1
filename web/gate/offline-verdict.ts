// The gate's own verdict on a code when the service cannot be reached: the code's signature
// against the service's public keys (kept on the device), its expiry, its concert and date,
// and what this device has already let in. No DOM and no network: unit-tested on its own
// (test/web/gate-offline.test.ts). What it cannot know offline (a refund, a check-in at
// another door) the service tells when the queued check-in is sent (check-in-queue.ts).
import { compactVerify, importJWK, type JWK } from 'jose'
import type { TicketCodePayload, TicketKey } from '../common/tickets-api'

/** Why a code is refused offline: the contract's codes, and two only a device can give. */
export type OfflineRefusal =
  | 'CODE_INVALID'
  | 'CODE_EXPIRED'
  | 'WRONG_CONCERT'
  | 'WRONG_DATE'
  | 'TICKET_NOT_VALID'
  /** Let in by this device already (online or offline). */
  | 'SCANNED_HERE'
  /** The device never fetched the service's keys, so no signature can be checked. */
  | 'NO_KEYS'

export type OfflineVerdict =
  | { admitted: true; ticket: TicketCodePayload }
  | { admitted: false; reason: OfflineRefusal; ticket?: TicketCodePayload }

/** What the gate knows: where it stands, the keys, the time, and each ticket it let in with the version it had. */
export interface GateKnowledge {
  concertId: string
  /** The scanner's date, when it is for one date only. */
  date: string | null
  keys: TicketKey[]
  nowSeconds: number
  admitted: Record<string, number>
}

const isPayload = (p: unknown): p is TicketCodePayload => {
  const o = p as Record<string, unknown> | null
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.tid === 'string' &&
    typeof o.cid === 'string' &&
    typeof o.date === 'string' &&
    typeof o.seat === 'number' &&
    typeof o.v === 'number' &&
    typeof o.exp === 'number'
  )
}

/** The payload of a code whose signature is one of the keys', or null. */
export async function verifiedPayload(code: string, keys: TicketKey[]): Promise<TicketCodePayload | null> {
  try {
    const { payload } = await compactVerify(
      code.trim(),
      async (header) => {
        const key = keys.find((k) => k.kid === header.kid)
        if (!key) throw new Error(`no key ${String(header.kid)}`)
        return importJWK(key as JWK, 'EdDSA')
      },
      { algorithms: ['EdDSA', 'Ed25519'] },
    )
    const parsed: unknown = JSON.parse(new TextDecoder().decode(payload))
    return isPayload(parsed) ? parsed : null
  } catch {
    return null
  }
}

/** In the order the service checks: the code itself, its expiry, its concert and date, then the ticket's standing. */
export async function judgeOffline(code: string, gate: GateKnowledge): Promise<OfflineVerdict> {
  if (gate.keys.length === 0) return { admitted: false, reason: 'NO_KEYS' }
  const ticket = await verifiedPayload(code, gate.keys)
  if (!ticket) return { admitted: false, reason: 'CODE_INVALID' }
  if (ticket.exp <= gate.nowSeconds) return { admitted: false, reason: 'CODE_EXPIRED', ticket }
  if (ticket.cid !== gate.concertId) return { admitted: false, reason: 'WRONG_CONCERT', ticket }
  if (gate.date && ticket.date !== gate.date) return { admitted: false, reason: 'WRONG_DATE', ticket }
  const seenVersion = gate.admitted[ticket.tid]
  // A newer version let in here: this code was made before the ticket was given away.
  if (seenVersion !== undefined && ticket.v < seenVersion)
    return { admitted: false, reason: 'TICKET_NOT_VALID', ticket }
  if (seenVersion !== undefined) return { admitted: false, reason: 'SCANNED_HERE', ticket }
  return { admitted: true, ticket }
}
