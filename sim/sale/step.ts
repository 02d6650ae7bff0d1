import fc from 'fast-check'
import { checkInvariants } from './invariants'
import { STEP_MS, type SaleWorld } from './world'

// One step of a history as fast-check runs it (fc.commands): an action with its generated
// arguments, printed as `name(args)` in a failure's shortest history. Every action may run at
// any point: what it needs (a place in line, an order, a ticket) it looks up in what the
// service answered before, and when there is none the step asks the service anyway and is
// refused, which is part of what is tested. So there is no model to keep in step with the
// service: the invariants read the real stores instead.

export type Model = Record<string, never>

export type Act = (world: SaleWorld) => Promise<void>

export class Step implements fc.AsyncCommand<Model, SaleWorld> {
  constructor(
    readonly name: string,
    readonly args: Record<string, unknown>,
    private readonly act: Act,
  ) {}

  check() {
    return true
  }

  /** The action, then the clock moves on a step (the alarms due run), then every invariant. */
  async run(_model: Model, world: SaleWorld) {
    world.stats.actions[this.name] = (world.stats.actions[this.name] ?? 0) + 1
    world.faults.beginStep()
    await within(`${this.toString()}`, world.inFlight, async () => {
      world.acting = this.name
      await this.act(world)
      world.acting = 'alarm'
      await world.advance(STEP_MS)
    })
    world.stats.steps++
    await checkInvariants(world, `after ${this.toString()}`)
  }

  toString() {
    return `${this.name}(${JSON.stringify(this.args)})`
  }
}

/** A step's arbitrary, with how often it comes up: its arguments generated, then the action made of them. */
export const step = <A extends Record<string, unknown>>(
  weight: number,
  name: string,
  args: fc.Arbitrary<A>,
  act: (args: A) => Act,
): fc.WeightedArbitrary<Step> => ({ weight, arbitrary: args.map((a) => new Step(name, a, act(a))) })

/** A step takes milliseconds; one that has not ended after this hangs, and that is a failure too. */
const STEP_TIMEOUT_MS = 20_000

export async function within(what: string, inFlight: Map<number, string>, work: () => Promise<void>) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const waiting = [...inFlight.values()].join('; ') || 'no call (the simulation itself)'
      reject(new Error(`${what} did not finish in ${STEP_TIMEOUT_MS / 1000} s; under way: ${waiting}`))
    }, STEP_TIMEOUT_MS)
  })
  try {
    await Promise.race([work(), hung])
  } finally {
    clearTimeout(timer)
  }
}
