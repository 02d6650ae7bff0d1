import { describe, expect, it } from 'vitest'
import {
  admissionsAvailable,
  DEFAULT_POLICY,
  estimatedWaitSeconds,
  holdExpiresAt,
  isBookable,
  nextDeadline,
  pollAfterSeconds,
  waitingPosition,
} from '../src/concert/policy'

const policy = { ...DEFAULT_POLICY, maxActiveUsers: 3, activeTtlSeconds: 100, holdTtlSeconds: 60 }

describe('admission', () => {
  it('fills every free place at once, never more than are waiting', () => {
    expect(admissionsAvailable(0, 10, policy)).toBe(3)
    expect(admissionsAvailable(2, 10, policy)).toBe(1)
    expect(admissionsAvailable(0, 2, policy)).toBe(2)
  })
  it('admits nobody when full or over the cap after the policy was lowered', () => {
    expect(admissionsAvailable(3, 10, policy)).toBe(0)
    expect(admissionsAvailable(5, 10, policy)).toBe(0)
    expect(admissionsAvailable(0, 0, policy)).toBe(0)
  })
})

describe('position', () => {
  it('is 1 for the user right after the last admitted arrival', () => {
    expect(waitingPosition(11, 10)).toBe(1)
    expect(waitingPosition(15, 10)).toBe(5)
  })
  it('moves forward as admissions advance', () => {
    expect(waitingPosition(15, 12)).toBe(3)
  })
  it('never reports a WAITING user at 0 or below', () => {
    expect(waitingPosition(5, 9)).toBe(1)
  })
})

describe('estimates and polling', () => {
  it('estimates whole turnover rounds of the active places', () => {
    expect(estimatedWaitSeconds(0, policy)).toBe(0)
    expect(estimatedWaitSeconds(1, policy)).toBe(100)
    expect(estimatedWaitSeconds(3, policy)).toBe(100)
    expect(estimatedWaitSeconds(4, policy)).toBe(200)
  })
  it('polls often near the front and rarely far back', () => {
    expect(pollAfterSeconds(1)).toBeLessThan(pollAfterSeconds(50))
    expect(pollAfterSeconds(50)).toBeLessThan(pollAfterSeconds(500))
    expect(pollAfterSeconds(500)).toBeLessThanOrEqual(pollAfterSeconds(50_000))
    expect(pollAfterSeconds(50_000)).toBeLessThanOrEqual(30)
  })
})

describe('expiry', () => {
  it('holds for holdTtlSeconds', () => {
    expect(holdExpiresAt(1_000, policy, 1_000_000)).toBe(61_000)
  })
  it('never past the end of the holder admission', () => {
    expect(holdExpiresAt(1_000, policy, 30_000)).toBe(30_000)
  })
  it('finds the earliest deadline, ignoring missing ones', () => {
    expect(nextDeadline([null, 30, undefined, 10, 20])).toBe(10)
    expect(nextDeadline([null, undefined])).toBeNull()
  })
  it('sells a date only before it starts', () => {
    const now = Date.parse('2026-12-01T00:00:00Z')
    expect(isBookable('2026-12-24T10:00:00.000Z', now)).toBe(true)
    expect(isBookable('2026-11-30T10:00:00.000Z', now)).toBe(false)
    expect(isBookable('2026-12-01T00:00:00.000Z', now)).toBe(false)
  })
})
