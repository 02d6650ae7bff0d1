// Decisions of the waiting queue and the seat holds, as pure functions of numbers.
// The Durable Object applies them to its storage; these are unit tested without any runtime.
import type { QueuePolicy } from '../schemas'

export const DEFAULT_POLICY: QueuePolicy = {
  maxActiveUsers: 50,
  activeTtlSeconds: 600,
  holdTtlSeconds: 300,
  maxHoldsPerUser: 1,
  maxSeatsPerOrder: 4,
  maxTicketsPerUser: 4,
  admitPerMinute: null,
  idleTimeoutSeconds: 120,
  paused: false,
  maxWaitingUsers: null,
  requireVerifiedIdentity: false,
  waitlistOfferSeconds: 600,
  entryProofCost: null,
}

const MINUTE_MS = 60_000

/**
 * How many waiting users to admit now. "Bank counter" admission: every free place is
 * filled at once, never by a periodic batch; nobody while the operator has paused admission,
 * nor while no seat is AVAILABLE (admission resumes when a hold ends).
 */
export function admissionsAvailable(
  activeCount: number,
  waitingCount: number,
  policy: QueuePolicy,
  seatsLeft: number,
): number {
  if (policy.paused || seatsLeft === 0) return 0
  return Math.max(0, Math.min(waitingCount, policy.maxActiveUsers - activeCount))
}

/** Whether a newcomer may join a line with this many WAITING (a user who has a place keeps it). */
export function hasRoomToWait(waitingCount: number, policy: QueuePolicy): boolean {
  return policy.maxWaitingUsers === null || waitingCount < policy.maxWaitingUsers
}

/** Index of the first element greater than `t` in an ascending array: O(log n). */
export function firstIndexAfter(sorted: ArrayLike<number>, t: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! > t) hi = mid
    else lo = mid + 1
  }
  return lo
}

/**
 * How many admissions the rate cap allows now, given recent admission times (ascending), and
 * when the next one becomes allowed if none is.
 */
export function rateAllowance(
  now: number,
  recent: readonly number[],
  admitPerMinute: number | null,
): { allowed: number; nextAt: number | null } {
  if (admitPerMinute === null) return { allowed: Number.POSITIVE_INFINITY, nextAt: null }
  const inWindow = recent.length - firstIndexAfter(recent, now - MINUTE_MS)
  const allowed = Math.max(0, admitPerMinute - inWindow)
  // The window frees a slot when the admission `admitPerMinute` back is a minute old.
  const nextAt = allowed > 0 ? null : recent[recent.length - admitPerMinute]! + MINUTE_MS
  return { allowed, nextAt }
}

/** Admissions per second over the recent window; 0 until something has been measured. */
export function measuredAdmissionRate(now: number, recent: readonly number[], windowMs = 5 * MINUTE_MS): number {
  const first = firstIndexAfter(recent, now - windowMs)
  const count = recent.length - first
  if (count === 0) return 0
  // Over the time actually observed, but at least 10 s so one burst is not read as a torrent.
  const observedMs = Math.max(10_000, now - recent[first]!)
  return count / (observedMs / 1000)
}

/**
 * Expected wait before admission: from the measured admission rate when there is one, else
 * assuming each active place turns over once per active TTL (the worst case); never faster
 * than the rate cap allows.
 */
export function estimatedWaitSeconds(position: number, ratePerSecond: number, policy: QueuePolicy): number {
  if (position <= 0) return 0
  const fallback = Math.ceil(position / policy.maxActiveUsers) * policy.activeTtlSeconds
  let estimate = ratePerSecond > 0 ? Math.ceil(position / ratePerSecond) : fallback
  if (policy.admitPerMinute !== null) estimate = Math.max(estimate, Math.ceil((position * 60) / policy.admitPerMinute))
  return estimate
}

/** A place in line: admitted until a time, or waiting at a position. */
export type Place = { activeUntil: number } | { position: number }

/** What a status is told against: the time, the measured admission rate and the seats left. */
export interface Moment {
  now: number
  admissionRate: number
  seatsLeft: number
}

/**
 * The status fields of the contract for a place in line. One definition, used by the concert
 * object and by the Workers' snapshots of it.
 */
export function placeStatus(place: Place, { now, admissionRate, seatsLeft }: Moment, policy: QueuePolicy) {
  return { ...placeFields(place, now, admissionRate, policy), seatsLeft }
}

function placeFields(place: Place, now: number, admissionRate: number, policy: QueuePolicy) {
  if ('activeUntil' in place) {
    return {
      status: 'ACTIVE' as const,
      position: 0,
      estimatedWaitSeconds: 0,
      activeUntil: new Date(place.activeUntil).toISOString(),
      pollAfterSeconds: Math.max(1, Math.min(30, Math.ceil((place.activeUntil - now) / 1000))),
    }
  }
  return {
    status: 'WAITING' as const,
    position: place.position,
    estimatedWaitSeconds: estimatedWaitSeconds(place.position, admissionRate, policy),
    activeUntil: null,
    pollAfterSeconds: pollAfterSeconds(place.position),
  }
}

/** The final status of a place that ended because every seat was sold: nothing more to wait for. */
export const SOLD_OUT_STATUS = {
  status: 'SOLD_OUT' as const,
  position: 0,
  estimatedWaitSeconds: 0,
  activeUntil: null,
  pollAfterSeconds: 30,
  seatsLeft: 0,
}

/**
 * A pre-queue's first polls after the opening are spread over this many seconds, by entry:
 * each needs its place found (src/gate/gate.ts), and a whole pre-queue polling in the same
 * second would be a herd. The place does not depend on when it is asked.
 */
export const OPENING_POLL_SPREAD_S = 20

/**
 * The status of a pre-queue entry: no position until the draw at opensAt, which is the least
 * there is to wait; polled again in the spread after the draw, or every 30 s until then.
 */
export function preQueueStatus(entryId: string, opensAt: number, { now, seatsLeft }: Moment) {
  const untilOpen = Math.max(0, Math.ceil((opensAt - now) / 1000))
  return {
    status: 'PRE_QUEUE' as const,
    entryId,
    opensAt: new Date(opensAt).toISOString(),
    position: null,
    estimatedWaitSeconds: untilOpen,
    activeUntil: null,
    pollAfterSeconds: Math.min(30, untilOpen + 1 + ((parseInt(entryId.slice(0, 8), 16) || 0) % OPENING_POLL_SPREAD_S)),
    seatsLeft,
  }
}

/** Poll soon near the front of the line, rarely from far back. */
export function pollAfterSeconds(position: number): number {
  if (position <= 0) return 30
  if (position <= 10) return 2
  if (position <= 100) return 5
  if (position <= 1000) return 15
  return 30
}

/** A hold never outlives its holder's admission: after that nobody could pay for it. */
export function holdExpiresAt(now: number, policy: QueuePolicy, activeUntil: number): number {
  return Math.min(now + policy.holdTtlSeconds * 1000, activeUntil)
}

/**
 * How long a payment in flight keeps its hold past expiry before the object asks the ledger
 * what happened: longer than any Worker request can take, so a slow debit is never undone.
 * A refund in flight is given the same grace.
 */
export const PAYMENT_GRACE_MS = 60_000

/** The earliest of all deadlines, or null when nothing is pending. */
export function nextDeadline(deadlines: Array<number | null | undefined>): number | null {
  let earliest: number | null = null
  for (const d of deadlines) {
    if (d != null && (earliest === null || d < earliest)) earliest = d
  }
  return earliest
}

/** A concert date can be sold until its show starts. */
export function isBookable(startsAt: number, now: number): boolean {
  return startsAt > now
}
