import fc from 'fast-check'
import { step } from './step'

// What happens around the fans: the operator changes the queue policy; time jumps (holds,
// offers, admissions and idle places run out, and the alarms that fell due run); and faults.

const policyPatch = fc.record(
  {
    maxActiveUsers: fc.integer({ min: 1, max: 4 }),
    paused: fc.boolean(),
    requireVerifiedIdentity: fc.boolean(),
    entryProofCost: fc.constantFrom(null, 1_000),
    holdTtlSeconds: fc.constantFrom(60, 300),
    activeTtlSeconds: fc.constantFrom(120, 600),
    waitlistOfferSeconds: fc.constantFrom(60, 600),
  },
  { requiredKeys: [] },
)

export const worldActions = [
  step(1, 'setPolicy', policyPatch, (patch) => async (world) => {
    const reply = await world.admin('PUT', `/api/admin/concerts/${world.concertId}/queue-policy`, patch)
    if (reply.status === 200) world.policy = reply.body
  }),

  // Past a hold (60 or 300 s), an idle waiter (120 s), an offer or an admission (600 s).
  step(1, 'jump', fc.record({ seconds: fc.constantFrom(30, 70, 130, 310, 610) }), (a) => async (world) => {
    await world.advance(a.seconds * 1000)
  }),
]

export const faultActions = [
  step(
    1,
    'd1Fails',
    fc.record({ call: fc.integer({ min: 1, max: 2 }), afterItRan: fc.boolean() }),
    (a) => async (world) => {
      world.faults.armD1(a.call, a.afterItRan)
    },
  ),
  step(1, 'crashNow', fc.record({}), () => async (world) => {
    await world.faults.crashNow()
  }),
  step(1, 'crashInNextChange', fc.record({}), () => async (world) => {
    world.faults.armCrashInChange()
  }),
  step(1, 'queueRefuses', fc.record({ sends: fc.integer({ min: 1, max: 3 }) }), (a) => async (world) => {
    world.faults.refuseQueue(a.sends)
  }),
  step(1, 'platform', fc.record({ mode: fc.constantFrom('down' as const, 'ok' as const) }), (a) => async (world) => {
    await world.faults.platform(a.mode)
  }),
]
