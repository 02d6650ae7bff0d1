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
  /** Optional cap on admissions in any rolling minute, on top of maxActiveUsers. */
  admitPerMinute: number | null
  /** A WAITING user who neither polls nor holds a socket this long leaves the queue. */
  idleTimeoutSeconds: number
}

export const DEFAULT_POLICY: QueuePolicy = {
  maxActiveUsers: 50,
  activeTtlSeconds: 600,
  holdTtlSeconds: 300,
  maxHoldsPerUser: 1,
  admitPerMinute: null,
  idleTimeoutSeconds: 120,
}

const MINUTE_MS = 60_000

/**
 * How many waiting users to admit now. "Bank counter" admission: every free place is
 * filled at once, never by a periodic batch.
 */
export function admissionsAvailable(activeCount: number, waitingCount: number, policy: QueuePolicy): number {
  return Math.max(0, Math.min(waitingCount, policy.maxActiveUsers - activeCount))
}

/**
 * How many admissions the rate cap allows now, given the admission times of the last minute
 * (ascending), and when the next one becomes allowed if none is.
 */
export function rateAllowance(now: number, recent: readonly number[], admitPerMinute: number | null): { allowed: number; nextAt: number | null } {
  if (admitPerMinute === null) return { allowed: Number.POSITIVE_INFINITY, nextAt: null }
  const windowStart = now - MINUTE_MS
  const inWindow = recent.filter((t) => t > windowStart)
  const allowed = Math.max(0, admitPerMinute - inWindow.length)
  // The window frees a slot when its oldest admission is a minute old.
  const nextAt = allowed > 0 ? null : inWindow[inWindow.length - admitPerMinute]! + MINUTE_MS
  return { allowed, nextAt }
}

/** Admissions per second over the recent window; 0 until something has been measured. */
export function measuredAdmissionRate(now: number, recent: readonly number[], windowMs = 5 * MINUTE_MS): number {
  const inWindow = recent.filter((t) => t > now - windowMs)
  if (inWindow.length === 0) return 0
  // Over the time actually observed, but at least 10 s so one burst is not read as a torrent.
  const observedMs = Math.max(10_000, now - inWindow[0]!)
  return inWindow.length / (observedMs / 1000)
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
