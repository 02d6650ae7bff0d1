import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import type { ConcertRoom } from '../../src/concert/runtime/room'
import type { FaultKind, SimStats } from './stats'

/** The concert the faults are injected into: its id, and a new stub (one broken by a crash names a dead instance). */
export interface FaultTarget {
  readonly concertId: string
  stub(): DurableObjectStub
}

// The faults a history may inject, each where the service meets something that can fail:
//   d1        the k-th D1 call of the next step fails (the Worker's, or the object's in its
//             alarm), before it runs or after (its answer lost), as
//             test/orders/payment-faults.test.ts does for the payment alone;
//   crash     the concert object dies (state.abort(), as test/waitlist/waitlist-faults.test.ts):
//             between two calls, or in the middle of the next change that writes an event;
//   queue     the events queue refuses the object's next sends (its outbox must keep them);
//   platform  the data platform answers 503 to this concert's events until it is told otherwise.

class InjectedFault extends Error {}

const injected = (err: unknown): boolean =>
  err instanceof InjectedFault ||
  (err instanceof Error && (err.cause instanceof InjectedFault || /sim: |abort/i.test(err.message)))

interface Patched {
  room: ConcertRoom
  simPatched?: boolean
}

export class Faults {
  /** Armed for the next step; in force for the step under way, with the D1 calls it made. */
  private d1Armed: { failAt: number; after: boolean } | null = null
  private d1: { failAt: number; after: boolean; calls: number } | null = null
  private crashInChange = false
  private queueRefusals = 0
  private firedThisStep = false
  /** Whether the live instance may lack the hooks: a new one (after a crash) has none. */
  private hooksMissing = true

  constructor(
    private readonly world: FaultTarget,
    private readonly stats: SimStats,
  ) {}

  beginStep() {
    this.firedThisStep = false
    this.d1 = this.d1Armed && { ...this.d1Armed, calls: 0 }
    this.d1Armed = null
  }

  /** Whether a fault fired in this step: only then may a request fail with a 5xx. */
  inPlay() {
    return this.firedThisStep
  }

  armD1(failAt: number, after: boolean) {
    this.d1Armed = { failAt, after }
  }

  armCrashInChange() {
    this.crashInChange = true
  }

  refuseQueue(sends: number) {
    this.queueRefusals = sends
  }

  /** Back to a world without faults, for the end of a history. */
  disarm() {
    this.d1Armed = null
    this.d1 = null
    this.crashInChange = false
    this.queueRefusals = 0
  }

  async crashNow() {
    this.fired('crash')
    await runInDurableObject(this.world.stub(), (_, state) => abort(state, 'sim: crash between calls')).catch(() => {})
  }

  async platform(mode: 'ok' | 'down') {
    if (mode === 'down') this.fired('platform')
    await fetch(`${new URL(env.DATA_PLATFORM_URL).origin}/control`, {
      method: 'POST',
      body: JSON.stringify({ concertId: this.world.concertId, mode }),
    })
  }

  /** Runs a call; a failure an injected fault explains is its answer (null), any other is thrown. */
  async during<T>(label: string, run: () => Promise<T>): Promise<T | null> {
    await this.patchObject()
    try {
      return await run()
    } catch (err) {
      if (this.firedThisStep && injected(err)) return null
      throw new Error(`${label} failed with no fault to explain it: ${String(err)}`, { cause: err })
    }
  }

  /** The env of the next request: the real one, or one whose D1 fails at the armed call. */
  envForRequest(): Env {
    return this.d1 ? { ...env, DB: this.faultyD1() } : env
  }

  /** D1 as the step's calls see it: the armed call fails, counted over the step's calls. */
  private faultyD1(): D1Database {
    const trip = async <T>(op: () => Promise<T>): Promise<T> => {
      const armed = this.d1
      const mine = armed !== null && ++armed.calls === armed.failAt
      if (mine) this.fired('d1')
      if (mine && !armed.after) throw new InjectedFault('sim: D1 failed before the statement ran')
      const result = await op()
      if (mine && armed.after) throw new InjectedFault('sim: D1 ran the statement, its answer was lost')
      return result
    }
    const real = new WeakMap<object, D1PreparedStatement>()
    const statement = (s: D1PreparedStatement): D1PreparedStatement => {
      const wrapped = {
        bind: (...values: unknown[]) => statement(s.bind(...values)),
        first: (column?: string) => trip(() => (column ? s.first(column) : s.first())),
        all: () => trip(() => s.all()),
        raw: (options?: { columnNames?: boolean }) => trip(() => s.raw(options as { columnNames: true })),
        run: () => trip(() => s.run()),
      } as unknown as D1PreparedStatement
      real.set(wrapped, s)
      return wrapped
    }
    return {
      prepare: (query: string) => statement(env.DB.prepare(query)),
      batch: (statements: D1PreparedStatement[]) => trip(() => env.DB.batch(statements.map((s) => real.get(s) ?? s))),
      exec: (query: string) => trip(() => env.DB.exec(query)),
    } as unknown as D1Database
  }

  private fired(kind: FaultKind) {
    if (kind === 'crash') this.hooksMissing = true
    this.firedThisStep = true
    this.stats.faults[kind]++
  }

  /**
   * The live instance's hooks, put in again after every restart (a new instance has none):
   * they do nothing until a fault is armed.
   */
  private async patchObject() {
    if (!this.world.concertId || !this.hooksMissing) return
    this.hooksMissing = false
    await runInDurableObject(this.world.stub(), (instance, state) => {
      const patched = instance as unknown as Patched
      if (patched.simPatched) return
      patched.simPatched = true
      const { room } = patched
      const recordAll = room.outbox.recordAll.bind(room.outbox)
      room.outbox.recordAll = (...args) => {
        if (this.crashInChange) {
          this.crashInChange = false
          this.fired('crash')
          abort(state, 'sim: crash in the middle of a change')
        }
        recordAll(...args)
      }
      // The room's env is private: the events queue it sends to is swapped under it.
      const withEnv = room as unknown as { env: Env }
      const realEnv = withEnv.env
      // Its D1 too, for the alarm's recovery of payments and refunds in flight.
      const db = () => (this.d1 ? this.faultyD1() : realEnv.DB)
      withEnv.env = {
        ...realEnv,
        get DB() {
          return db()
        },
        SALE_EVENTS: {
          send: (...args: Parameters<Queue['send']>) => realEnv.SALE_EVENTS.send(...args),
          sendBatch: async (...args: Parameters<Queue['sendBatch']>) => {
            if (this.queueRefusals > 0) {
              this.queueRefusals--
              this.fired('queue')
              throw new InjectedFault('sim: the events queue refused the send')
            }
            return realEnv.SALE_EVENTS.sendBatch(...args)
          },
        } as Queue,
      }
    })
  }
}

/** The object dies here: what it had not committed is lost, and its callers get an error. */
function abort(state: DurableObjectState, why: string) {
  state.abort(why)
}
