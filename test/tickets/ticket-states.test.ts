import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  canMove,
  whyNotCheckIn,
  whyNotReceive,
  whyNotRefund,
  whyNotTransfer,
  type GateTicket,
} from '../../src/concert/tickets/ticket-states'
import { CODE_TTL_SECONDS, signCode, verifyCode } from '../../src/tickets/codes'
import { ticketKeys } from '../../src/tickets/signing-keys'
import { ticketIdOf } from '../../src/tickets/ticket-ids'

// The ticket's pure parts: its states and checks, its id, its code.

const CID = '00000000-0000-4000-8000-000000000001'
const ticket = (over: Partial<GateTicket> = {}): GateTicket => ({
  ticketId: '00000000-0000-4000-8000-00000000000a',
  reservationId: 'r1',
  date: '2026-12-24',
  seatNumber: 7,
  buyerId: 'alice',
  holderId: 'alice',
  version: 1,
  state: 'VALID',
  checkedInAt: null,
  refunding: false,
  ...over,
})
const code = (over = {}) => ({ tid: ticket().ticketId, cid: CID, date: '2026-12-24', seat: 7, v: 1, ...over })
const scanner = { scannerId: 's1', concertId: CID }
const codeOf = (f: { code: string } | null) => f?.code ?? null

describe('ticket states', () => {
  it('VALID moves to CHECKED_IN or VOID (or stays VALID by a transfer); both are final', () => {
    expect(canMove('VALID', 'CHECKED_IN')).toBe(true)
    expect(canMove('VALID', 'VOID')).toBe(true)
    expect(canMove('CHECKED_IN', 'VALID')).toBe(false)
    expect(canMove('CHECKED_IN', 'VOID')).toBe(false)
    expect(canMove('VOID', 'VALID')).toBe(false)
  })

  it('check-in: concert, date, ticket, refund, version, state, in that order', () => {
    expect(whyNotCheckIn(code(), scanner, ticket())).toBeNull()
    expect(codeOf(whyNotCheckIn(code({ cid: 'other' }), scanner, undefined))).toBe('WRONG_CONCERT')
    expect(codeOf(whyNotCheckIn(code(), { ...scanner, date: '2026-12-25' }, ticket()))).toBe('WRONG_DATE')
    expect(whyNotCheckIn(code(), { ...scanner, date: '2026-12-24' }, ticket())).toBeNull()
    expect(codeOf(whyNotCheckIn(code(), scanner, undefined))).toBe('TICKET_NOT_FOUND')
    expect(codeOf(whyNotCheckIn(code(), scanner, ticket({ state: 'VOID' })))).toBe('TICKET_NOT_VALID')
    expect(codeOf(whyNotCheckIn(code(), scanner, ticket({ version: 2 })))).toBe('TICKET_NOT_VALID')
    const used = whyNotCheckIn(code(), scanner, ticket({ state: 'CHECKED_IN', checkedInAt: Date.UTC(2026, 11, 24, 9) }))
    expect(used).toMatchObject({
      code: 'ALREADY_CHECKED_IN',
      message: expect.stringContaining('2026-12-24T09:00:00.000Z'),
    })
    expect(codeOf(whyNotCheckIn(code(), scanner, ticket({ refunding: true })))).toBe('TICKET_NOT_VALID')
  })

  it("transfer: only the holder's valid ticket", () => {
    expect(whyNotTransfer(ticket(), 'alice')).toBeNull()
    expect(codeOf(whyNotTransfer(ticket(), 'bob'))).toBe('TICKET_NOT_FOUND')
    expect(codeOf(whyNotTransfer(undefined, 'alice'))).toBe('TICKET_NOT_FOUND')
    expect(codeOf(whyNotTransfer(ticket({ state: 'VOID' }), 'alice'))).toBe('TICKET_NOT_FOUND')
    expect(codeOf(whyNotTransfer(ticket({ state: 'CHECKED_IN' }), 'alice'))).toBe('TICKET_NOT_VALID')
    expect(codeOf(whyNotTransfer(ticket({ refunding: true }), 'alice'))).toBe('TICKET_NOT_VALID')
  })

  it('refund: closed by a ticket given away, or one checked in', () => {
    expect(whyNotRefund([ticket(), ticket()])).toBeNull()
    expect(whyNotRefund([])).toBeNull()
    expect(codeOf(whyNotRefund([ticket(), ticket({ holderId: 'bob', version: 2 })]))).toBe('TICKET_TRANSFERRED')
    expect(codeOf(whyNotRefund([ticket({ state: 'CHECKED_IN' })]))).toBe('REFUND_CLOSED')
    // Given away and back: the buyer holds every ticket again.
    expect(whyNotRefund([ticket({ version: 3 })])).toBeNull()
  })

  it("receive: the recipient's count, and a ticket coming back to its buyer", () => {
    expect(whyNotReceive(3, 4, false)).toBeNull()
    expect(codeOf(whyNotReceive(4, 4, false))).toBe('TICKET_LIMIT_REACHED')
    expect(whyNotReceive(4, 4, true)).toBeNull()
  })
})

describe('ticket ids', () => {
  it('are UUIDs (version 8) derived from the order and the seat: the same inputs, the same id', () => {
    const id = ticketIdOf('7f0c6a1e-0000-4000-8000-000000000000', 12)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(ticketIdOf('7f0c6a1e-0000-4000-8000-000000000000', 12)).toBe(id)
    expect(ticketIdOf('7f0c6a1e-0000-4000-8000-000000000000', 13)).not.toBe(id)
    expect(ticketIdOf('7f0c6a1e-0000-4000-8000-000000000001', 12)).not.toBe(id)
  })
})

describe('ticket codes', () => {
  it('verify while fresh, expire at exp, and name the signing key', async () => {
    const keys = await ticketKeys(env)
    const now = Date.UTC(2026, 11, 24, 9)
    const { code: signed, exp } = await signCode(keys, code(), now)
    expect(exp).toBe(now / 1000 + CODE_TTL_SECONDS)
    expect(CODE_TTL_SECONDS).toBeLessThanOrEqual(60)
    expect(await verifyCode(keys, signed, now + 29_000)).toEqual({ ok: true, value: code() })
    expect(await verifyCode(keys, signed, now + 30_000)).toMatchObject({ ok: false, code: 'CODE_EXPIRED', status: 410 })
    const flipped = signed.slice(0, -2) + (signed.endsWith('A') ? 'BA' : 'AA')
    expect(await verifyCode(keys, flipped, now)).toMatchObject({ code: 'CODE_INVALID' })
    // Imported once per isolate: the same settings give the same keys.
    expect(await ticketKeys(env)).toBe(keys)
  })

  it('refuse a key setting that is not a private Ed25519 JWK with a kid', async () => {
    await expect(ticketKeys({ TICKET_SIGNING_KEY: '{"kty":"OKP","crv":"Ed25519","x":"abc"}' })).rejects.toThrow(
      /TICKET_SIGNING_KEY/,
    )
    await expect(ticketKeys({ TICKET_SIGNING_KEY: 'nonsense' })).rejects.toThrow(/TICKET_SIGNING_KEY/)
  })
})
