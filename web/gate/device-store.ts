// What a gate device keeps across reloads and without network, in its local storage: the
// scanner's setup (concert, date, token), the service's public keys, the tickets it let in,
// and the check-ins accepted offline that wait to be sent. No DOM: the storage is passed in
// (localStorage in the page, a Map in the unit tests).
import type { TicketKey } from '../common/tickets-api'

export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export interface GateSetup {
  concertId: string
  date: string | null
  token: string
}

/** A check-in accepted offline, to send once back online. */
export interface QueuedCheckIn {
  code: string
  ticketId: string
  seatNumber: number
  date: string
  scannedAt: string
}

const KEYS = { setup: 'gate.setup', keys: 'gate.keys', admitted: 'gate.admitted', queue: 'gate.queue' } as const

export class GateDevice {
  constructor(private readonly storage: KeyValueStore) {}

  private read<T>(key: string, fallback: T): T {
    try {
      const raw = this.storage.getItem(key)
      return raw === null ? fallback : (JSON.parse(raw) as T)
    } catch {
      return fallback
    }
  }

  private write(key: string, value: unknown) {
    this.storage.setItem(key, JSON.stringify(value))
  }

  get setup(): GateSetup | null {
    return this.read<GateSetup | null>(KEYS.setup, null)
  }

  saveSetup(setup: GateSetup) {
    // Another concert or scanner: what this device let in before does not apply to it.
    const before = this.setup
    if (before && (before.concertId !== setup.concertId || before.date !== setup.date)) this.write(KEYS.admitted, {})
    this.write(KEYS.setup, setup)
  }

  /** The token goes; the queue stays, to be sent by whoever sets the device up for the same concert. */
  forget() {
    this.storage.removeItem(KEYS.setup)
  }

  get keys(): TicketKey[] {
    return this.read<TicketKey[]>(KEYS.keys, [])
  }

  saveKeys(keys: TicketKey[]) {
    this.write(KEYS.keys, keys)
  }

  /** Each ticket let in here, with its version then. */
  get admitted(): Record<string, number> {
    return this.read<Record<string, number>>(KEYS.admitted, {})
  }

  rememberAdmitted(ticketId: string, version: number) {
    this.write(KEYS.admitted, { ...this.admitted, [ticketId]: version })
  }

  get queue(): QueuedCheckIn[] {
    return this.read<QueuedCheckIn[]>(KEYS.queue, [])
  }

  enqueue(checkIn: QueuedCheckIn) {
    this.write(KEYS.queue, [...this.queue, checkIn])
  }

  /** Removed by its code: a check-in is sent once, whatever the service answers, unless it was not reached. */
  dequeue(code: string) {
    this.write(
      KEYS.queue,
      this.queue.filter((c) => c.code !== code),
    )
  }
}
