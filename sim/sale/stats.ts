/** The kinds of fault a history injects (faults.ts). */
export type FaultKind = 'd1' | 'crash' | 'queue' | 'platform'

/** What a run did, for the summary sim/sale.mjs prints. */
export interface SimStats {
  histories: number
  steps: number
  requests: number
  alarms: number
  faults: Record<FaultKind, number>
  /** Invariant checks made (one per invariant per step). */
  checks: number
  /** Each kind of action taken, by name. */
  actions: Record<string, number>
  /** Answers by status, to show the histories reach the service's refusals as well as its successes. */
  statuses: Record<string, number>
  eventsWritten: number
  eventsDelivered: number
  eventsDeadLettered: number
}

export const newStats = (): SimStats => ({
  histories: 0,
  steps: 0,
  requests: 0,
  alarms: 0,
  faults: { d1: 0, crash: 0, queue: 0, platform: 0 },
  checks: 0,
  actions: {},
  statuses: {},
  eventsWritten: 0,
  eventsDelivered: 0,
  eventsDeadLettered: 0,
})
