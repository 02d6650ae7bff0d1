// The gate page's offline half (web/gate/), without a browser: the verdict a device gives a
// code from the signature and what it let in, and the queue of check-ins sent once back
// online. Codes are signed here as the service signs them (EdDSA, Ed25519, with a kid).
import { CompactSign, exportJWK, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { syncQueue, type SendAnswer } from '../../web/gate/check-in-queue'
import { GateDevice, type KeyValueStore } from '../../web/gate/device-store'
import { judgeOffline, type GateKnowledge } from '../../web/gate/offline-verdict'
import type { TicketKey } from '../../web/common/tickets-api'

const memory = (): KeyValueStore => {
  const items = new Map<string, string>()
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  }
}

async function signer(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const key = { ...(await exportJWK(publicKey)), kid } as TicketKey
  const sign = (payload: Record<string, unknown>, headerKid = kid) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'EdDSA', kid: headerKid })
      .sign(privateKey)
  return { key, sign }
}

const now = 1_900_000_000
const ticket = { tid: 't-1', cid: 'c-1', date: '2026-12-24', seat: 7, v: 1, exp: now + 30 }
const gate = (keys: TicketKey[], more: Partial<GateKnowledge> = {}): GateKnowledge => ({
  concertId: 'c-1',
  date: null,
  keys,
  nowSeconds: now,
  admitted: {},
  ...more,
})

describe('the offline verdict', () => {
  it('lets in a code signed by a known key, for this concert and date, not yet let in here', async () => {
    const { key, sign } = await signer('k1')
    const verdict = await judgeOffline(await sign(ticket), gate([key], { date: '2026-12-24' }))
    expect(verdict).toEqual({ admitted: true, ticket })
  })

  it('refuses in the order the service checks, with the contract codes', async () => {
    const { key, sign } = await signer('k1')
    const other = await signer('k2')
    const reason = async (code: string, more: Partial<GateKnowledge> = {}) => {
      const verdict = await judgeOffline(code, gate([key], more))
      return verdict.admitted ? 'ADMITTED' : verdict.reason
    }
    expect(await reason(await other.sign(ticket))).toBe('CODE_INVALID') // unknown kid
    expect(await reason(await other.sign(ticket, 'k1'))).toBe('CODE_INVALID') // wrong signature
    expect(await reason('not.a.code')).toBe('CODE_INVALID')
    expect(await reason(await sign({ ...ticket, seat: 'seven' }))).toBe('CODE_INVALID')
    expect(await reason(await sign({ ...ticket, exp: now }))).toBe('CODE_EXPIRED')
    expect(await reason(await sign({ ...ticket, cid: 'c-2' }))).toBe('WRONG_CONCERT')
    expect(await reason(await sign(ticket), { date: '2026-12-25' })).toBe('WRONG_DATE')
    expect(await reason(await sign(ticket), { admitted: { 't-1': 1 } })).toBe('SCANNED_HERE')
    expect(await reason(await sign(ticket), { admitted: { 't-1': 2 } })).toBe('TICKET_NOT_VALID')
    expect(await reason(await sign({ ...ticket, v: 2 }), { admitted: { 't-2': 1 } })).toBe('ADMITTED')
    const none = await judgeOffline(await sign(ticket), gate([]))
    expect(none).toEqual({ admitted: false, reason: 'NO_KEYS' })
  })
})

describe("the device's queue", () => {
  const queued = (code: string, seatNumber: number) => ({
    code,
    ticketId: `t-${seatNumber}`,
    seatNumber,
    date: '2026-12-24',
    scannedAt: '2026-12-24T18:00:00Z',
  })

  it('sends the oldest first; each answer leaves the queue, an unreachable service stops the round and keeps the rest', async () => {
    const device = new GateDevice(memory())
    for (const [code, seat] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      device.enqueue(queued(code, seat))
    const answers: Record<string, SendAnswer> = {
      a: { kind: 'checked-in' },
      b: { kind: 'refused', code: 'ALREADY_CHECKED_IN', message: 'at 18:01' },
      c: { kind: 'unreachable' },
    }
    const sent: string[] = []
    const round = await syncQueue(device, async ({ code }) => (sent.push(code), answers[code]!))
    expect(sent).toEqual(['a', 'b', 'c'])
    expect(round.stopped).toBe('unreachable')
    expect(round.results.map((r) => [r.checkIn.code, r.answer.kind])).toEqual([
      ['a', 'checked-in'],
      ['b', 'refused'],
    ])
    expect(device.queue.map((c) => c.code)).toEqual(['c'])
  })

  it('keeps the queue when the scanner token is refused', async () => {
    const device = new GateDevice(memory())
    device.enqueue(queued('a', 1))
    const round = await syncQueue(device, async () => ({ kind: 'token-refused' }))
    expect(round).toEqual({ results: [], stopped: 'token-refused' })
    expect(device.queue).toHaveLength(1)
  })

  it('forgets what it let in when set up for another concert or date, and keeps its setup across reloads', () => {
    const storage = memory()
    const device = new GateDevice(storage)
    device.saveSetup({ concertId: 'c-1', date: null, token: 'tok' })
    device.rememberAdmitted('t-1', 1)
    expect(new GateDevice(storage).setup).toEqual({ concertId: 'c-1', date: null, token: 'tok' })
    device.saveSetup({ concertId: 'c-1', date: null, token: 'tok2' })
    expect(device.admitted).toEqual({ 't-1': 1 })
    device.saveSetup({ concertId: 'c-2', date: null, token: 'tok2' })
    expect(device.admitted).toEqual({})
    device.forget()
    expect(device.setup).toBeNull()
  })
})
