import {
  createExecutionContext,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { vi } from 'vitest'
import worker from '../../src/index'
import { ADMIN_TOKEN, stubOf } from '../../test/helpers'
import { Faults } from './faults'
import type { SimStats } from './stats'

// One history's sale: a concert, its fans and scanner, and the clock. Every request goes
// through the real Worker's fetch handler (src/index.ts) into the real concert object and D1;
// only the env a request sees may carry an injected fault (faults.ts).
//
// Time: the Worker and the Durable Objects run in this same isolate (vitest-pool-workers), so
// vitest's fake Date moves their clocks with ours. The clock runs with the wall clock within a
// step (milliseconds) and jumps by STEP_MS between steps (or by a jump), and the object's alarm is run by the
// simulation, with runDurableObjectAlarm, whenever the clock has passed the time it was set
// for. The clock starts a day ahead of the wall clock so that workerd never fires an alarm on
// its own: every alarm runs at a point of the history, the same on every replay, and expiring
// holds, offers and admissions costs no real waiting (short policies and real sleeps would
// make each history take seconds and depend on the machine's speed).

export const STEP_MS = 1_000
const CLOCK_LEAD_MS = 86_400_000

export interface Fan {
  index: number
  userId: string
  accessToken: string
  verified: boolean
  queueToken?: string
  /** Orders this fan holds or paid (newest last), as the service answered them. */
  orders: string[]
  waitlistId?: string
}

export interface Reply {
  status: number
  body: any
}

export class SaleWorld {
  readonly faults: Faults
  concertId = ''
  date = ''
  scannerToken = ''
  fans: Fan[] = []
  /** A 5xx while no fault was in play: the service failed on its own. */
  unexplained: string[] = []
  /** Every check-in answered 201, per ticket: the gate may let a ticket in once. */
  readonly admittedAtGate = new Map<string, number>()
  /** When the object first recorded each check-in: it may never record another. */
  readonly checkedInAt = new Map<string, number>()
  /** The queue policy in force, as the service last answered it. */
  policy: Record<string, unknown> = {}
  /** Calls under way and where each is (answer, body, waitUntil), to say what a hung step waits for. */
  readonly inFlight = new Map<number, string>()
  private callsMade = 0
  /** The seats of the last hold that went through, for a fan to try for the same. */
  lastHeld: number[] = [1]
  /** The action of the step under way, for the counts of answers by action. */
  acting = 'opening'

  constructor(readonly stats: SimStats) {
    this.faults = new Faults(this, stats)
  }

  static startClock() {
    // Date also runs on with the wall clock within a step: the service waits for time to pass
    // in places (a gate spaces its calls to the object by GATE_INTERVAL_MS, src/gate/batch.ts),
    // and a clock that stood still there hung every step where two fans entered at once.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, advanceTimeDelta: 5 })
    vi.setSystemTime(Date.now() + CLOCK_LEAD_MS)
  }

  /** The clock moves on (a step, or a jump), and the alarms that fell due run. */
  async advance(ms: number) {
    vi.setSystemTime(Date.now() + ms)
    await this.runDueAlarms()
  }

  async runDueAlarms() {
    for (let i = 0; i < 5; i++) {
      const due = await runInDurableObject(this.stub(), (_, state) => state.storage.getAlarm())
      if (due === null || due > Date.now()) return
      this.stats.alarms++
      const id = ++this.callsMade
      this.inFlight.set(id, 'the alarm')
      await this.faults.during('alarm', () => runDurableObjectAlarm(this.stub()))
      this.inFlight.delete(id)
    }
  }

  /** A new stub for every use: one broken by a crash names a dead instance. */
  stub() {
    return stubOf(this.concertId)
  }

  /** One request through the Worker, with the env the faults give it. */
  async call(
    method: string,
    path: string,
    options: { token?: string; queueToken?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.queueToken) headers['x-queue-token'] = options.queueToken
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const request = new Request(`http://tickets.test${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
    const ctx = createExecutionContext()
    const id = ++this.callsMade
    const at = (where: string) => this.inFlight.set(id, `${method} ${path}: ${where}`)
    const reply = await this.faults
      .during(`${method} ${path}`, async () => {
        at('waiting for the answer')
        const res = await worker.fetch(request, this.faults.envForRequest(), ctx)
        at(`${res.status}, reading the body`)
        const text = await res.text()
        at(`${res.status}, waiting for its waitUntil work`)
        await waitOnExecutionContext(ctx)
        return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null }
      })
      .finally(() => this.inFlight.delete(id))
    this.stats.requests++
    const status = `${this.acting} ${reply === null ? 'failed' : reply.status}`
    this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1
    if (reply === null) return { status: 599, body: null }
    if (reply.status >= 500 && !this.faults.inPlay())
      this.unexplained.push(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`)
    return reply
  }

  admin(method: string, path: string, body?: unknown) {
    return this.call(method, path, { token: ADMIN_TOKEN, body })
  }

  /** Reads the concert object's storage without a request (which would sweep first). */
  objectRows<T = Record<string, any>>(sql: string, ...params: unknown[]): Promise<T[]> {
    return runInDurableObject(this.stub(), (_, state) => state.storage.sql.exec(sql, ...params).toArray() as T[])
  }

  d1Rows<T = Record<string, any>>(sql: string, ...params: unknown[]): Promise<T[]> {
    return env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
      .then((r) => r.results)
  }
}
