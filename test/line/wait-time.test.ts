// The fan's estimated wait in words (web/common/wait-time.ts), in both languages of the page.
import { describe, expect, it } from 'vitest'
import { duration, waitText } from '../../web/common/wait-time'

describe('waitText', () => {
  it('says "about 9 days" for 20,000 ahead, not "12940:59"', () => {
    expect(waitText(12940 * 60 + 59, 'en')).toBe('about 9 days')
    expect(waitText(12940 * 60 + 59, 'ko')).toBe('약 9일')
  })

  it('counts minutes up to an hour, rounding up', () => {
    expect(waitText(150, 'en')).toBe('3 min')
    expect(waitText(150, 'ko')).toBe('3분')
    expect(waitText(60, 'en')).toBe('1 min')
    expect(waitText(59 * 60 + 1, 'en')).toBe('about 1 hour')
    expect(waitText(59 * 60, 'en')).toBe('59 min')
  })

  it('says less than a minute for a few seconds, nothing or nonsense', () => {
    expect(waitText(0, 'en')).toBe('under a minute')
    expect(waitText(59, 'ko')).toBe('1분 이내')
    expect(waitText(-5, 'en')).toBe('under a minute')
    expect(waitText(Number.NaN, 'en')).toBe('under a minute')
  })

  it('gives hours and tens of minutes under 3 hours, whole hours under a day', () => {
    expect(waitText(100 * 60, 'en')).toBe('about 1 h 40 min')
    expect(waitText(100 * 60, 'ko')).toBe('약 1시간 40분')
    expect(waitText(61 * 60, 'en')).toBe('about 1 hour')
    expect(waitText(5 * 3600 + 10 * 60, 'en')).toBe('about 5 hours')
    expect(waitText(5 * 3600, 'ko')).toBe('약 5시간')
  })

  it('gives days from a day on, singular for one', () => {
    expect(waitText(23.8 * 3600, 'en')).toBe('about 1 day')
    expect(waitText(36 * 3600, 'en')).toBe('about 2 days')
    expect(waitText(86_400, 'ko')).toBe('약 1일')
  })
})

describe('duration', () => {
  it('is m:ss for countdowns, never negative', () => {
    expect(duration(299.6)).toBe('5:00')
    expect(duration(65)).toBe('1:05')
    expect(duration(-3)).toBe('0:00')
  })
})
