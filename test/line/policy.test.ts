import { describe, expect, it } from 'vitest'
import {
  admissionsAvailable,
  DEFAULT_POLICY,
  hasRoomToWait,
  estimatedWaitSeconds,
  holdExpiresAt,
  isBookable,
  nextDeadline,
  measuredAdmissionRate,
  pollAfterSeconds,
  rateAllowance,
} from '../../src/shared/policy'
import { chooseNewcomers } from '../../src/concert/line/newcomers'
import { fail } from '../../src/errors/catalogue'

const policy = { ...DEFAULT_POLICY, maxActiveUsers: 3, activeTtlSeconds: 100, holdTtlSeconds: 60 }

describe('admission', () => {
  it('fills every free place at once, never more than are waiting', () => {
    expect(admissionsAvailable(0, 10, policy, 50)).toBe(3)
    expect(admissionsAvailable(2, 10, policy, 50)).toBe(1)
    expect(admissionsAvailable(0, 2, policy, 50)).toBe(2)
  })
  it('admits nobody when full or over the cap after the policy was lowered', () => {
    expect(admissionsAvailable(3, 10, policy, 50)).toBe(0)
    expect(admissionsAvailable(5, 10, policy, 50)).toBe(0)
    expect(admissionsAvailable(0, 0, policy, 50)).toBe(0)
  })
})

describe('paused admission and the cap on waiting', () => {
  it('admits nobody while no seat is AVAILABLE', () => {
    expect(admissionsAvailable(0, 10, policy, 0)).toBe(0)
    expect(admissionsAvailable(0, 10, policy, 1)).toBe(3)
  })
  it('admits nobody while paused, whatever is free', () => {
    expect(admissionsAvailable(0, 10, { ...policy, paused: true }, 50)).toBe(0)
    expect(admissionsAvailable(0, 10, { ...policy, paused: false }, 50)).toBe(3)
  })
  it('lets a newcomer wait while fewer than maxWaitingUsers wait, and always without a cap', () => {
    expect(hasRoomToWait(1, { ...policy, maxWaitingUsers: 2 })).toBe(true)
    expect(hasRoomToWait(2, { ...policy, maxWaitingUsers: 2 })).toBe(false)
    expect(hasRoomToWait(-3, { ...policy, maxWaitingUsers: 1 })).toBe(true)
    expect(hasRoomToWait(1_000_000, policy)).toBe(true)
  })
})

describe('admission rate cap', () => {
  const t0 = 1_000_000
  it('allows everything without a cap', () => {
    expect(rateAllowance(t0, [t0, t0, t0], null)).toEqual({ allowed: Number.POSITIVE_INFINITY, nextAt: null })
  })
  it('allows what is left of the cap within the rolling minute', () => {
    expect(rateAllowance(t0, [t0 - 70_000, t0 - 30_000, t0 - 1], 5)).toEqual({ allowed: 3, nextAt: null })
  })
  it('when the cap is used up, says when the oldest admission leaves the window', () => {
    const recent = [t0 - 50_000, t0 - 40_000, t0 - 10_000]
    expect(rateAllowance(t0, recent, 3)).toEqual({ allowed: 0, nextAt: t0 + 10_000 })
    expect(rateAllowance(t0 + 10_000, recent, 3).allowed).toBe(1)
  })
  it('over a simulated minute admits exactly the cap', () => {
    const recent: number[] = []
    for (let now = t0; now < t0 + 60_000; now += 100) {
      if (rateAllowance(now, recent, 12).allowed > 0) recent.push(now)
    }
    expect(recent).toHaveLength(12)
  })
})

describe('estimates and polling', () => {
  it('estimate from the measured admission rate when there is one', () => {
    expect(estimatedWaitSeconds(0, 2, policy)).toBe(0)
    expect(estimatedWaitSeconds(10, 2, policy)).toBe(5)
    expect(estimatedWaitSeconds(10, 0.5, policy)).toBe(20)
  })
  it('fall back to whole turnover rounds of the active places when nothing is measured', () => {
    expect(estimatedWaitSeconds(1, 0, policy)).toBe(100)
    expect(estimatedWaitSeconds(3, 0, policy)).toBe(100)
    expect(estimatedWaitSeconds(4, 0, policy)).toBe(200)
  })
  it('never promise faster than the rate cap', () => {
    expect(estimatedWaitSeconds(30, 100, { ...policy, admitPerMinute: 10 })).toBe(180)
  })
  it('measure admissions per second over the recent window, at least 10 s of it', () => {
    const now = 1_000_000
    expect(measuredAdmissionRate(now, [])).toBe(0)
    expect(measuredAdmissionRate(now, [now - 1, now - 1, now - 1, now - 1, now - 1])).toBe(0.5)
    expect(measuredAdmissionRate(now, [now - 100_000, now - 50_000, now - 1])).toBeCloseTo(0.03)
    expect(measuredAdmissionRate(now, [now - 400_000])).toBe(0)
  })
  it('poll often near the front and rarely far back', () => {
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
    expect(isBookable(Date.parse('2026-12-24T10:00:00.000Z'), now)).toBe(true)
    expect(isBookable(Date.parse('2026-11-30T10:00:00.000Z'), now)).toBe(false)
    expect(isBookable(now, now)).toBe(false)
  })
})

describe('newcomers of a batch of entries', () => {
  const none = () => null
  it('in the batch order, skipping users with a place and repeats in the batch', () => {
    const { newcomers } = chooseNewcomers(
      ['a', 'b', 'a', 'c'],
      (u) => u === 'b',
      () => true,
      none,
    )
    expect(newcomers).toEqual(['a', 'c'])
  })
  it('stops where there is no room, counting the newcomers so far', () => {
    const { newcomers } = chooseNewcomers(
      ['a', 'b', 'c'],
      () => false,
      (soFar) => soFar < 2,
      none,
    )
    expect(newcomers).toEqual(['a', 'b'])
  })
  it('a refused user takes no place and the next one does', () => {
    const refuse = (u: string) => (u === 'a' ? fail('PROOF_REQUIRED') : null)
    const { newcomers, refused } = chooseNewcomers(
      ['a', 'b'],
      () => false,
      () => true,
      refuse,
    )
    expect(newcomers).toEqual(['b'])
    expect(refused.get('a')).toMatchObject({ ok: false, code: 'PROOF_REQUIRED' })
  })
})
