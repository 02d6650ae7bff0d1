import fc from 'fast-check'
import { inject, it } from 'vitest'
import { PAYMENT_GRACE_MS } from '../../src/shared/policy'
import { checkDelivery, eventsWritten, type Written } from './delivery'
import { fanActions } from './fan-actions'
import { checkInvariants } from './invariants'
import { openSale, openingArb } from './opening'
import { newStats } from './stats'
import { faultActions, worldActions } from './world-actions'
import { within } from './step'
import { SaleWorld, STEP_MS } from './world'

// `npm run sim:sale` (sim/sale.mjs): seeded histories of a whole sale against the real Worker
// and Durable Objects, in the spirit of TigerBeetle's VOPR and FoundationDB's simulation: fast-
// check generates each history (the opening, then up to STEPS_PER_HISTORY steps of fans,
// the operator, time and faults), every invariant is checked after every step, and a failure
// is shrunk to the shortest history that still fails and printed with the seed and path that
// replay it. docs/reliability.md, "The seeded simulation".

declare module 'vitest' {
  export interface ProvidedContext {
    simOptions: { seed: number; steps: number; histories: number; path: string; replayPath: string }
  }
}

/** Per history: long enough for a sell-out, refunds and the waitlist, short enough for 200 in CI's budget. */
const STEPS_PER_HISTORY = 20
const DEFAULT_HISTORIES = 200
const DELIVERY_CHECK_EVERY = 100

const options = inject('simOptions')
// fc.commands draws lengths up to the maximum, half of it on average.
const histories =
  options.histories || (options.steps ? Math.ceil(options.steps / (STEPS_PER_HISTORY / 2)) : DEFAULT_HISTORIES)
// A replay, or a handful of histories, checks each history's events before the next (and so
// shrinks a delivery failure too); a long run checks them all at its end.
const deliveryInline = options.path !== '' || histories <= 3

const steps = fc.commands([fc.oneof(...fanActions, ...worldActions, ...faultActions)], {
  maxCommands: STEPS_PER_HISTORY,
  size: 'max',
  // Which steps of the failing history ran, as fast-check printed it: shrinking a history
  // depends on it, so a replay of a shrunk history by its path needs it too.
  ...(options.replayPath ? { replayPath: options.replayPath } : {}),
})

it('the sale cannot be broken', async () => {
  SaleWorld.startClock()
  const stats = newStats()
  const written: Written[] = []
  /** What the checks of events found wrong, history by history (they come after the history has passed). */
  const late: string[] = []
  let history = 0
  const property = fc.asyncProperty(openingArb, steps, async (opening, commands) => {
    const world = new SaleWorld(stats)
    await openSale(world, opening)
    stats.histories++
    await fc.asyncModelRun(() => ({ model: {}, real: world }), commands)
    await within('the end of the history', world.inFlight, () => settle(world))
    const mine = {
      concertId: world.concertId,
      events: (await eventsWritten(world.concertId)).written,
      history: history++,
    }
    stats.eventsWritten += mine.events
    if (deliveryInline) {
      const broken = await checkDelivery([mine], stats)
      if (broken.length > 0) throw new Error(broken.join('\n'))
    } else {
      written.push(mine)
      // Checked a hundred histories at a time: one wait of about a second per hundred, and a
      // long run's stand-in platform is asked about a hundred concerts, not all of them, at once.
      if (written.length >= DELIVERY_CHECK_EVERY) late.push(...(await checkDelivery(written.splice(0), stats)))
    }
  })
  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: histories,
    ...(options.path ? { path: options.path } : {}),
  })
  const broken = details.failed ? [] : [...late, ...(await checkDelivery(written, stats))]
  console.log(`SIM_SUMMARY ${JSON.stringify({ seed: options.seed, ...stats })}`)
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? 'failed'
    const replayPath = /replayPath="([^"]+)"/.exec(report)?.[1]
    const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
    throw new Error(
      `${report}\n\nThe shortest history's failure: ${why}\n\nReplay: npm run sim:sale -- --seed ${details.seed} --path "${details.counterexamplePath}"${replayPath ? ` --replay-path "${replayPath}"` : ''}`,
    )
  }
  if (broken.length > 0) {
    const first = Number(/history (\d+)/.exec(broken[0]!)?.[1])
    throw new Error(
      `events or tickets wrong at the end:\n${broken.join('\n')}\n\nReplay: npm run sim:sale -- --seed ${options.seed} --path "${first}"`,
    )
  }
})

/** The end of a history: faults stop, stuck payments and refunds recover, the outbox empties. */
async function settle(world: SaleWorld) {
  world.faults.disarm()
  await world.faults.platform('ok')
  world.faults.beginStep()
  await world.advance(PAYMENT_GRACE_MS + STEP_MS)
  for (let i = 0; i < 20; i++) {
    const [{ n } = { n: 0 }] = await world.objectRows<{ n: number }>(
      "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM reservations WHERE state IN ('PAYING', 'REFUNDING')) AS n",
    )
    if (n === 0) break
    await world.advance(STEP_MS)
  }
  const [{ n } = { n: 0 }] = await world.objectRows<{ n: number }>(
    "SELECT COUNT(*) AS n FROM reservations WHERE state IN ('PAYING', 'REFUNDING')",
  )
  if (n > 0) throw new Error(`${n} payments or refunds still in flight at the end of the history`)
  await checkInvariants(world, 'at the end of the history')
}
