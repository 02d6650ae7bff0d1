// Decisions of the waiting queue and the seat holds, as pure functions of numbers.
// The Durable Object applies them to its storage; these are unit tested without any runtime.

export interface QueuePolicy {
  /** At most this many users are ACTIVE (allowed to hold and pay) at once. */
  maxActiveUsers: number
  /** An ACTIVE user who has not paid after this long is expired and the place freed. */
  activeTtlSeconds: number
  /** How long a seat hold lasts before the seat is AVAILABLE again. */
  holdTtlSeconds: number
  /** Seats one user may hold at once. */
  maxHoldsPerUser: number
}

export const DEFAULT_POLICY: QueuePolicy = {
  maxActiveUsers: 50,
  activeTtlSeconds: 600,
  holdTtlSeconds: 300,
  maxHoldsPerUser: 1,
}

/**
 * How many waiting users to admit now. "Bank counter" admission: every free place is
 * filled at once, never by a periodic batch.
 */
export function admissionsAvailable(activeCount: number, waitingCount: number, policy: QueuePolicy): number {
  return Math.max(0, Math.min(waitingCount, policy.maxActiveUsers - activeCount))
}

/**
 * A waiting user's place in line: 1 for the next to be admitted.
 *
 * Arrival numbers are consecutive and WAITING users leave only from the front (admission is
 * strictly FIFO), so everyone between the last admitted arrival and this user is still
 * waiting: the position is a subtraction, not a count over the queue.
 */
export function waitingPosition(arrival: number, lastAdmittedArrival: number): number {
  return Math.max(1, arrival - lastAdmittedArrival)
}

/**
 * Expected wait before admission. Places free up as ACTIVE users finish; with no measured
 * rate yet, assume each active place turns over once per active TTL (the worst case).
 */
export function estimatedWaitSeconds(position: number, policy: QueuePolicy): number {
  if (position <= 0) return 0
  const rounds = Math.ceil(position / policy.maxActiveUsers)
  return rounds * policy.activeTtlSeconds
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
export function isBookable(startsAt: string, now: number): boolean {
  return Date.parse(startsAt) > now
}
